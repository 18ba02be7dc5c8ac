import { sql, type Kysely } from 'kysely';

/**
 * Practice sets (巩固练习): the items picked for a pupil (from the 错题本, similar items on the same
 * knowledge points, or by knowledge tracing), kept so that an answer can only be given to an item
 * the pupil was actually offered, and graded against the version offered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE hw_practice_sets (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      source text NOT NULL CHECK (source IN ('wrong_items','weak_points')),
      -- [{ key, itemId, versionId, position, sectionTitle, score, content, reason }]
      items jsonb NOT NULL,
      answered integer NOT NULL DEFAULT 0,
      correct integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX hw_practice_sets_user_idx ON hw_practice_sets (user_id, created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE hw_practice_sets;`.execute(db);
}
