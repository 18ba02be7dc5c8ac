import { sql, type Kysely } from 'kysely';

/**
 * CAS service tickets; the Qiming session each OpenID provider session belongs to (so that ending
 * a Qiming session ends its single sign-on everywhere); links to an upstream identity provider.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE cas_tickets (
      id text PRIMARY KEY,
      service text NOT NULL,
      app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      -- the Qiming session the ticket was issued in: when it ends, the service gets a single logout
      session_id text NOT NULL,
      is_new_login boolean NOT NULL,
      authenticated_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      -- any validation attempt uses the ticket up; validated_at marks a successful one
      consumed_at timestamptz,
      validated_at timestamptz
    );
    CREATE INDEX cas_tickets_session_idx ON cas_tickets (session_id) WHERE validated_at IS NOT NULL;
    CREATE INDEX cas_tickets_created_idx ON cas_tickets (created_at);

    ALTER TABLE oidc_payloads ADD COLUMN qiming_session_id text;
    CREATE INDEX oidc_payloads_qiming_session_idx ON oidc_payloads (qiming_session_id) WHERE qiming_session_id IS NOT NULL;

    CREATE TABLE upstream_links (
      id uuid PRIMARY KEY,
      provider text NOT NULL,
      subject text NOT NULL,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      linked_by text NOT NULL CHECK (linked_by IN ('claim', 'provisioned')),
      claim_value text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_login_at timestamptz,
      UNIQUE (provider, subject)
    );
    CREATE INDEX upstream_links_user_idx ON upstream_links (user_id);

    -- a Qiming session opened by an upstream sign-in, with the upstream's session id (sid) that
    -- its back-channel logout names
    CREATE TABLE upstream_sessions (
      session_id text PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
      provider text NOT NULL,
      subject text NOT NULL,
      sid text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX upstream_sessions_sid_idx ON upstream_sessions (provider, sid);
    CREATE INDEX upstream_sessions_subject_idx ON upstream_sessions (provider, subject);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE upstream_sessions; DROP TABLE upstream_links; DROP TABLE cas_tickets;
    ALTER TABLE oidc_payloads DROP COLUMN qiming_session_id;
  `.execute(db);
}
