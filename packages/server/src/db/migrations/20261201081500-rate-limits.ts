import { sql, type Kysely } from 'kysely';

/**
 * Rate-limit counters, one row per (bucket, key, fixed window). Kept in the database so every
 * server process on it counts together; rows past their window are purged by housekeeping.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE rate_limit_counters (
      bucket text NOT NULL,
      key text NOT NULL,
      window_start timestamptz NOT NULL,
      hits integer NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (bucket, key, window_start)
    );
    CREATE INDEX rate_limit_counters_expires_idx ON rate_limit_counters (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE rate_limit_counters;`.execute(db);
}
