import { sql, type Kysely } from 'kysely';

/**
 * One index for the one search box: a row per searchable thing (a published resource now; items
 * and courses later), holding what the result list shows, the facet values it is counted by, who
 * may see it, and a tsvector built from text segmented by jieba in the application (PostgreSQL's
 * `simple` configuration does not segment Chinese itself).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE search_documents (
      kind text NOT NULL CHECK (kind IN ('resource', 'item', 'course')),
      ref_id uuid NOT NULL,
      title text NOT NULL,
      -- the start of the body, for snippets; the whole body is in tsv
      body text NOT NULL DEFAULT '',
      keywords text[] NOT NULL DEFAULT '{}',
      knowledge_points text[] NOT NULL DEFAULT '{}',
      subject text,
      grade smallint,
      term text,
      edition text,
      unit_id uuid,
      unit_name text,
      type text,
      level text,
      school_id uuid,
      school_name text,
      district_id uuid,
      author text,
      visibility text NOT NULL CHECK (visibility IN ('public', 'scoped')),
      -- the organisation path of the unit a scoped document is published to (a school, a district, the city)
      visible_path text,
      popularity double precision NOT NULL DEFAULT 0,
      published_at timestamptz NOT NULL,
      indexed_at timestamptz NOT NULL DEFAULT now(),
      -- A: title words, B: keywords, knowledge points and catalogue words, C: body, D: pinyin initials of title words
      tsv tsvector NOT NULL,
      PRIMARY KEY (kind, ref_id)
    );
    CREATE INDEX search_documents_tsv_idx ON search_documents USING gin (tsv);
    CREATE INDEX search_documents_published_idx ON search_documents (published_at DESC);
    CREATE INDEX search_documents_scoped_idx ON search_documents (visible_path) WHERE visibility = 'scoped';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE search_documents;`.execute(db);
}
