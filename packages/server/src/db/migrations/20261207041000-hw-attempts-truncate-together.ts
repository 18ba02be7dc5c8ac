import { sql, type Kysely } from 'kysely';

/**
 * Emptying hw_attempts empties hw_responses with it (hw-responses-attempt-check) by deleting
 * rather than truncating them: a TRUNCATE that names both tables (as a test reset does) failed,
 * since a table cannot be truncated again while its own truncation is under way. When both are
 * named, hw_responses is already empty when the trigger runs, so the delete costs nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION hw_attempts_truncate_responses() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM hw_responses;
      RETURN NULL;
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION hw_attempts_truncate_responses() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE hw_responses;
      RETURN NULL;
    END $$;
  `.execute(db);
}
