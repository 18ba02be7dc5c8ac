import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE org_units (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('province','city','district','school','teaching_point','campus','grade','class')),
      parent_id uuid REFERENCES org_units(id),
      -- materialised path of ids from the root, '/' separated and terminated: a scope check is a prefix test
      path text NOT NULL UNIQUE,
      name text NOT NULL,
      code text,
      is_central boolean NOT NULL DEFAULT false,
      central_school_id uuid REFERENCES org_units(id),
      grade_level smallint,
      class_no smallint,
      entry_year smallint,
      address text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      archived_at timestamptz
    );
    CREATE UNIQUE INDEX org_units_code_key ON org_units (kind, code) WHERE code IS NOT NULL AND kind IN ('province','city','district');
    CREATE UNIQUE INDEX org_units_school_code_key ON org_units (code) WHERE code IS NOT NULL AND kind IN ('school','teaching_point');
    CREATE INDEX org_units_parent_idx ON org_units (parent_id);
    CREATE INDEX org_units_path_idx ON org_units (path text_pattern_ops);
    CREATE UNIQUE INDEX org_units_class_key ON org_units (parent_id, class_no) WHERE kind = 'class' AND archived_at IS NULL;

    CREATE TABLE users (
      id uuid PRIMARY KEY,
      username text NOT NULL,
      display_name text NOT NULL,
      gender text CHECK (gender IN ('male','female')),
      password_hash text NOT NULL,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      must_change_password boolean NOT NULL DEFAULT true,
      is_active boolean NOT NULL DEFAULT true,
      failed_logins integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      last_login_at timestamptz,
      -- personal identifiers: encrypted (SM4-CBC + HMAC-SM3), plus a keyed blind index for exact lookup
      id_card_enc text,
      id_card_bidx text,
      phone_enc text,
      phone_bidx text,
      home_org_id uuid REFERENCES org_units(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_username_key ON users (lower(username));
    CREATE UNIQUE INDEX users_id_card_key ON users (id_card_bidx) WHERE id_card_bidx IS NOT NULL;
    CREATE INDEX users_phone_idx ON users (phone_bidx);
    CREATE INDEX users_home_org_idx ON users (home_org_id);

    CREATE TABLE role_grants (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL,
      scope_id uuid REFERENCES org_units(id),
      scope_path text,
      subject text,
      granted_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX role_grants_key ON role_grants (user_id, role, coalesce(scope_id::text, ''), coalesce(subject, ''));
    CREATE INDEX role_grants_scope_idx ON role_grants (scope_id, role);

    CREATE TABLE teachers (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      school_id uuid NOT NULL REFERENCES org_units(id),
      staff_no text NOT NULL,
      subjects text[] NOT NULL DEFAULT '{}'
    );
    CREATE UNIQUE INDEX teachers_staff_no_key ON teachers (school_id, staff_no);

    CREATE TABLE students (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      school_id uuid NOT NULL REFERENCES org_units(id),
      class_id uuid REFERENCES org_units(id),
      student_no text NOT NULL,
      birth_date date,
      status text NOT NULL DEFAULT 'enrolled'
    );
    CREATE UNIQUE INDEX students_no_key ON students (school_id, student_no);
    CREATE INDEX students_class_idx ON students (class_id);

    CREATE TABLE student_class_history (
      id uuid PRIMARY KEY,
      student_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      class_id uuid NOT NULL REFERENCES org_units(id),
      started_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      reason text NOT NULL DEFAULT ''
    );
    CREATE INDEX student_class_history_student_idx ON student_class_history (student_id, started_at);

    CREATE TABLE guardianships (
      parent_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      student_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      relation text NOT NULL,
      is_primary boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (parent_id, student_id)
    );
    CREATE INDEX guardianships_student_idx ON guardianships (student_id);

    CREATE TABLE sessions (
      id text PRIMARY KEY,               -- SM3 hash of the cookie token; the token itself is never stored
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      active_role text,
      ip text,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id);

    CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE audit_log (
      seq bigint PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_name text,
      actor_role text,
      scope_id uuid,
      ip text,
      action text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('success','failure')),
      target_type text,
      target_id text,
      summary jsonb NOT NULL DEFAULT '{}'::jsonb,
      prev_hash text NOT NULL,
      hash text NOT NULL
    );
    CREATE INDEX audit_log_at_idx ON audit_log (at);
    CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
    CREATE INDEX audit_log_action_idx ON audit_log (action, at);
    -- the chain's two ends: the head (last record written, so a truncated tail is detected) and
    -- the anchor (the hash the first kept record follows, moved forward by retention purges)
    CREATE TABLE audit_chain (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      head_seq bigint NOT NULL,
      head_hash text NOT NULL,
      anchor_seq bigint NOT NULL,
      anchor_hash text NOT NULL,
      purged_through timestamptz
    );
    -- append-only: only a retention purge (which sets qiming.audit_purge for its transaction) may delete
    CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('qiming.audit_purge', true) = 'on' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_log is append-only';
    END
    $fn$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

    CREATE TABLE import_jobs (
      id uuid PRIMARY KEY,
      school_id uuid NOT NULL REFERENCES org_units(id),
      kind text NOT NULL,
      status text NOT NULL,
      file_name text NOT NULL,
      file_hash text NOT NULL,
      total_rows integer NOT NULL DEFAULT 0,
      valid_rows integer NOT NULL DEFAULT 0,
      processed_rows integer NOT NULL DEFAULT 0,
      created_rows integer NOT NULL DEFAULT 0,
      updated_rows integer NOT NULL DEFAULT 0,
      errors jsonb NOT NULL DEFAULT '[]'::jsonb,
      failure_message text,
      created_by uuid NOT NULL REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    );
    CREATE INDEX import_jobs_school_idx ON import_jobs (school_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE import_jobs; DROP TABLE audit_chain; DROP TABLE audit_log; DROP FUNCTION audit_log_guard; DROP TABLE settings;
    DROP TABLE sessions; DROP TABLE guardianships; DROP TABLE student_class_history;
    DROP TABLE students; DROP TABLE teachers; DROP TABLE role_grants; DROP TABLE users; DROP TABLE org_units;
  `.execute(db);
}
