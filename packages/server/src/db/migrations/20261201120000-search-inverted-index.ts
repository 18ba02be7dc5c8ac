import { sql, type Kysely } from 'kysely';

/**
 * Search moves from PostgreSQL full text (tsvector + GIN) to an in-process inverted index that
 * each server process derives from this table (bench/README.md: GIN gave no top-k and every facet
 * count visited every match). The table stays the source of truth; it now keeps each document's
 * words as the index needs them (`terms`: "word,code" pairs, code = field mask | count << 4, see
 * inverted-index.ts), so an index is rebuilt without segmenting again. `search_changes` is the
 * log every process follows to stay in step: one row per written document ('u' upsert,
 * 'd' delete, 'p' popularity) in the writing transaction, and '*' after a bulk load (rebuild).
 * Existing rows keep their words: they are read back out of the tsvector before it is dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE search_documents ADD COLUMN terms text NOT NULL DEFAULT '', ADD COLUMN doc_length integer NOT NULL DEFAULT 0;
    UPDATE search_documents d SET terms = t.terms, doc_length = t.doc_length FROM (
      SELECT s.kind, s.ref_id, coalesce(string_agg(x.lexeme || ',' || (
          (CASE WHEN 'A' = ANY(x.weights) THEN 1 ELSE 0 END) + (CASE WHEN 'B' = ANY(x.weights) THEN 2 ELSE 0 END) +
          (CASE WHEN 'C' = ANY(x.weights) THEN 4 ELSE 0 END) + (CASE WHEN 'D' = ANY(x.weights) THEN 8 ELSE 0 END) +
          16 * least(coalesce(array_length(x.positions, 1), 1), 15)), ' '), '') AS terms,
        coalesce(sum(coalesce(array_length(x.positions, 1), 1)), 0)::int AS doc_length
      FROM search_documents s CROSS JOIN LATERAL unnest(s.tsv) x GROUP BY s.kind, s.ref_id
    ) t WHERE d.kind = t.kind AND d.ref_id = t.ref_id;
    DROP INDEX search_documents_tsv_idx;
    DROP INDEX search_documents_published_idx;
    DROP INDEX search_documents_scoped_idx;
    ALTER TABLE search_documents DROP COLUMN tsv;
    CREATE TABLE search_changes (
      seq bigserial PRIMARY KEY,
      op char(1) NOT NULL CHECK (op IN ('u', 'd', 'p', '*')),
      kind text,
      ref_id uuid,
      changed_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((op = '*') = (ref_id IS NULL))
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE search_changes;
    ALTER TABLE search_documents ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector;
    UPDATE search_documents SET tsv = to_tsvector('simple', regexp_replace(terms, ',[0-9]+', '', 'g'));
    ALTER TABLE search_documents DROP COLUMN terms, DROP COLUMN doc_length;
    CREATE INDEX search_documents_tsv_idx ON search_documents USING gin (tsv);
    CREATE INDEX search_documents_published_idx ON search_documents (published_at DESC);
    CREATE INDEX search_documents_scoped_idx ON search_documents (visible_path) WHERE visibility = 'scoped';
  `.execute(db);
}
