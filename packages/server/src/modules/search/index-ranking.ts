import type { SearchPlan, Tuning } from './index-types.ts';
import { resetCursors, textScore, type CompiledClause } from './index-matching.ts';

/*
 * Ranking: relevance is the text score (from the posting bytes) × a static score — length norm ×
 * popularity, and recency as of the query. A one-byte bucket per slot bounds its static score (×
 * the recency factor it had when the index was made, which only falls as time passes), so the top
 * k are found by scoring only the matches in the best buckets, then every lower bucket whose
 * bound could still reach the k-th best — the same result as scoring every match.
 */

export const YEAR_S = 365 * 86_400;
/**
 * The recency boost 1 + 0.3 exp(-age / year) separates: exp(-(now - t0) / year) × exp((published - t0) / year).
 * The second factor is kept per slot, so a query pays one multiplication rather than an exp.
 */
export const T0_S = Date.UTC(2020, 0, 1) / 1000;
export const popularityBoost = (p: number): number => 1 + 0.1 * Math.log(1 + (p > 0 ? p : 0));
/** ts_rank's normalisation 1: divided by 1 + the logarithm of the document's length. */
export const NORM = Float32Array.from({ length: 4096 }, (_, n) => 1 / (1 + Math.log(Math.max(1, n))));

/**
 * Buckets of a slot's static-score bound (static score × the recency factor it had when the index
 * was made, which only falls as time passes): bucket b holds bounds ≤ BUCKET_HI[b], geometric
 * steps of 2.5 %; the last bucket is unbounded.
 */
export const BUCKETS = 256;
const BUCKET_MIN = 0.02;
export const BUCKET_STEP = 1.025;
export const BUCKET_HI = Float64Array.from({ length: BUCKETS }, (_, b) => (b === BUCKETS - 1 ? Infinity : BUCKET_MIN * BUCKET_STEP ** b));
export function bucketOf(bound: number): number {
  if (!(bound > BUCKET_MIN)) return 0;
  let b = Math.ceil(Math.log(bound / BUCKET_MIN) / Math.log(BUCKET_STEP));
  if (b < 0) b = 0;
  while (b < BUCKETS - 1 && BUCKET_HI[b]! < bound) b++;
  return b >= BUCKETS - 1 ? BUCKETS - 1 : b;
}

/** The per-slot columns ranking reads, and when the index was made (s). */
export type RankColumns = {
  published: Uint32Array;
  popularity: Float32Array;
  /** NORM(length) × popularity boost. */
  stat: Float32Array;
  /** exp((published - t0) / year). */
  recent: Float32Array;
  madeAt: number;
  tuning: Tuning;
};

/** The matches one pass remembered: slots, their buckets, how many, and how many per bucket. */
export type RememberedMatches = { hits: Int32Array; buckets: Uint8Array; n: number; hist: Int32Array };

