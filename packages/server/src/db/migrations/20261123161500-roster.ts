import { sql, type Kysely } from 'kysely';

/**
 * The validated rows of a roster import, waiting for the commit: kept in chunks (one per batch the
 * commit writes) and encrypted as a whole, since they hold 身份证号 and phone numbers in the clear.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE import_job_chunks (
      job_id uuid NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
      seq integer NOT NULL,
      row_count integer NOT NULL,
      -- rows that will create an account when committed (as of validation), to know whether a temporary password is needed
      new_accounts integer NOT NULL DEFAULT 0,
      data text NOT NULL,
      PRIMARY KEY (job_id, seq)
    );
    -- a heartbeat: every progress write moves it, so a job whose process died can be told apart
    ALTER TABLE import_jobs ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    CREATE INDEX import_jobs_running_idx ON import_jobs (updated_at) WHERE status IN ('validating', 'importing');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE import_job_chunks; ALTER TABLE import_jobs DROP COLUMN updated_at;`.execute(db);
}
