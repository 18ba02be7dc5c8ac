import { sql, type Kysely } from 'kysely';

/**
 * Two-step verification (TOTP, RFC 6238): one authenticator per user, its secret encrypted with the
 * field cipher; ten single-use recovery codes stored as keyed hashes; and the short-lived state
 * between a right password and the second factor, kept apart from sessions so it can never be one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE user_mfa (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      secret_enc text NOT NULL,
      -- null while the enrolment waits for its first code
      enabled_at timestamptz,
      -- the time step of the last accepted code: a code of that step or an earlier one is a replay
      last_used_step bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE mfa_recovery_codes (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      code_hash text NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, code_hash)
    );
    CREATE TABLE login_challenges (
      id text PRIMARY KEY,               -- keyed hash of the pending cookie's token
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      first_factor text NOT NULL,        -- password, or an upstream login
      ip text,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX login_challenges_expires_idx ON login_challenges (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE login_challenges; DROP TABLE mfa_recovery_codes; DROP TABLE user_mfa;`.execute(db);
}