/** The best k of the remembered matches by the plan's order. */
export function bestMatches(
  columns: RankColumns,
  plan: SearchPlan,
  clauses: CompiledClause[],
  matches: RememberedMatches,
  scoreAll: boolean,
  textMax: number,
): { slot: number; score: number }[] {
  const { hits, buckets: hitBuckets, n, hist } = matches;
  const heap = new TopK(plan.k);
  if (plan.k === 0 || n === 0) return [];
  const published = columns.published;
  if (plan.order !== 'relevance') {
    const column = plan.order === 'newest' ? published : columns.popularity;
    for (let i = 0; i < n; i++) {
      const d = hits[i]!;
      heap.offer(d, column[d]!, published[d]!);
    }
    return heap.sorted();
  }
  const stat = columns.stat;
  const recentCol = columns.recent;
  const nowS = plan.now / 1000;
  const decay = Math.exp(-(nowS - T0_S) / YEAR_S);
  const hasText = clauses.length > 0;
  /** Scores the remembered matches whose bucket is in [lo, hi). */
  const scoreRange = (lo: number, hi: number) => {
    resetCursors(clauses);
    for (let i = 0; i < n; i++) {
      const b = hitBuckets[i]!;
      if (b < lo || b >= hi) continue;
      const d = hits[i]!;
      const text = hasText ? textScore(clauses, d) : 1;
      // exp(-age / year), at most 1 (a date in the future counts as now)
      const recent = decay * recentCol[d]!;
      heap.offer(d, text * stat[d]! * (1 + 0.3 * (recent < 1 ? recent : 1)), published[d]!);
    }
  };
  if (scoreAll || n <= columns.tuning.scoreAllBelow) {
    scoreRange(0, BUCKETS);
    return heap.sorted();
  }
  // the best buckets holding at least a few times k matches first…
  const wanted = Math.max(plan.k * 2, columns.tuning.firstRound);
  let cut = BUCKETS - 1;
  for (let seen = 0; cut > 0; cut--) {
    seen += hist[cut]!;
    if (seen >= wanted) break;
  }
  scoreRange(cut, BUCKETS);
  if (cut === 0) return heap.sorted();
  // …then every lower bucket whose bound could still reach the k-th best score (ties included)
  // buckets bound the recency factor of any time after the index was made; before it, 1.3 at most
  const recencyRoom = nowS >= columns.madeAt ? 1 : 1.3;
  const threshold = heap.full ? heap.worstScore : -Infinity;
  let lo = cut;
  while (lo > 0 && BUCKET_HI[lo - 1]! * textMax * recencyRoom * (1 + 1e-6) >= threshold) lo--;
  if (lo < cut) scoreRange(lo, cut);
  return heap.sorted();
}

/** The k best (slot, score), ties broken by newer first, then lower slot. */
class TopK {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private readonly tie: Float64Array;
  private n = 0;
  constructor(private readonly k: number) {
    this.slots = new Int32Array(Math.max(1, k));
    this.scores = new Float64Array(Math.max(1, k));
    this.tie = new Float64Array(Math.max(1, k));
  }
  get full(): boolean {
    return this.n === this.k;
  }
  /** The score of the worst kept (the one a newcomer must beat). */
  get worstScore(): number {
    return this.scores[0]!;
  }
  /** Whether a is worse than b (the heap keeps the worst at the root). */
  private worse(i: number, j: number): boolean {
    const s = this.scores;
    if (s[i] !== s[j]) return s[i]! < s[j]!;
    if (this.tie[i] !== this.tie[j]) return this.tie[i]! < this.tie[j]!;
    return this.slots[i]! > this.slots[j]!;
  }
  private swap(i: number, j: number): void {
    const a = this.slots[i]!;
    this.slots[i] = this.slots[j]!;
    this.slots[j] = a;
    const b = this.scores[i]!;
    this.scores[i] = this.scores[j]!;
    this.scores[j] = b;
    const c = this.tie[i]!;
    this.tie[i] = this.tie[j]!;
    this.tie[j] = c;
  }
  offer(slot: number, score: number, tie: number): void {
    if (this.k === 0) return;
    if (this.n < this.k) {
      let i = this.n++;
      this.slots[i] = slot;
      this.scores[i] = score;
      this.tie[i] = tie;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    const s0 = this.scores[0]!;
    if (score < s0 || (score === s0 && (tie < this.tie[0]! || (tie === this.tie[0]! && slot > this.slots[0]!)))) return;
    this.slots[0] = slot;
    this.scores[0] = score;
    this.tie[0] = tie;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.n && this.worse(l, m)) m = l;
      if (r < this.n && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
  sorted(): { slot: number; score: number }[] {
    const out = Array.from({ length: this.n }, (_, i) => ({ slot: this.slots[i]!, score: this.scores[i]!, tie: this.tie[i]! }));
    out.sort((a, b) => b.score - a.score || b.tie - a.tie || a.slot - b.slot);
    return out.map(({ slot, score }) => ({ slot, score }));
  }
}
