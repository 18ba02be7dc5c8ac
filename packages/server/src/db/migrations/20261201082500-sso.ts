import { sql, type Kysely } from 'kysely';

/**
 * Single sign-on: the OpenID provider's artefacts (codes, tokens, grants, sessions, interactions)
 * and signing keys, the application registry (应用接入) with its per-scope enablements, CAS
 * tickets, and links to accounts of an upstream identity provider.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- every oidc-provider model in one table, keyed by (model, id); the lookup columns are copied
    -- out of the payload so that grants can be revoked and sessions found without a scan
    CREATE TABLE oidc_payloads (
      model text NOT NULL,
      id text NOT NULL,
      payload jsonb NOT NULL,
      grant_id text,
      user_code text,
      uid text,
      account_id text,
      expires_at timestamptz,
      consumed_at timestamptz,
      PRIMARY KEY (model, id)
    );
    CREATE INDEX oidc_payloads_grant_idx ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
    CREATE INDEX oidc_payloads_uid_idx ON oidc_payloads (uid) WHERE uid IS NOT NULL;
    CREATE INDEX oidc_payloads_user_code_idx ON oidc_payloads (user_code) WHERE user_code IS NOT NULL;
    CREATE INDEX oidc_payloads_account_idx ON oidc_payloads (account_id, model) WHERE account_id IS NOT NULL;
    CREATE INDEX oidc_payloads_expires_idx ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

    -- signing keys: private JWKs encrypted with the field cipher; the newest active key signs,
    -- retired keys stay published until every token they signed has expired
    CREATE TABLE oidc_keys (
      kid text PRIMARY KEY,
      alg text NOT NULL,
      jwk_enc text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz,
      expires_at timestamptz
    );

    CREATE TABLE apps (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      category text NOT NULL,
      logo bytea,
      logo_type text,
      home_url text NOT NULL,
      protocol text NOT NULL CHECK (protocol IN ('oidc', 'cas')),
      owner_scope_id uuid NOT NULL REFERENCES org_units(id),
      owner_scope_path text NOT NULL,
      client_id text UNIQUE,
      client_secret_enc text,
      oidc_metadata jsonb,
      cas_service_pattern text,
      is_trusted boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX apps_owner_path_idx ON apps (owner_scope_path text_pattern_ops);

    -- an administrator turns a registered application on for their own district or school
    CREATE TABLE app_enablements (
      app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
      scope_id uuid NOT NULL REFERENCES org_units(id),
      scope_path text NOT NULL,
      enabled_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (app_id, scope_id)
    );
    CREATE INDEX app_enablements_path_idx ON app_enablements (scope_path text_pattern_ops);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE app_enablements; DROP TABLE apps; DROP TABLE oidc_keys; DROP TABLE oidc_payloads;`.execute(db);
}
