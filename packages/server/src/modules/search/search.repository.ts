import type { SearchFacet } from '@qiming/shared';
import { sql, type Expression, type SqlBool } from 'kysely';
import { escapeLike } from '../../core/access/access.ts';
import type { DbOrTx } from '../../core/db/database.ts';

export type SearchDocumentRow = {
  kind: string;
  refId: string;
  title: string;
  body: string;
  keywords: string[];
  knowledgePoints: string[];
  subject: string | null;
  grade: number | null;
  term: string | null;
  edition: string | null;
  unitId: string | null;
  unitName: string | null;
  type: string | null;
  level: string | null;
  schoolId: string | null;
  schoolName: string | null;
  districtId: string | null;
  author: string | null;
  visibility: 'public' | 'scoped';
  visiblePath: string | null;
  popularity: number;
  publishedAt: Date;
  /** Space-joined words per weight: A title, B keywords and catalogue words, C body, D pinyin initials. */
  words: { a: string; b: string; c: string; d: string };
};

const BATCH = 500;

/** Inserts or replaces documents by (kind, refId), in batches of one statement each. */
export async function upsertDocuments(db: DbOrTx, docs: SearchDocumentRow[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH) {
    const rows = docs.slice(i, i + BATCH).map((d) => ({
      kind: d.kind,
      ref_id: d.refId,
      title: d.title,
      body: d.body,
      keywords: d.keywords,
      knowledge_points: d.knowledgePoints,
      subject: d.subject,
      grade: d.grade,
      term: d.term,
      edition: d.edition,
      unit_id: d.unitId,
      unit_name: d.unitName,
      type: d.type,
      level: d.level,
      school_id: d.schoolId,
      school_name: d.schoolName,
      district_id: d.districtId,
      author: d.author,
      visibility: d.visibility,
      visible_path: d.visiblePath,
      popularity: d.popularity,
      published_at: d.publishedAt,
      indexed_at: new Date(),
      tsv: sql<string>`setweight(to_tsvector('simple', ${d.words.a}), 'A') || setweight(to_tsvector('simple', ${d.words.b}), 'B') ||
        setweight(to_tsvector('simple', ${d.words.c}), 'C') || setweight(to_tsvector('simple', ${d.words.d}), 'D')`,
    }));
    await db
      .insertInto('search_documents')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['kind', 'ref_id']).doUpdateSet((eb) => {
          const cols = [
            'title',
            'body',
            'keywords',
            'knowledge_points',
            'subject',
            'grade',
            'term',
            'edition',
            'unit_id',
            'unit_name',
            'type',
            'level',
            'school_id',
            'school_name',
            'district_id',
            'author',
            'visibility',
            'visible_path',
            'popularity',
            'published_at',
            'indexed_at',
            'tsv',
          ] as const;
          return Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}`)]));
        }),
      )
      .execute();
  }
}

export async function deleteDocument(db: DbOrTx, kind: string, refId: string): Promise<boolean> {
  const r = await db.deleteFrom('search_documents').where('kind', '=', kind).where('ref_id', '=', refId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function setPopularity(db: DbOrTx, kind: string, refId: string, popularity: number): Promise<boolean> {
  const r = await db
    .updateTable('search_documents')
    .set({ popularity })
    .where('kind', '=', kind)
    .where('ref_id', '=', refId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Facet columns: the value counted, and the column that names it (for units and schools). */
const FACET_COLUMNS: Record<SearchFacet, { value: string; label: string }> = {
  subject: { value: 'subject', label: 'subject' },
  grade: { value: 'grade', label: 'grade' },
  edition: { value: 'edition', label: 'edition' },
  unit: { value: 'unit_id', label: 'unit_name' },
  type: { value: 'type', label: 'type' },
  level: { value: 'level', label: 'level' },
  school: { value: 'school_id', label: 'school_name' },
};
const FACETS = Object.keys(FACET_COLUMNS) as SearchFacet[];

export type FacetCountRow = { facet: SearchFacet | 'total'; value: string | null; label: string | null; count: number };

/**
 * The number of matching documents and, in the same scan, the count of each facet value
 * (GROUPING SETS: one pass over the matches, not one query per facet).
 */
export async function countWithFacets(db: DbOrTx, where: Expression<SqlBool>, facetLimit: number): Promise<FacetCountRow[]> {
  const sets = sql.join(
    [sql`()`, ...FACETS.map((f) => sql`(${sql.ref(FACET_COLUMNS[f].value)}, ${sql.ref(FACET_COLUMNS[f].label)})`)],
    sql`, `,
  );
  // which grouping set a row belongs to: the facet whose value column is grouped (bit 0 in GROUPING())
  const which = sql.join(
    FACETS.map((f) => sql`WHEN GROUPING(${sql.ref(FACET_COLUMNS[f].value)}) = 0 THEN ${f}`),
    sql` `,
  );
  const value = sql.join(
    FACETS.map((f) => sql`WHEN GROUPING(${sql.ref(FACET_COLUMNS[f].value)}) = 0 THEN ${sql.ref(FACET_COLUMNS[f].value)}::text`),
    sql` `,
  );
  const label = sql.join(
    FACETS.map((f) => sql`WHEN GROUPING(${sql.ref(FACET_COLUMNS[f].value)}) = 0 THEN ${sql.ref(FACET_COLUMNS[f].label)}::text`),
    sql` `,
  );
  const { rows } = await sql<{ facet: SearchFacet | 'total'; value: string | null; label: string | null; count: string }>`
    SELECT facet, value, label, count FROM (
      SELECT CASE ${which} ELSE 'total' END AS facet, CASE ${value} END AS value, CASE ${label} END AS label, count(*) AS count
      FROM search_documents WHERE ${where}
      GROUP BY GROUPING SETS (${sets})
    ) g
    WHERE facet = 'total' OR value IS NOT NULL
    ORDER BY facet, count DESC, value
  `.execute(db);
  const perFacet = new Map<string, number>();
  return rows
    .filter((r) => {
      const n = (perFacet.get(r.facet) ?? 0) + 1;
      perFacet.set(r.facet, n);
      return r.facet === 'total' || n <= facetLimit;
    })
    .map((r) => ({ ...r, count: Number(r.count) }));
}

export type HitRow = {
  kind: string;
  ref_id: string;
  title: string;
  body: string;
  keywords: string[];
  knowledge_points: string[];
  subject: string | null;
  grade: number | null;
  term: string | null;
  edition: string | null;
  unit_id: string | null;
  unit_name: string | null;
  type: string | null;
  level: string | null;
  school_id: string | null;
  school_name: string | null;
  district_id: string | null;
  author: string | null;
  visibility: string;
  popularity: number;
  published_at: Date;
  score: number;
};

export type HitOrder = 'relevance' | 'newest' | 'popular';

/**
 * One page of matches. Relevance is the text rank (title words weigh most, then keywords and
 * catalogue words, then the body), lifted when the title or keywords hold a typed phrase
 * verbatim, by popularity (logarithmically, so a viral item cannot bury a better match) and by
 * recency (a boost that halves over about a year).
 */
export async function listHits(
  db: DbOrTx,
  where: Expression<SqlBool>,
  match: { tsquery: string; phrases: string[] } | null,
  order: HitOrder,
  limit: number,
  offset: number,
): Promise<HitRow[]> {
  const text = match ? sql`ts_rank('{0.05, 0.2, 0.5, 1.0}', tsv, to_tsquery('simple', ${match.tsquery}), 1)` : sql`1.0`;
  const phrase = match?.phrases.length
    ? sql`(1 + ${1 / match.phrases.length} * (${sql.join(
        match.phrases.map((p) => sql`(lower(title || ' ' || array_to_string(keywords, ' ')) LIKE ${'%' + escapeLike(p) + '%'})::int`),
        sql` + `,
      )}))`
    : sql`1`;
  const score = sql<number>`(${text} * ${phrase} * (1 + 0.1 * ln(1 + greatest(popularity, 0)))
    * (1 + 0.3 * exp(-greatest(extract(epoch FROM now() - published_at), 0) / 31536000.0)))::float8`;
  const orderBy =
    order === 'newest'
      ? sql`published_at DESC, ref_id`
      : order === 'popular'
        ? sql`popularity DESC, published_at DESC, ref_id`
        : sql`score DESC, published_at DESC, ref_id`;
  const { rows } = await sql<HitRow>`
    SELECT kind, ref_id, title, body, keywords, knowledge_points, subject, grade, term, edition, unit_id, unit_name, type, level,
      school_id, school_name, district_id, author, visibility, popularity, published_at, ${score} AS score
    FROM search_documents WHERE ${where}
    ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}
  `.execute(db);
  return rows;
}

export type SuggestRow = { kind: string; ref_id: string; title: string };

/** Titles for suggestions, most popular first. */
export async function listSuggestions(db: DbOrTx, where: Expression<SqlBool>, limit: number): Promise<SuggestRow[]> {
  const { rows } = await sql<SuggestRow>`
    SELECT kind, ref_id, title FROM search_documents WHERE ${where}
    ORDER BY popularity DESC, published_at DESC LIMIT ${limit}
  `.execute(db);
  return rows;
}
