import { sql, type Kysely } from 'kysely';

/**
 * An answer's attempt is checked once per statement instead of once per row. The foreign key
 * `hw_responses.attempt_id → hw_attempts` looked its attempt up (and locked it) for every answer
 * written: a submit writes ten, and at the morning peak those ten lookups were ~100 µs of
 * PostgreSQL CPU per submission, the largest single cost of writing it. The same guarantees now
 * come from triggers that handle a whole statement's rows at once:
 *
 * - after an INSERT, the attempts of the inserted rows are locked `FOR KEY SHARE` (as the foreign
 *   key does, so that no one deletes them before this transaction ends) and must all exist, else
 *   the statement fails with foreign_key_violation (23503), as before;
 * - an answer never moves to another attempt (attempt_id is part of the primary key; nothing
 *   updates it): an UPDATE that changes it is refused;
 * - deleting attempts deletes their answers (ON DELETE CASCADE, as before), and emptying
 *   hw_attempts (TRUNCATE, which the foreign key refused alone) empties hw_responses with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE hw_responses DROP CONSTRAINT hw_responses_attempt_id_fkey;

    CREATE FUNCTION hw_responses_check_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE missing uuid;
    BEGIN
      PERFORM 1 FROM hw_attempts t WHERE t.id IN (SELECT DISTINCT n.attempt_id FROM inserted n) FOR KEY SHARE OF t;
      SELECT n.attempt_id INTO missing FROM inserted n
        WHERE NOT EXISTS (SELECT 1 FROM hw_attempts t WHERE t.id = n.attempt_id) LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'insert or update on table "hw_responses" violates foreign key constraint "hw_responses_attempt_id_fkey"'
          USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (attempt_id)=(%s) is not present in table "hw_attempts".', missing),
                TABLE = 'hw_responses', CONSTRAINT = 'hw_responses_attempt_id_fkey';
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER hw_responses_attempts_exist AFTER INSERT ON hw_responses
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION hw_responses_check_attempts();

    CREATE FUNCTION hw_responses_keep_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'an answer cannot move to another attempt' USING ERRCODE = 'foreign_key_violation', TABLE = 'hw_responses';
    END $$;
    CREATE TRIGGER hw_responses_attempt_fixed BEFORE UPDATE OF attempt_id ON hw_responses
      FOR EACH ROW WHEN (OLD.attempt_id IS DISTINCT FROM NEW.attempt_id) EXECUTE FUNCTION hw_responses_keep_attempt();

    CREATE FUNCTION hw_attempts_delete_responses() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM hw_responses r WHERE r.attempt_id IN (SELECT d.id FROM deleted d);
      RETURN NULL;
    END $$;
    CREATE TRIGGER hw_attempts_cascade_responses AFTER DELETE ON hw_attempts
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION hw_attempts_delete_responses();

    CREATE FUNCTION hw_attempts_truncate_responses() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE hw_responses;
      RETURN NULL;
    END $$;
    CREATE TRIGGER hw_attempts_truncate_responses AFTER TRUNCATE ON hw_attempts
      FOR EACH STATEMENT EXECUTE FUNCTION hw_attempts_truncate_responses();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER hw_attempts_truncate_responses ON hw_attempts;
    DROP TRIGGER hw_attempts_cascade_responses ON hw_attempts;
    DROP TRIGGER hw_responses_attempt_fixed ON hw_responses;
    DROP TRIGGER hw_responses_attempts_exist ON hw_responses;
    DROP FUNCTION hw_attempts_truncate_responses();
    DROP FUNCTION hw_attempts_delete_responses();
    DROP FUNCTION hw_responses_keep_attempt();
    DROP FUNCTION hw_responses_check_attempts();
    ALTER TABLE hw_responses ADD CONSTRAINT hw_responses_attempt_id_fkey
      FOREIGN KEY (attempt_id) REFERENCES hw_attempts(id) ON DELETE CASCADE;
  `.execute(db);
}
