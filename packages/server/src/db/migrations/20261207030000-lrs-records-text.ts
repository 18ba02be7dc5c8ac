import { sql, type Kysely } from 'kysely';

/**
 * A learning record's statements are stored as `text` rather than `json`. The `json` type parses
 * every value on the way in to check it: for a submitted attempt's record (eleven statements,
 * ~12 KB) that was 50–80 µs of PostgreSQL CPU per submission at the morning peak, spent checking
 * JSON the server itself wrote with JSON.stringify (lrs/xapi.ts; its tests check the text parses
 * back to the statements it was made from). The text is still checked to be valid UTF-8 on the
 * way in, and it is parsed where it is read: `lrs_statements` stays the view readers query, with
 * the same columns and one row per statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW lrs_statements;
    ALTER TABLE lrs_records ALTER COLUMN statements TYPE text;
    CREATE VIEW lrs_statements AS
      SELECT (s.value ->> 'id')::uuid AS id,
             r.actor_id,
             s.value -> 'verb' ->> 'id' AS verb,
             s.value -> 'object' ->> 'id' AS object_id,
             r.registration,
             r.class_id,
             (s.value -> 'result' -> 'score' ->> 'scaled')::double precision AS score_scaled,
             (s.value -> 'result' ->> 'success')::boolean AS success,
             r."timestamp",
             r.stored,
             s.value AS statement
      FROM lrs_records r CROSS JOIN LATERAL jsonb_array_elements(r.statements::jsonb) AS s(value);
  `.execute(db);
  // the new type starts with the default compression: lz4 again where the server has it (as in lrs-records)
  await sql`
    DO $$ BEGIN
      ALTER TABLE lrs_records ALTER COLUMN statements SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW lrs_statements;
    ALTER TABLE lrs_records ALTER COLUMN statements TYPE json USING statements::json;
    CREATE VIEW lrs_statements AS
      SELECT (s.value ->> 'id')::uuid AS id,
             r.actor_id,
             s.value -> 'verb' ->> 'id' AS verb,
             s.value -> 'object' ->> 'id' AS object_id,
             r.registration,
             r.class_id,
             (s.value -> 'result' -> 'score' ->> 'scaled')::double precision AS score_scaled,
             (s.value -> 'result' ->> 'success')::boolean AS success,
             r."timestamp",
             r.stored,
             s.value::jsonb AS statement
      FROM lrs_records r CROSS JOIN LATERAL json_array_elements(r.statements) AS s(value);
  `.execute(db);
}
