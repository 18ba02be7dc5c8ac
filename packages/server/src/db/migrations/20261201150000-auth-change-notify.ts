import { sql, type Kysely } from 'kysely';

/**
 * Every server process keeps the actors of recent sessions in memory (core/auth/actor-cache.ts),
 * so a request does not pay a session query. Whatever changes what an actor is — a session
 * revoked, ended or switched to another role; a user renamed, disabled, or given a new password
 * rule; a grant added, changed or removed; two-step verification enrolled or reset; an upstream
 * session attached — is announced on the channel `qiming_auth` at commit, by these triggers, so
 * every process drops what it holds whichever code path (or hand-written SQL) made the change.
 * Payloads: `s:<session id>`, `u:<user id>`, or `*` (many users at once: drop everything).
 * Touching `last_seen_at` announces nothing: it does not change the actor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION qiming_auth_notify_session() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('qiming_auth', 's:' || OLD.id);
      PERFORM pg_notify('qiming_auth', 'u:' || OLD.user_id);
      RETURN NULL;
    END $$;
    CREATE TRIGGER sessions_auth_notify_update AFTER UPDATE OF revoked_at, active_role, user_id ON sessions
      FOR EACH ROW EXECUTE FUNCTION qiming_auth_notify_session();
    CREATE TRIGGER sessions_auth_notify_delete AFTER DELETE ON sessions
      FOR EACH ROW EXECUTE FUNCTION qiming_auth_notify_session();

    CREATE FUNCTION qiming_auth_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('qiming_auth', 'u:' || OLD.id);
      RETURN NULL;
    END $$;
    CREATE TRIGGER users_auth_notify AFTER UPDATE ON users FOR EACH ROW
      WHEN (OLD.username IS DISTINCT FROM NEW.username
        OR OLD.display_name IS DISTINCT FROM NEW.display_name
        OR OLD.is_active IS DISTINCT FROM NEW.is_active
        OR OLD.must_change_password IS DISTINCT FROM NEW.must_change_password
        OR OLD.password_changed_at IS DISTINCT FROM NEW.password_changed_at)
      EXECUTE FUNCTION qiming_auth_notify_user();

    CREATE FUNCTION qiming_auth_notify_user_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('qiming_auth', 'u:' || coalesce(NEW.user_id, OLD.user_id));
      RETURN NULL;
    END $$;
    CREATE TRIGGER user_mfa_auth_notify AFTER INSERT OR DELETE OR UPDATE OF enabled_at ON user_mfa
      FOR EACH ROW EXECUTE FUNCTION qiming_auth_notify_user_of_row();

    CREATE FUNCTION qiming_auth_notify_upstream_session() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('qiming_auth', 's:' || coalesce(NEW.session_id, OLD.session_id));
      RETURN NULL;
    END $$;
    CREATE TRIGGER upstream_sessions_auth_notify AFTER INSERT OR DELETE OR UPDATE ON upstream_sessions
      FOR EACH ROW EXECUTE FUNCTION qiming_auth_notify_upstream_session();

    -- grants change in bulk (a roster import grants thousands): one statement-level trigger per
    -- event, one notification per user, or one '*' when a statement touches many users
    CREATE FUNCTION qiming_auth_notify_grants() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE ids uuid[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT user_id) INTO ids FROM new_rows;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT user_id) INTO ids FROM old_rows;
      ELSE
        SELECT array_agg(DISTINCT user_id) INTO ids FROM (SELECT user_id FROM old_rows UNION ALL SELECT user_id FROM new_rows) c;
      END IF;
      IF cardinality(ids) > 100 THEN
        PERFORM pg_notify('qiming_auth', '*');
      ELSIF ids IS NOT NULL THEN
        PERFORM pg_notify('qiming_auth', 'u:' || u) FROM unnest(ids) u;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER role_grants_auth_notify_insert AFTER INSERT ON role_grants
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION qiming_auth_notify_grants();
    CREATE TRIGGER role_grants_auth_notify_update AFTER UPDATE ON role_grants
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION qiming_auth_notify_grants();
    CREATE TRIGGER role_grants_auth_notify_delete AFTER DELETE ON role_grants
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION qiming_auth_notify_grants();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER role_grants_auth_notify_delete ON role_grants;
    DROP TRIGGER role_grants_auth_notify_update ON role_grants;
    DROP TRIGGER role_grants_auth_notify_insert ON role_grants;
    DROP FUNCTION qiming_auth_notify_grants();
    DROP TRIGGER upstream_sessions_auth_notify ON upstream_sessions;
    DROP FUNCTION qiming_auth_notify_upstream_session();
    DROP TRIGGER user_mfa_auth_notify ON user_mfa;
    DROP FUNCTION qiming_auth_notify_user_of_row();
    DROP TRIGGER users_auth_notify ON users;
    DROP FUNCTION qiming_auth_notify_user();
    DROP TRIGGER sessions_auth_notify_delete ON sessions;
    DROP TRIGGER sessions_auth_notify_update ON sessions;
    DROP FUNCTION qiming_auth_notify_session();
  `.execute(db);
}
