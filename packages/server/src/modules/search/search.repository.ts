import { sql, type Selectable } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import type { SearchDocumentsTable } from '../../core/db/schema.ts';

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
  /** The words for the index: "word,code" pairs (inverted-index.ts), and how many words the document has. */
  terms: string;
  docLength: number;
};

const BATCH = 1000;

/** The columns written for a document, in the order of the bulk statement's arrays. */
const COLUMNS = [
  ['kind', 'text'],
  ['ref_id', 'uuid'],
  ['title', 'text'],
  ['body', 'text'],
  ['keywords', 'text'],
  ['knowledge_points', 'text'],
  ['subject', 'text'],
  ['grade', 'smallint'],
  ['term', 'text'],
  ['edition', 'text'],
  ['unit_id', 'uuid'],
  ['unit_name', 'text'],
  ['type', 'text'],
  ['level', 'text'],
  ['school_id', 'uuid'],
  ['school_name', 'text'],
  ['district_id', 'uuid'],
  ['author', 'text'],
  ['visibility', 'text'],
  ['visible_path', 'text'],
  ['popularity', 'float8'],
  ['published_at', 'timestamptz'],
  ['terms', 'text'],
  ['doc_length', 'int'],
] as const;

/** Separates array elements inside one text cell (arrays of arrays cannot be unnested). */
const SEP = '\u001f';

const cells = (d: SearchDocumentRow): (string | number | null)[] => [
  d.kind,
  d.refId,
  d.title,
  d.body,
  d.keywords.join(SEP),
  d.knowledgePoints.join(SEP),
  d.subject,
  d.grade,
  d.term,
  d.edition,
  d.unitId,
  d.unitName,
  d.type,
  d.level,
  d.schoolId,
  d.schoolName,
  d.districtId,
  d.author,
  d.visibility,
  d.visiblePath,
  d.popularity,
  d.publishedAt.toISOString(),
  d.terms,
  d.docLength,
];

/** An array element as PostgreSQL's array input reads it: NULL, or the text in double quotes. */
const element = (v: string | number | null): string =>
  v === null ? 'NULL' : typeof v === 'number' ? `"${v}"` : `"${v.replace(/[\\"]/g, '\\$&')}"`;

/**
 * Documents ready for the bulk statement: one PostgreSQL array literal per column (text that
 * `$n::type[]` parses), with the last of two documents with one key kept. Made where the documents
 * are segmented (a worker thread for bulk loads), so the thread that writes only sends text.
 */
export type EncodedDocuments = { count: number; columns: string[] };

export function encodeDocuments(docs: SearchDocumentRow[]): EncodedDocuments {
  const byKey = new Map(docs.map((d) => [`${d.kind}/${d.refId}`, d]));
  const columns: string[][] = COLUMNS.map(() => []);
  for (const d of byKey.values()) cells(d).forEach((cell, i) => columns[i]!.push(element(cell)));
  return { count: byKey.size, columns: columns.map((c) => `{${c.join(',')}}`) };
}

/**
 * Inserts or replaces documents by (kind, refId): one statement per batch whatever its size, the
 * columns passed as one array each and unnested (PostgreSQL and PGlite parse one short statement
 * instead of 24 parameters a row).
 */
