import { sql, type Kysely } from 'kysely';

/**
 * Learning records are stored as the statements recorded together: one row per actor,
 * registration and moment (a submitted attempt's eleven statements — ten answers and
 * "completed" — are one row), the statements kept as written, a JSON array, compressed with lz4
 * where the server has it. One row per statement cost the morning peak 33 index entries and
 * eleven jsonb conversions per submission, most of PostgreSQL's work for a submit.
 *
 * `lrs_statements` stays what readers query: a view with one row per statement and the same
 * columns as the table it replaces (verb, object, score, … read from the statement itself).
 * Statements already stored become records of one statement each.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lrs_records (
      -- the id of the record's first statement
      id uuid PRIMARY KEY,
      actor_id uuid NOT NULL,
      registration uuid,
      class_id uuid,
      "timestamp" timestamptz NOT NULL,
      stored timestamptz NOT NULL DEFAULT now(),
      -- the xAPI statements, as written (json keeps the text: no conversion on the way in)
      statements json NOT NULL
    );
    CREATE INDEX lrs_records_actor_idx ON lrs_records (actor_id, "timestamp" DESC);
    CREATE INDEX lrs_records_registration_idx ON lrs_records (registration);

    INSERT INTO lrs_records (id, actor_id, registration, class_id, "timestamp", stored, statements)
      SELECT id, actor_id, registration, class_id, "timestamp", stored, json_build_array(statement)
      FROM lrs_statements;
    DROP TABLE lrs_statements;

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
  // lz4 is several times cheaper than the default pglz for a record of a few kilobytes; the
  // embedded database may be built without it, and then keeps the default
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
    CREATE TABLE lrs_statements (
      id uuid PRIMARY KEY,
      actor_id uuid NOT NULL,
      verb text NOT NULL,
      object_id text NOT NULL,
      registration uuid,
      class_id uuid,
      score_scaled double precision,
      success boolean,
      "timestamp" timestamptz NOT NULL,
      stored timestamptz NOT NULL DEFAULT now(),
      statement jsonb NOT NULL
    );
    INSERT INTO lrs_statements
      SELECT (s.value ->> 'id')::uuid, r.actor_id, s.value -> 'verb' ->> 'id', s.value -> 'object' ->> 'id', r.registration,
             r.class_id, (s.value -> 'result' -> 'score' ->> 'scaled')::double precision, (s.value -> 'result' ->> 'success')::boolean,
             r."timestamp", r.stored, s.value::jsonb
      FROM lrs_records r CROSS JOIN LATERAL json_array_elements(r.statements) AS s(value);
    CREATE INDEX lrs_statements_actor_idx ON lrs_statements (actor_id, "timestamp" DESC);
    CREATE INDEX lrs_statements_registration_idx ON lrs_statements (registration);
    DROP TABLE lrs_records;
  `.execute(db);
}
