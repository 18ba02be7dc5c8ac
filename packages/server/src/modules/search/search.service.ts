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
import type { RequestContext } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import { checkDocument, documentRow, type SearchDocumentInput } from './document.ts';
import { highlight, snippet } from './highlight.ts';
import { CHANGE_LOG_KEEP_MS, holderFor, type IndexStats, type SnapshotStats } from './index-holder.ts';
import { FIELD, type Filters, type InvertedIndex, type QueryClause, type SearchPlan } from './inverted-index.ts';
import { parseQuery, phrases, wordsToMark, type QueryTerm } from './query.ts';
import * as repo from './search.repository.ts';
import { hasHan, RUN_INITIALS } from './segment.ts';
import { visibilityTest } from './visibility.ts';

export { documentWords, type SearchDocumentInput } from './document.ts';

const FACET_LIMIT = 30;
/** Candidates beyond the page that are re-ranked with the typed-phrase boost (it at most doubles a score). */
const RERANK_MARGIN = 40;

/**
 * Adds documents to the index or replaces them (by kind and refId). Call it in the transaction
 * that publishes them, so the index never shows what was rolled back: every process's index
 * picks them up from the change log once the transaction commits.
 */
export async function indexDocuments(tx: DbOrTx, docs: SearchDocumentInput[]): Promise<void> {
  docs.forEach(checkDocument);
  await repo.upsertDocuments(tx, docs.map(documentRow));
}

/** Takes a document out of the index (unpublished, withdrawn, deleted). Returns whether it was there. */
export const removeDocument = (tx: DbOrTx, kind: SearchKind, refId: string): Promise<boolean> => repo.deleteDocument(tx, kind, refId);

/** Sets the popularity (views, downloads, favourites — the caller's measure) that lifts a document in relevance order. */
export const updatePopularity = (tx: DbOrTx, kind: SearchKind, refId: string, popularity: number): Promise<boolean> =>
  repo.setPopularity(tx, kind, refId, popularity);

/**
 * Builds this process's index from the table now rather than at the first search (start-up), or
 * rebuilds it (after a bulk load); resolves when it serves.
 */
export async function warmSearchIndex(db: DbOrTx, { rebuild = false } = {}): Promise<IndexStats> {
  const holder = holderFor(db);
  if (rebuild) await holder.rebuild();
  await holder.current();
  return holder.stats();
}

/**
 * Writes this process's index to its snapshot file when it changed since the last one (run
 * hourly; a build writes one anyway), so that a restart reads it back instead of rebuilding.
 */
export const snapshotSearchIndex = (db: DbOrTx): Promise<SnapshotStats | null> => holderFor(db).saveSnapshot();

/** Drops change-log rows every process has long read (a day old; run hourly). Returns how many. */
export const pruneSearchChanges = (db: DbOrTx): Promise<number> => repo.pruneChanges(db, CHANGE_LOG_KEEP_MS);

/** Size of this process's index for a database (documents, words, postings, bytes). */
export const searchIndexStats = (db: DbOrTx): IndexStats => holderFor(db).stats();

function filters(query: TSearchQuery): Filters {
  return {
    kind: query.kind,
    subject: query.subject,
    grade: query.grade === undefined ? undefined : String(query.grade),
    term: query.term,
    edition: query.edition,
    unit: query.unitId,
    type: query.type,
    level: query.level,
    school: query.schoolId,
    district: query.districtId,
  };
}

/** A query word and its synonyms and parts, as one clause of alternatives. */
const clauseOf = (t: QueryTerm): QueryClause => [{ words: [t.term] }, ...t.alternatives.map((words) => ({ words }))];

/** The scope codes an actor may see in this index; null: public only. */
async function visibleScopes(ctx: RequestContext): Promise<(index: InvertedIndex) => Uint8Array | null> {
  const test = await visibilityTest(ctx.db, ctx.actor);
  return (index) => (test ? index.visibleScopes(test) : null);
}

