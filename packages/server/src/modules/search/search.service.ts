import {
  GRADE_NAMES,
  SEARCH_FACETS,
  type GradeLevel,
  type SearchFacet,
  type SearchKind,
  type TSearchFacetValue,
  type TSearchHit,
  type TSearchQuery,
  type TSearchResponse,
  type TSuggestQuery,
  type TSuggestResponse,
} from '@qiming/shared';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Actor, RequestContext } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import { highlight, snippet } from './highlight.ts';
import { parseQuery, phrases, toPrefixTsquery, toTsquery, wordsToMark, type QueryTerm } from './query.ts';
import * as repo from './search.repository.ts';
import { initials, RUN_INITIALS, segmentDocument, titleInitials } from './segment.ts';
import { visibleTo } from './visibility.ts';

/** What a module hands the index for one searchable thing (a published resource, later an item or a course). */
export type SearchDocumentInput = {
  kind: SearchKind;
  refId: string;
  title: string;
  /** Description and extracted text; only the start is kept for snippets, all of it is indexed. */
  body: string;
  keywords: string[];
  facets: {
    subject: string | null;
    grade: number | null;
    term: string | null;
    edition: string | null;
    unitId: string | null;
    /** The name of the unit (第八单元 分数的初步认识), shown as the unit facet's label. */
    unitName?: string | null;
    type: string | null;
    level: string | null;
    schoolId: string | null;
    districtId: string | null;
  };
  knowledgePoints: string[];
  author: string | null;
  schoolName: string | null;
  visibility: 'public' | 'scoped';
  /** The organisation path of the unit a scoped document is published to (a school, a district, the city). */
  visiblePath: string | null;
  popularity: number;
  publishedAt: Date;
};

/** How much of a body is kept for snippets, and how much of it is indexed. */
const BODY_KEPT = 2000;
const BODY_INDEXED = 50_000;
const FACET_LIMIT = 30;

const words = (texts: (string | null | undefined)[]): string[] => texts.flatMap((t) => (t ? segmentDocument(t) : []));

/**
 * The words of a document per weight (A title, B keywords and catalogue words, C body, D pinyin
 * initials: of each word, and of each run of the title marked with RUN_INITIALS).
 */