async function writeEncoded(db: DbOrTx, docs: EncodedDocuments): Promise<void> {
  if (docs.count === 0) return;
  const sources = sql.join(
    COLUMNS.map(([, type], i) => sql`${docs.columns[i]}::${sql.raw(type)}[]`),
    sql`, `,
  );
  const names = sql.join(COLUMNS.map(([c]) => sql.ref(c)));
  const selected = sql.join(
    COLUMNS.map(([c]) =>
      c === 'keywords' || c === 'knowledge_points' ? sql`string_to_array(${sql.ref(`u.${c}`)}, ${SEP})` : sql.ref(`u.${c}`),
    ),
  );
  const updates = sql.join(
    COLUMNS.filter(([c]) => c !== 'kind' && c !== 'ref_id').map(([c]) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`),
  );
  await sql`
    INSERT INTO search_documents (${names}, indexed_at)
    SELECT ${selected}, now() FROM unnest(${sources}) AS u(${names})
    ON CONFLICT (kind, ref_id) DO UPDATE SET ${updates}, indexed_at = now()
  `.execute(db);
}

const writeRows = (db: DbOrTx, docs: SearchDocumentRow[]): Promise<void> => writeEncoded(db, encodeDocuments(docs));

/** Writes documents and logs each one as changed, so every process's index follows (in the caller's transaction). */
export async function upsertDocuments(db: DbOrTx, docs: SearchDocumentRow[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH) {
    const part = docs.slice(i, i + BATCH);
    await writeRows(db, part);
    await logChanges(
      db,
      'u',
      part.map((d) => ({ kind: d.kind, refId: d.refId })),
    );
  }
}

/** Writes documents without logging each one: a bulk load, which ends with announceReload. */
export const bulkWriteDocuments = (db: DbOrTx, docs: EncodedDocuments): Promise<void> => writeEncoded(db, docs);

async function logChanges(db: DbOrTx, op: 'u' | 'd' | 'p', keys: { kind: string; refId: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`INSERT INTO search_changes (op, kind, ref_id)
    SELECT ${op}, k, r FROM unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.refId)}::uuid[]) AS u(k, r)`.execute(db);
}

/** Tells every process to rebuild its index from the table (after a bulk load). */
export async function announceReload(db: DbOrTx): Promise<void> {
  await db.insertInto('search_changes').values({ op: '*', kind: null, ref_id: null }).execute();
}

export async function deleteDocument(db: DbOrTx, kind: string, refId: string): Promise<boolean> {
  const r = await db.deleteFrom('search_documents').where('kind', '=', kind).where('ref_id', '=', refId).executeTakeFirst();
  const deleted = Number(r.numDeletedRows) > 0;
  if (deleted) await logChanges(db, 'd', [{ kind, refId }]);
  return deleted;
}

export async function setPopularity(db: DbOrTx, kind: string, refId: string, popularity: number): Promise<boolean> {
  const r = await db
    .updateTable('search_documents')
    .set({ popularity })
    .where('kind', '=', kind)
    .where('ref_id', '=', refId)
    .executeTakeFirst();
  const updated = Number(r.numUpdatedRows) > 0;
  if (updated) await logChanges(db, 'p', [{ kind, refId }]);
  return updated;
}

// ---- what the in-process index reads ---------------------------------------------------------

export type ChangeRow = { seq: number; op: 'u' | 'd' | 'p' | '*'; kind: string | null; ref_id: string | null };

export async function changesAfter(db: DbOrTx, seq: number, limit: number): Promise<ChangeRow[]> {
  const { rows } = await sql<ChangeRow>`
    SELECT seq::float8 AS seq, op, kind, ref_id FROM search_changes WHERE seq > ${seq} ORDER BY seq LIMIT ${limit}`.execute(db);
  return rows;
}

/** Drops the change log's rows older than the age, always keeping the newest (the log's place). Returns how many. */
export async function pruneChanges(db: DbOrTx, olderThanMs: number): Promise<number> {
  const r = await sql`
    DELETE FROM search_changes WHERE changed_at < ${new Date(Date.now() - olderThanMs)}
      AND seq < (SELECT max(seq) FROM search_changes)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** A change-log row as text, so that a snapshot can tell it is the same row of the same database. */
export type ChangeAnchor = { seq: number; op: string; kind: string | null; ref_id: string | null; changed_at: string };

/** The last logged change at or before seq, or null when there is none. */
export async function changeAtOrBefore(db: DbOrTx, seq: number): Promise<ChangeAnchor | null> {
  const { rows } = await sql<ChangeAnchor>`
    SELECT seq::float8 AS seq, op, kind, ref_id::text AS ref_id,
      (extract(epoch FROM changed_at) * 1000000)::bigint::text AS changed_at
    FROM search_changes WHERE seq <= ${seq} ORDER BY seq DESC LIMIT 1`.execute(db);
  return rows[0] ?? null;
}

export async function lastChange(db: DbOrTx): Promise<number> {
  const { rows } = await sql<{ seq: number }>`SELECT coalesce(max(seq), 0)::float8 AS seq FROM search_changes`.execute(db);
  return rows[0]!.seq;
}