function facetValues(facets: Partial<Record<SearchFacet, { value: string; label: string | null; count: number }[]>>) {
  const out = Object.fromEntries(SEARCH_FACETS.map((f) => [f, [] as TSearchFacetValue[]])) as Record<SearchFacet, TSearchFacetValue[]>;
  for (const f of SEARCH_FACETS) {
    for (const r of facets[f] ?? []) {
      const label = f === 'grade' ? (GRADE_NAMES[Number(r.value) as GradeLevel] ?? r.value) : (r.label ?? r.value);
      out[f].push({ value: r.value, label, count: r.count });
    }
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
 * When no document has every word, the documents with the most of them are returned (`matched: 'any'`).
 * Answered from this process's index (after applying what was committed since the last search);
 * the page's stored fields are then read by key.
 */
export async function searchDocuments(ctx: RequestContext, query: TSearchQuery): Promise<TSearchResponse> {
  const started = performance.now();
  const terms = parseQuery(query.q);
  const page = { page: query.page, pageSize: query.pageSize };
  const summary = terms.map((t) => ({ term: t.term, expansions: t.alternatives.map((a) => a.join(' ')) }));

  if (query.q && terms.length === 0) {
    // only punctuation or words too common to mean anything
    return { total: 0, ...page, hits: [], facets: facetValues({}), terms: summary, matched: 'none', took: 0 };
  }
  // the index brought up to date and the caller's units read side by side (two round trips at once)
  const [index, visible] = await Promise.all([holderFor(ctx.db).current(), visibleScopes(ctx)]);
  const order = query.sort === 'relevance' && terms.length === 0 ? 'newest' : query.sort;
  const typed = order === 'relevance' ? phrases(query.q) : [];
  const offset = (query.page - 1) * query.pageSize;
  const plan: SearchPlan = {
    clauses: terms.map(clauseOf),
    mode: 'any',
    filters: filters(query),
    visible: visible(index),
    order,
    k: offset + query.pageSize + (typed.length ? RERANK_MARGIN : 0),
    facets: SEARCH_FACETS,
    facetLimit: FACET_LIMIT,
    now: Date.now(),
  };
  // every word; when no visible document has them all, the documents with the most of them (all but one, else fewer)
  const result = index.search(plan);
  const matched = result.matchedClauses < plan.clauses.length ? 'any' : 'all';
  // slots mean nothing after the next change: take the keys now
  const best = result.top.map((t) => ({ ...index.keyOf(t.slot), score: t.score }));
  const rows = new Map((await repo.hitsByKey(ctx.db, best)).map((r) => [`${r.kind}/${r.ref_id}`, r]));
  let ranked = best.flatMap((b) => {
    const row = rows.get(`${b.kind}/${b.refId}`);
    return row ? [{ ...row, score: b.score * phraseBoost(row, typed) }] : [];
  });
  if (typed.length) {
    ranked = ranked.sort(
      (a, b) =>
        b.score - a.score ||
        new Date(b.published_at).getTime() - new Date(a.published_at).getTime() ||
        (a.ref_id < b.ref_id ? -1 : a.ref_id > b.ref_id ? 1 : 0),
    );
  }
  return {
    total: result.total,
    ...page,
    hits: ranked.slice(offset, offset + query.pageSize).map((r) => present(r, terms)),
    facets: facetValues(result.facets),
    terms: summary,
    matched: result.total ? matched : 'none',
    took: Math.round((performance.now() - started) * 10) / 10,
  };
}

/**
 * A document whose title or keywords hold a typed run verbatim (两位数乘两位数) ranks above one
 * that merely has its words somewhere (三位数乘两位数 also has 两位数 and 乘).
 */
function phraseBoost(row: { title: string; keywords: string[] }, typed: string[]): number {
  if (typed.length === 0) return 1;
  const text = `${row.title} ${row.keywords.join(' ')}`.toLowerCase();
  return 1 + typed.filter((p) => text.includes(p)).length / typed.length;
}

/** Titles that complete what is being typed (the last word as a prefix, or as pinyin initials), most popular first. */
export async function suggest(ctx: RequestContext, input: TSuggestQuery): Promise<TSuggestResponse> {
  const terms = parseQuery(input.q);
  if (terms.length === 0) return { suggestions: [] };
  // the index brought up to date and the caller's units read side by side (two round trips at once)
  const [index, visible] = await Promise.all([holderFor(ctx.db).current(), visibleScopes(ctx)]);
  const last = terms.at(-1)!;
  const completions: QueryClause = [
    ...index.wordsWithPrefix(last.term).map((w) => ({ words: [w], fields: FIELD.A })),
    ...(hasHan(last.term) ? [] : index.wordsWithPrefix(RUN_INITIALS + last.term).map((w) => ({ words: [w], fields: FIELD.D }))),
  ];
  const result = index.search({
    clauses: [...terms.slice(0, -1).map(clauseOf), completions],
    mode: 'all',
    filters: {},
    visible: visible(index),
    order: 'popular',
    k: input.limit * 3,
    facets: [],
    facetLimit: 0,
    now: Date.now(),
  });
  const best = result.top.map((t) => index.keyOf(t.slot));
  const rows = new Map((await repo.hitsByKey(ctx.db, best)).map((r) => [`${r.kind}/${r.ref_id}`, r]));
  const seen = new Set<string>();
  const suggestions: TSuggestResponse['suggestions'] = [];
  for (const b of best) {
    const r = rows.get(`${b.kind}/${b.refId}`);
    if (!r || seen.has(r.title)) continue;
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
