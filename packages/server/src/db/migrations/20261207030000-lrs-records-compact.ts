import { sql, type Kysely } from 'kysely';

/**
 * A learning record's statements are stored as `text` rather than `json`, and what its statements
 * share is stored once.
 *
 * - The `json` type parses every value on the way in to check it: for a submitted attempt's
 *   record (eleven statements, ~12 KB) that was 50–80 µs of PostgreSQL CPU per submission at the
 *   morning peak, spent checking JSON the server itself wrote (lrs/xapi.ts, whose tests check the
 *   text parses back to the statements it was made from). The text is still checked to be valid
 *   UTF-8 on the way in, and parsed where it is read.
 * - `shared`: the members a record's statements have in common (version, actor, context,
 *   timestamp), as a JSON object; each element of `statements` then holds only the statement's
 *   own members (id, verb, object, result, and a context of its own where it differs). About half
 *   of a submission's record was the same actor and context eleven times. NULL: each element is a
 *   whole statement (the records written before, and statements stored one by one).
 *
 * `lrs_statements` stays what readers query: a view with the same columns and one row per
 * statement, each statement whole (shared members merged with its own).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW lrs_statements;
    ALTER TABLE lrs_records ALTER COLUMN statements TYPE text, ADD COLUMN shared text;
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
             CASE WHEN r.shared IS NULL THEN s.value ELSE r.shared::jsonb || s.value END AS statement
      FROM lrs_records r CROSS JOIN LATERAL jsonb_array_elements(r.statements::jsonb) AS s(value);
  `.execute(db);
  // the new type starts with the default compression: lz4 again where the server has it (as in lrs-records)
  await sql`
    DO $$ BEGIN
      ALTER TABLE lrs_records ALTER COLUMN statements SET COMPRESSION lz4, ALTER COLUMN shared SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP VIEW lrs_statements;
    UPDATE lrs_records r SET statements = (
      SELECT jsonb_agg(r.shared::jsonb || s.value ORDER BY s.n)::text
      FROM jsonb_array_elements(r.statements::jsonb) WITH ORDINALITY AS s(value, n))
    WHERE r.shared IS NOT NULL;
    ALTER TABLE lrs_records DROP COLUMN shared, ALTER COLUMN statements TYPE json USING statements::json;
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