/** A stored document's columns as they are read back. */
type StoredDocument = Selectable<SearchDocumentsTable>;
/** The facet and placement columns both the index and a page of hits read. */
type FacetColumns = Pick<
  StoredDocument,
  | 'kind'
  | 'ref_id'
  | 'subject'
  | 'grade'
  | 'term'
  | 'edition'
  | 'unit_id'
  | 'unit_name'
  | 'type'
  | 'level'
  | 'school_id'
  | 'school_name'
  | 'district_id'
  | 'visibility'
  | 'popularity'
>;

/** A document as the index holds it. */
export type IndexRow = FacetColumns & Pick<StoredDocument, 'terms' | 'doc_length' | 'visible_path'> & { published_ms: number };

const INDEX_COLUMNS = sql`kind, ref_id, terms, doc_length, subject, grade, term, edition, unit_id, unit_name, type, level,
  school_id, school_name, district_id, visibility, visible_path, popularity, (extract(epoch FROM published_at) * 1000)::float8 AS published_ms`;

export type DocumentKey = { kind: string; refId: string };

/**
 * Rows whose primary key (kind, ref_id) is one of the keys: a lookup in the key's index. (ref_id
 * alone is the key's second column, which PostgreSQL 15 can only filter by scanning every row.)
 */
const keyIn = (keys: DocumentKey[]) =>
  sql`(kind, ref_id) IN (SELECT * FROM unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.refId)}::uuid[]))`;

export async function indexRowsByKey(db: DbOrTx, keys: DocumentKey[]): Promise<IndexRow[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<IndexRow>`SELECT ${INDEX_COLUMNS} FROM search_documents WHERE ${keyIn(keys)}`.execute(db);
  return rows;
}

export async function popularityByKey(db: DbOrTx, keys: DocumentKey[]): Promise<{ kind: string; ref_id: string; popularity: number }[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<{ kind: string; ref_id: string; popularity: number }>`
    SELECT kind, ref_id, popularity FROM search_documents WHERE ${keyIn(keys)}`.execute(db);
  return rows;
}

/** The table's size in pages and its estimated row count, to scan it in page ranges. */
export async function tableExtent(db: DbOrTx): Promise<{ pages: number; rows: number }> {
  const { rows } = await sql<{ pages: number; rows: number }>`
    SELECT (pg_relation_size('search_documents') / current_setting('block_size')::int)::float8 AS pages,
      greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'search_documents'::regclass`.execute(db);
  return rows[0]!;
}

/** The rows stored in a range of pages (a TID range scan: sequential reads, whatever the key order). */
export async function indexRowsInPages(db: DbOrTx, from: number, to: number): Promise<IndexRow[]> {
  const { rows } = await sql<IndexRow>`
    SELECT ${INDEX_COLUMNS} FROM search_documents
    WHERE ctid >= ${`(${from},0)`}::tid AND ctid < ${`(${to},0)`}::tid`.execute(db);
  return rows;
}

export type HitRow = FacetColumns &
  Pick<StoredDocument, 'title' | 'body' | 'keywords' | 'knowledge_points' | 'author' | 'published_at'> & { score: number };

const HIT_COLUMNS = sql`kind, ref_id, title, body, keywords, knowledge_points, subject, grade, term, edition, unit_id, unit_name, type,
  level, school_id, school_name, district_id, author, visibility, popularity, published_at`;

/** The stored fields of the documents a page shows, by key (the caller puts them in the index's order). */
export async function hitsByKey(db: DbOrTx, keys: DocumentKey[]): Promise<Omit<HitRow, 'score'>[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<Omit<HitRow, 'score'>>`SELECT ${HIT_COLUMNS} FROM search_documents WHERE ${keyIn(keys)}`.execute(db);
  return rows;
}

/** The paths of the organisation units an actor is a member of (for a parent: their children's classes and schools). */
export async function memberUnitPaths(db: DbOrTx, parentId: string | null, unitIds: string[]): Promise<string[]> {
  const { rows } = parentId
    ? await sql<{ path: string }>`
        SELECT o.path FROM guardianships gd JOIN students st ON st.user_id = gd.student_id
        JOIN org_units o ON o.id = st.class_id OR o.id = st.school_id WHERE gd.parent_id = ${parentId}`.execute(db)
    : unitIds.length
      ? await sql<{ path: string }>`SELECT path FROM org_units WHERE id = ANY(${unitIds}::uuid[])`.execute(db)
      : { rows: [] };
  return rows.map((r) => r.path);
}