export function documentWords(doc: SearchDocumentInput): repo.SearchDocumentRow['words'] {
  const f = doc.facets;
  const title = words([doc.title]);
  const tags = [...doc.keywords, ...doc.knowledgePoints];
  const catalogue = [f.subject, f.grade ? GRADE_NAMES[f.grade as GradeLevel] : null, f.term, f.edition, f.unitName, f.type, f.level];
  const spelled = [...title, ...words(tags)].map(initials).filter((x): x is string => !!x);
  return {
    a: title.join(' '),
    b: [...words(tags), ...tags.map((t) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')), ...words(catalogue)].join(' '),
    c: words([doc.body.slice(0, BODY_INDEXED), doc.author, doc.schoolName]).join(' '),
    d: [...new Set([...spelled, ...titleInitials(doc.title).map((x) => RUN_INITIALS + x)])].join(' '),
  };
}

const toRow = (doc: SearchDocumentInput): repo.SearchDocumentRow => ({
  kind: doc.kind,
  refId: doc.refId,
  title: doc.title,
  body: doc.body.slice(0, BODY_KEPT),
  keywords: doc.keywords,
  knowledgePoints: doc.knowledgePoints,
  subject: doc.facets.subject,
  grade: doc.facets.grade,
  term: doc.facets.term,
  edition: doc.facets.edition,
  unitId: doc.facets.unitId,
  unitName: doc.facets.unitName ?? null,
  type: doc.facets.type,
  level: doc.facets.level,
  schoolId: doc.facets.schoolId,
  schoolName: doc.schoolName,
  districtId: doc.facets.districtId,
  author: doc.author,
  visibility: doc.visibility,
  visiblePath: doc.visibility === 'scoped' ? doc.visiblePath : null,
  popularity: doc.popularity,
  publishedAt: doc.publishedAt,
  words: documentWords(doc),
});

/**
 * Adds documents to the index or replaces them (by kind and refId). Call it in the transaction
 * that publishes them, so the index never shows what was rolled back.
 */
export async function indexDocuments(tx: DbOrTx, docs: SearchDocumentInput[]): Promise<void> {
  for (const d of docs) {
    if (d.visibility === 'scoped' && !d.visiblePath) throw new Error(`search document ${d.kind}/${d.refId}: scoped without a visiblePath`);
  }
  await repo.upsertDocuments(tx, docs.map(toRow));
}

/** Takes a document out of the index (unpublished, withdrawn, deleted). Returns whether it was there. */
export const removeDocument = (tx: DbOrTx, kind: SearchKind, refId: string): Promise<boolean> => repo.deleteDocument(tx, kind, refId);

/** Sets the popularity (views, downloads, favourites — the caller's measure) that lifts a document in relevance order. */
export const updatePopularity = (tx: DbOrTx, kind: SearchKind, refId: string, popularity: number): Promise<boolean> =>
  repo.setPopularity(tx, kind, refId, popularity);

function filters(query: TSearchQuery): Expression<SqlBool>[] {
  const eq = (column: string, value: unknown) => sql<SqlBool>`${sql.ref(column)} = ${value}`;
  const out: Expression<SqlBool>[] = [];
  if (query.kind) out.push(eq('kind', query.kind));
  if (query.subject) out.push(eq('subject', query.subject));
  if (query.grade) out.push(eq('grade', query.grade));
  if (query.term) out.push(eq('term', query.term));
  if (query.edition) out.push(eq('edition', query.edition));
  if (query.unitId) out.push(eq('unit_id', query.unitId));
  if (query.type) out.push(eq('type', query.type));
  if (query.level) out.push(eq('level', query.level));
  if (query.schoolId) out.push(eq('school_id', query.schoolId));
  if (query.districtId) out.push(eq('district_id', query.districtId));
  return out;
}

const and = (parts: Expression<SqlBool>[]): Expression<SqlBool> => sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
const matches = (tsquery: string) => sql<SqlBool>`tsv @@ to_tsquery('simple', ${tsquery})`;

/** The rows a search covers: what the actor may see, the filters, and the words (when there are any). */
export const searchCondition = (actor: Actor | null, query: TSearchQuery, tsquery: string | null): Expression<SqlBool> =>
  and([visibleTo(actor), ...filters(query), ...(tsquery ? [matches(tsquery)] : [])]);

function facetValues(rows: repo.FacetCountRow[]): Record<SearchFacet, TSearchFacetValue[]> {
  const out = Object.fromEntries(SEARCH_FACETS.map((f) => [f, [] as TSearchFacetValue[]])) as Record<SearchFacet, TSearchFacetValue[]>;
  for (const r of rows) {
    if (r.facet === 'total' || r.value === null) continue;
    const label = r.facet === 'grade' ? (GRADE_NAMES[Number(r.value) as GradeLevel] ?? r.value) : (r.label ?? r.value);
    out[r.facet].push({ value: r.value, label, count: r.count });
  }
  return out;
}

function present(r: repo.HitRow, terms: QueryTerm[]): TSearchHit {
  const marks = wordsToMark(terms, r.title);
  return {
    kind: r.kind as SearchKind,
    refId: r.ref_id,
    title: r.title,
    highlightedTitle: highlight(r.title, marks),
    snippet: snippet(r.body, marks),
    facets: {
      subject: r.subject,
      grade: r.grade,
      term: r.term,
      edition: r.edition,
      unitId: r.unit_id,
      unitName: r.unit_name,
      type: r.type,
      level: r.level,
      schoolId: r.school_id,
      districtId: r.district_id,
    },
    keywords: r.keywords,
    knowledgePoints: r.knowledge_points,
    author: r.author,
    schoolName: r.school_name,
    visibility: r.visibility as 'public' | 'scoped',
    popularity: r.popularity,
    publishedAt: new Date(r.published_at).toISOString(),
    score: Math.round(r.score * 1e6) / 1e6,
  };
}

/**
 * The one search box: words (segmented, widened by synonyms, pinyin initials allowed) and
 * filters over everything the caller may see, ranked, with facet counts and highlighted matches.
 * When no document has every word, documents with any of them are returned (`matched: 'any'`).
 */
export async function searchDocuments(ctx: RequestContext, query: TSearchQuery): Promise<TSearchResponse> {
  const started = performance.now();
  const terms = parseQuery(query.q);
  const page = { page: query.page, pageSize: query.pageSize };
  const summary = terms.map((t) => ({ term: t.term, expansions: t.alternatives.map((a) => a.join(' ')) }));

  if (query.q && terms.length === 0) {
    // only punctuation or words too common to mean anything
    return { total: 0, ...page, hits: [], facets: facetValues([]), terms: summary, matched: 'none', took: 0 };
  }
  let matched: 'all' | 'any' = 'all';
  let tsquery = terms.length ? toTsquery(terms, 'all') : null;
  let where = searchCondition(ctx.actor, query, tsquery);
  let counted = await repo.countWithFacets(ctx.db, where, FACET_LIMIT);
  let total = counted.find((r) => r.facet === 'total')?.count ?? 0;
  if (total === 0 && terms.length > 1) {
    matched = 'any';
    tsquery = toTsquery(terms, 'any');
    where = searchCondition(ctx.actor, query, tsquery);
    counted = await repo.countWithFacets(ctx.db, where, FACET_LIMIT);
    total = counted.find((r) => r.facet === 'total')?.count ?? 0;
  }
  const order = query.sort === 'relevance' && !tsquery ? 'newest' : query.sort;
  const match = tsquery ? { tsquery, phrases: phrases(query.q) } : null;
  const rows = total ? await repo.listHits(ctx.db, where, match, order, query.pageSize, (query.page - 1) * query.pageSize) : [];
  return {
    total,
    ...page,
    hits: rows.map((r) => present(r, terms)),
    facets: facetValues(counted),
    terms: summary,
    matched: total ? matched : 'none',
    took: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** Titles that complete what is being typed (the last word as a prefix, or as pinyin initials), most popular first. */
export async function suggest(ctx: RequestContext, input: TSuggestQuery): Promise<TSuggestResponse> {
  const terms = parseQuery(input.q);
  if (terms.length === 0) return { suggestions: [] };
  const where = and([visibleTo(ctx.actor), matches(toPrefixTsquery(terms))]);
  const rows = await repo.listSuggestions(ctx.db, where, input.limit * 3);
  const seen = new Set<string>();
  const suggestions: TSuggestResponse['suggestions'] = [];
  for (const r of rows) {
    if (seen.has(r.title)) continue;
    seen.add(r.title);
    suggestions.push({
      text: r.title,
      highlighted: highlight(r.title, wordsToMark(terms, r.title, true)),
      kind: r.kind as SearchKind,
      refId: r.ref_id,
    });
    if (suggestions.length === input.limit) break;
  }
  return { suggestions };
}
