/** What the in-process index (inverted-index.ts) takes in and answers: documents, query plans, results, tuning. */

export const FIELD = { A: 1, B: 2, C: 4, D: 8 } as const;
export type Field = keyof typeof FIELD;

/** The facet columns (dictionary-coded) and the filters that use them. */
export const FACET_KEYS = ['kind', 'subject', 'grade', 'term', 'edition', 'unit', 'type', 'level', 'school', 'district'] as const;
export type FacetKey = (typeof FACET_KEYS)[number];

/**
 * Facets whose values are also words of the index (one pseudo-word per value, never typed: it
 * starts with U+0001), so that a filter on them narrows the candidates before the pass over the
 * matches, as a clause that is neither scored nor counted for the any-word fallback. Unit, school
 * and district (hundreds of values each) stay with the group columns' pass tables only.
 */
export const FILTER_WORD_FACETS = ['kind', 'subject', 'grade', 'term', 'edition', 'type', 'level'] as const;
export const filterWord = (facet: FacetKey, value: string): string => `\u0001${facet}:${value}`;

export type IndexedDoc = {
  kind: string;
  refId: string;
  /** The words: "word,code" pairs separated by spaces, code as `postingCode` packs field mask and count. */
  terms: string;
  docLength: number;
  facets: Record<FacetKey, string | null>;
  /** Labels shown for unit and school values. */
  unitName: string | null;
  schoolName: string | null;
  /** null: public; otherwise the organisation path it is published to. */
  scope: string | null;
  popularity: number;
  publishedAt: number;
};

/** Packs a field mask and a count into a posting byte. */
export const postingCode = (mask: number, count: number): number => (mask & 15) | (Math.min(count, 15) << 4);

/**
 * One alternative of a clause: every word of it must match (教学视频 → 教学 & 视频), in one of
 * the fields (bits of FIELD; all fields when unset).
 */
export type QueryAlternative = { words: string[]; fields?: number };
/** A clause: any alternative matches. A query is clauses joined by AND ('all') or OR ('any'). */
export type QueryClause = QueryAlternative[];

export type Filters = Partial<Record<FacetKey, string>>;
export type Order = 'relevance' | 'newest' | 'popular';

export type FacetCount = { value: string; label: string | null; count: number };

export type SearchPlan = {
  clauses: QueryClause[];
  mode: 'all' | 'any';
  filters: Filters;
  /** Scope codes the caller may see (public is always visible); null: public only. */
  visible: Uint8Array | null;
  order: Order;
  /** How many of the best to return (the page plus a margin for re-ranking). */
  k: number;
  /** Facets to count, and how many values of each to return. */
  facets: readonly FacetKey[];
  facetLimit: number;
  /** Time the recency boost is measured from (ms). */
  now: number;
  /**
   * 'any': the matches are the documents holding the most clauses any visible document holds,
   * trying from this many down to one (default: every clause).
   */
  atLeast?: number;
};

export type SearchResult = {
  total: number;
  /** Best first: slot and score. */
  top: { slot: number; score: number }[];
  facets: Partial<Record<FacetKey, FacetCount[]>>;
  /** How many of the clauses every match holds (all of them unless the mode is 'any'). */
  matchedClauses: number;
};

/** Thresholds, changed by tests only so that small indexes take the paths large ones take. */
export type Tuning = {
  /** A posting list needs this many postings to become a bitmap (small indexes stay lists). */
  denseMin: number;
  /** Matches up to this many are all scored; above it, the best buckets first… */
  scoreAllBelow: number;
  /** …the buckets holding at least this many matches (and twice k), then those that could still reach the k best. */
  firstRound: number;
};
export const TUNING: Tuning = { denseMin: 2048, scoreAllBelow: 4096, firstRound: 256 };
