/**
 * The in-process inverted index the search box reads: derived from `search_documents` (the
 * source of truth) and rebuildable from it at any time. Everything lives in typed arrays, so ten
 * million documents cost a few GiB outside the JavaScript heap:
 *
 * - a document is a slot number; an update takes a new slot and kills the old one (postings stay
 *   sorted by slot without re-sorting), and dead slots are squeezed out when they pile up
 *   (keys: index-keys.ts);
 * - a posting list per word, one byte per posting, a sorted list for a rare word and a bitmap with
 *   a rank directory for a common one (index-postings.ts);
 * - per slot, columns read in slot order (so the hardware prefetcher streams them): two facet
 *   group codes (index-facets.ts) and the static score, recency, publication time, popularity and
 *   a one-byte bucket of the static score's upper bound (index-ranking.ts).
 *
 * A query becomes a set of matching slots (index-matching.ts), then one pass over the matches
 * (`visit`, here) reads the two group codes: a per-query table of the groups that pass the filters
 * and the caller's visibility decides, and counting per group gives every facet count exactly
 * (rolled up from the groups afterwards). The top k by relevance are found without scoring every
 * match (index-ranking.ts). No database access here.
 */
import { Dict, emptyFacets, facetCounts, fitGroup, GROUP1, GROUP2, Groups, passTables, type GroupColumn } from './index-facets.ts';
import { KeyTable, parseUuid } from './index-keys.ts';
import {
  BitmapScratch,
  compileQuery,
  filterSlots,
  highBits,
  holdsMoreThan,
  matchAll,
  matchAtLeast,
  restrict,
  type Matched,
  type MatchContext,
} from './index-matching.ts';
import { HIGH_FIELDS, Postings, type NextArray, type PostingsHeader, type SnapshotArray } from './index-postings.ts';
import { bestMatches, BUCKET_STEP, BUCKETS, bucketOf, NORM, popularityBoost, T0_S, YEAR_S } from './index-ranking.ts';
import {
  FACET_KEYS,
  FILTER_WORD_FACETS,
  filterWord,
  postingCode,
  TUNING,
  type FacetKey,
  type IndexedDoc,
  type QueryClause,
  type SearchPlan,
  type SearchResult,
  type Tuning,
} from './index-types.ts';

export { FACET_KEYS, FIELD, postingCode } from './index-types.ts';
export type {
  FacetCount,
  FacetKey,
  Field,
  Filters,
  IndexedDoc,
  Order,
  QueryAlternative,
  QueryClause,
  SearchPlan,
  SearchResult,
  Tuning,
} from './index-types.ts';
export type { NextArray, SnapshotArray } from './index-postings.ts';

export type IndexHeader = {
  size: number;
  madeAt: number;
  tuning: Tuning;
  dicts: Record<FacetKey, { values: string[]; labels: (string | null)[] }>;
  scopes: { values: string[]; labels: (string | null)[] };
  groups: [number, number];
  group32: [boolean, boolean];
  words: [string, PostingsHeader][];
};

/**
 * A filter word's posting byte, counted once: in fields (so that clauses taking every field hold it)
 * but none of HIGH_FIELDS, so that its postings keep no second set of "high" slots.
 */
const FILTER_CODE = postingCode(15 & ~HIGH_FIELDS, 1);

/** The plan's filters on the facets that are words too, one clause each. */
function filterClauses(plan: SearchPlan): QueryClause[] {
  const out: QueryClause[] = [];
  for (const f of FILTER_WORD_FACETS) {
    const value = plan.filters[f];
    if (value !== undefined) out.push([{ words: [filterWord(f, value)] }]);
  }
  return out;
}

export class InvertedIndex {
  /** Slots in use (alive or dead). */
  size = 0;
  alive = 0;
  private cap: number;
  private keys: KeyTable;
  /** Facet group codes per slot; group2 = 0 marks a dead slot. */
  private group1: GroupColumn;
  private group2: GroupColumn;
  private readonly groups1 = new Groups(GROUP1.length);
  private readonly groups2 = new Groups(GROUP2.length + 1);
  /** NORM(length) × popularity boost. */
  private stat: Float32Array;
  /** exp((published - t0) / year). */
  private recent: Float32Array;
  /** Publication time in seconds. */
  private published: Uint32Array;
  private popularity: Float32Array;
  /** Length in words (for the static score when the popularity changes). */
  private lengths: Uint16Array;
  /** Bucket of stat × the recency factor at `madeAt` (bucketOf). */
  private bucket: Uint8Array;
  /** When the index was made (s): buckets bound the recency factor of any later time. */
  private madeAt: number;
  private decayAtMade: number;
  /** Snapshots being written: compaction (which moves postings in place) waits for them. */
  private pinned = 0;
  readonly dicts: Record<FacetKey, Dict>;
  readonly scopes = new Dict();
  private readonly words = new Map<string, Postings>();
  private sortedWords: string[] | null = null;
  private readonly tmpKey = new Int32Array(4);
  /** Scratch space of one search (searches are synchronous): matches, their buckets, bitmaps. */
  private scratchMatches = new Int32Array(0);
  private scratchBuckets = new Uint8Array(0);
  private readonly scratch = new BitmapScratch();

  private readonly tuning: Tuning;

  constructor(capacity = 1024, tuning: Partial<Tuning> = {}) {
    this.tuning = { ...TUNING, ...tuning };
    this.cap = Math.max(16, capacity);
    this.keys = new KeyTable(this.cap);
    this.group1 = new Uint16Array(this.cap);
    this.group2 = new Uint16Array(this.cap);
    this.stat = new Float32Array(this.cap);
    this.recent = new Float32Array(this.cap);
    this.published = new Uint32Array(this.cap);
    this.popularity = new Float32Array(this.cap);
    this.lengths = new Uint16Array(this.cap);
    this.bucket = new Uint8Array(this.cap);
    this.madeAt = Math.floor(Date.now() / 1000);
    this.decayAtMade = Math.exp(-(this.madeAt - T0_S) / YEAR_S);
    this.dicts = Object.fromEntries(FACET_KEYS.map((f) => [f, new Dict()])) as Record<FacetKey, Dict>;
  }

  // ---- keys -------------------------------------------------------------------------------

  private isLive(slot: number): boolean {
    return this.group2[slot] !== 0;
  }

  /** The live slot of a document, or -1. */
  slotOf(kind: string, refId: string): number {
    const kc = this.dicts.kind.codes.get(kind);
    if (kc === undefined || !parseUuid(refId, this.tmpKey, 0)) return -1;
    const slot = this.keys.find(kc, this.tmpKey);
    return slot >= 0 && this.isLive(slot) ? slot : -1;
  }

  keyOf(slot: number): { kind: string; refId: string } {
    const key = this.keys.keyOf(slot);
    return { kind: this.dicts.kind.values[key.kind - 1]!, refId: key.refId };
  }

  // ---- writes -----------------------------------------------------------------------------

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5) + 16;
    const widen = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array>(a: T, n = cap): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.group1 = widen(this.group1);
    this.group2 = widen(this.group2);
    this.stat = widen(this.stat);
    this.recent = widen(this.recent);
    this.published = widen(this.published);
    this.popularity = widen(this.popularity);
    this.lengths = widen(this.lengths);
    this.bucket = widen(this.bucket);
    this.keys.grow(cap, this.size, this.group2);
    this.cap = cap;
  }

  private setStatic(slot: number, popularity: number): void {
    this.popularity[slot] = popularity;
    this.stat[slot] = NORM[this.lengths[slot]!]! * popularityBoost(popularity);
    const recent = this.decayAtMade * this.recent[slot]!;
    this.bucket[slot] = bucketOf(this.stat[slot]! * (1 + 0.3 * (recent < 1 ? recent : 1)));
  }

  /** Adds a document or replaces the one with its key. */
  upsert(doc: IndexedDoc): void {
    const kind = this.dicts.kind.code(doc.kind);
    if (!parseUuid(doc.refId, this.tmpKey, 0)) throw new Error(`search index: refId ${doc.refId} is not a UUID`);
    if (this.size === this.cap) this.grow();
    const slot = this.size++;
    const old = this.keys.claim(kind, this.tmpKey, slot);
    if (old >= 0 && this.isLive(old)) {
      this.group2[old] = 0;
      this.alive--;
    }
    this.alive++;
    const code = (f: FacetKey) =>
      f === 'kind' ? kind : this.dicts[f].code(doc.facets[f], f === 'unit' ? doc.unitName : f === 'school' ? doc.schoolName : null);
    const g1 = this.groups1.code(GROUP1.map(code));
    const g2 = this.groups2.code([...GROUP2.map(code), this.scopes.code(doc.scope)]);
    this.group1 = fitGroup(this.group1, g1);
    this.group2 = fitGroup(this.group2, g2);
    this.group1[slot] = g1;
    this.group2[slot] = g2;
    const published = Math.max(0, Math.floor(doc.publishedAt / 1000));
    this.published[slot] = published;
    this.recent[slot] = Math.exp((published - T0_S) / YEAR_S);
    this.lengths[slot] = Math.min(Math.max(0, doc.docLength), NORM.length - 1);
    this.setStatic(slot, doc.popularity);
    const terms = doc.terms;
    for (let at = 0; at < terms.length;) {
      let end = terms.indexOf(' ', at);
      if (end === -1) end = terms.length;
      const comma = terms.lastIndexOf(',', end - 1);
      let c = 0;
      for (let i = comma + 1; i < end; i++) c = c * 10 + terms.charCodeAt(i) - 48;
      this.post(terms.slice(at, comma), slot, c);
      at = end + 1;
    }
    for (const f of FILTER_WORD_FACETS) {
      const value = f === 'kind' ? doc.kind : doc.facets[f];
      if (value !== null) this.post(filterWord(f, value), slot, FILTER_CODE);
    }
    this.maybeCompact();
  }

  private post(word: string, slot: number, code: number): void {
    let p = this.words.get(word);
    if (!p) {
      p = new Postings();
      this.words.set(word, p);
      this.sortedWords = null;
    }
    p.push(slot, code);
    if (p.docs && p.length >= this.tuning.denseMin) p.maybeDense(this.size, this.tuning.denseMin);
  }

  remove(kind: string, refId: string): boolean {
    const slot = this.slotOf(kind, refId);
    if (slot < 0) return false;
    this.group2[slot] = 0;
    this.alive--;
    this.maybeCompact();
    return true;
  }

  setPopularity(kind: string, refId: string, popularity: number): boolean {
    const slot = this.slotOf(kind, refId);
    if (slot < 0) return false;
    this.setStatic(slot, popularity);
    return true;
  }

  private maybeCompact(): void {
    if (this.pinned > 0) return;
    const dead = this.size - this.alive;
    if (dead > 10_000 && dead > this.size * 0.3) this.compact();
  }

  /** Squeezes dead slots out (slots keep their order, so posting lists stay sorted) and trims spare capacity. */
  compact(): void {
    const map = new Int32Array(this.size);
    let n = 0;
    for (let s = 0; s < this.size; s++) map[s] = this.isLive(s) ? n++ : -1;
    for (let s = 0; s < this.size; s++) {
      const t = map[s]!;
      if (t < 0 || t === s) continue;
      this.keys.move(s, t);
      this.group1[t] = this.group1[s]!;
      this.group2[t] = this.group2[s]!;
      this.stat[t] = this.stat[s]!;
      this.recent[t] = this.recent[s]!;
      this.published[t] = this.published[s]!;
      this.popularity[t] = this.popularity[s]!;
      this.lengths[t] = this.lengths[s]!;
      this.bucket[t] = this.bucket[s]!;
    }
    this.group2.fill(0, n, this.size);
    for (const [word, p] of this.words) {
      p.remap(map);
      if (p.length === 0) {
        this.words.delete(word);
        this.sortedWords = null;
      } else p.maybeDense(n, this.tuning.denseMin);
    }
    this.size = n;
    this.alive = n;
    this.keys.rehash(n, this.group2);
  }

  /** Frees spare capacity after a bulk build. */
  trim(): void {
    for (const p of this.words.values()) p.trim();
  }

  // ---- snapshots --------------------------------------------------------------------------

  /**
   * The index as a JSON header and typed arrays (views of its own, not copies), taken between two
   * changes; compaction waits until `release` is called, so the arrays can be written out while
   * searches and changes go on. A change made meanwhile may show in the arrays half made (a slot
   * killed, a bit set for a slot past the size): `restore` clears what lies past the size, and the
   * changes after the snapshot's place in the change log are applied again after it is read.
   */
  snapshot(): { header: IndexHeader; arrays: SnapshotArray[]; release: () => void } {
    this.pinned++;
    const n = this.size;
    const arrays: SnapshotArray[] = [
      this.keys.words.subarray(0, n * 4),
      this.keys.kinds.subarray(0, n),
      this.group1.subarray(0, n),
      this.group2.subarray(0, n),
      this.stat.subarray(0, n),
      this.recent.subarray(0, n),
      this.published.subarray(0, n),
      this.popularity.subarray(0, n),
      this.lengths.subarray(0, n),
      this.bucket.subarray(0, n),
      this.groups1.members.subarray(0, this.groups1.count * this.groups1.dims),
      this.groups2.members.subarray(0, this.groups2.count * this.groups2.dims),
    ];
    const dict = (d: Dict) => ({ values: d.values.slice(), labels: d.labels.slice() });
    const words: [string, PostingsHeader][] = [];
    for (const [w, p] of this.words) words.push([w, p.snapshot(arrays)]);
    const header: IndexHeader = {
      size: n,
      madeAt: this.madeAt,
      tuning: this.tuning,
      dicts: Object.fromEntries(FACET_KEYS.map((f) => [f, dict(this.dicts[f])])) as IndexHeader['dicts'],
      scopes: dict(this.scopes),
      groups: [this.groups1.count, this.groups2.count],
      group32: [this.group1 instanceof Uint32Array, this.group2 instanceof Uint32Array],
      words,
    };
    let released = false;
    return {
      header,
      arrays,
      release: () => {
        if (released) return;
        released = true;
        this.pinned--;
        this.maybeCompact();
      },
    };
  }

  /** An index from a snapshot's header and its arrays (read in the order `snapshot` gave them). */
  static restore(header: IndexHeader, next: NextArray): InvertedIndex {
    const n = header.size;
    const index = new InvertedIndex(Math.ceil(n * 1.05) + 1024, header.tuning);
    index.madeAt = header.madeAt;
    index.decayAtMade = Math.exp(-(header.madeAt - T0_S) / YEAR_S);
    const into = <T extends SnapshotArray>(target: T, type: new (n: number) => T, width = 1): T => {
      target.set(next(type).subarray(0, n * width));
      return target;
    };
    into(index.keys.words, Int32Array, 4);
    into(index.keys.kinds, Uint8Array);
    if (header.group32[0]) index.group1 = new Uint32Array(index.cap);
    if (header.group32[1]) index.group2 = new Uint32Array(index.cap);
    into(index.group1, (header.group32[0] ? Uint32Array : Uint16Array) as new (n: number) => GroupColumn);
    into(index.group2, (header.group32[1] ? Uint32Array : Uint16Array) as new (n: number) => GroupColumn);
    into(index.stat, Float32Array);
    into(index.recent, Float32Array);
    into(index.published, Uint32Array);
    into(index.popularity, Float32Array);
    into(index.lengths, Uint16Array);
    into(index.bucket, Uint8Array);
    index.groups1.restore(next(Int32Array), header.groups[0]);
    index.groups2.restore(next(Int32Array), header.groups[1]);
    const dict = (d: Dict, h: { values: string[]; labels: (string | null)[] }) => {
      h.values.forEach((v, i) => d.code(v, h.labels[i] ?? null));
    };
    for (const f of FACET_KEYS) dict(index.dicts[f], header.dicts[f]);
    dict(index.scopes, header.scopes);
    for (const [w, h] of header.words) index.words.set(w, Postings.restore(h, next, n));
    index.size = n;
    let alive = 0;
    for (let s = 0; s < n; s++) if (index.group2[s] !== 0) alive++;
    index.alive = alive;
    index.keys.rehash(n, index.group2);
    return index;
  }

  // ---- reads ------------------------------------------------------------------------------

  get wordCount(): number {
    return this.words.size;
  }

  /** Bytes held in typed arrays (postings, columns, key table, scratch). */
  memoryBytes(): number {
    let bytes =
      this.keys.bytes +
      this.group1.byteLength +
      this.group2.byteLength +
      this.stat.byteLength +
      this.recent.byteLength +
      this.published.byteLength +
      this.popularity.byteLength +
      this.lengths.byteLength +
      this.bucket.byteLength +
      this.scratchMatches.byteLength +
      this.scratchBuckets.byteLength +
      this.scratch.bytes;
    for (const p of this.words.values()) bytes += p.bytes;
    return bytes;
  }

  postingCount(): number {
    let n = 0;
    for (const p of this.words.values()) n += p.length;
    return n;
  }

  /** Words of the index that start with the prefix (for suggestions), at most `max`. */
  wordsWithPrefix(prefix: string, max = 200): string[] {
    if (!this.sortedWords) this.sortedWords = [...this.words.keys()].sort();
    const ws = this.sortedWords;
    let lo = 0;
    let hi = ws.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ws[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < ws.length && ws[i]!.startsWith(prefix) && out.length < max; i++) out.push(ws[i]!);
    return out;
  }

  /** The scope codes an actor may see, from the organisation paths it may see into. */
  visibleScopes(test: (path: string) => boolean): Uint8Array {
    const mask = new Uint8Array(this.scopes.size + 1);
    mask[0] = 1;
    this.scopes.values.forEach((path, i) => {
      if (test(path)) mask[i + 1] = 1;
    });
    return mask;
  }

  // ---- search -----------------------------------------------------------------------------

  /**
   * Runs a query: total, the best `k` by the order, and facet counts over every match.
   * `scoreAll` scores every match instead of the best buckets first (the same result; for tests).
   */
  search(plan: SearchPlan, { scoreAll = false } = {}): SearchResult {
    // the filters and the caller's visibility, as a pass/fail table over each group column
    const g1 = this.groups1;
    const g2 = this.groups2;
    const passes = passTables(plan, this.dicts, g1, g2);
    if (!passes) return { total: 0, top: [], facets: emptyFacets(plan), matchedClauses: 0 };
    const { pass1, pass2 } = passes;

    const clauses = compileQuery(this.words, plan.clauses);
    // filters on the facets that are words too narrow the candidates before the pass (the pass tables still decide)
    const filters = compileQuery(this.words, filterClauses(plan));
    const counting = plan.facets.length > 0;
    const counts1 = new Int32Array(counting ? g1.count + 1 : 0);
    const counts2 = new Int32Array(counting ? g2.count + 1 : 0);
    const hist = new Int32Array(BUCKETS);
    // ranking by relevance: a match holding none of the query's words in HIGH_FIELDS has a far lower
    // text bound, so its bucket is lowered by that ratio (buckets are geometric) when it is remembered
    const textMax = clauses.length ? clauses.reduce((s, c) => s + c.max, 0) / clauses.length : 1;
    const textLow = clauses.length ? clauses.reduce((s, c) => s + c.low, 0) / clauses.length : 1;
    const lowShift = textLow > 0 ? Math.ceil(Math.log(textLow / textMax) / Math.log(BUCKET_STEP)) : -BUCKETS;
    const match: MatchContext = { size: this.size, scratch: this.scratch };
    // the slots holding a query word in HIGH_FIELDS, made once for the first round with enough matches to rank by buckets
    let high: Int32Array | null = null;
    const ranksByBuckets = plan.order === 'relevance' && !scoreAll && lowShift < -8;
    const visit = (matched: Matched) => {
      counts1.fill(0);
      counts2.fill(0);
      hist.fill(0);
      if (high === null && ranksByBuckets && holdsMoreThan(matched, this.size, this.tuning.scoreAllBelow)) high = highBits(match, clauses);
      return this.visit(matched, pass1, pass2, counts1, counts2, hist, high, lowShift);
    };
    let held = Math.min(clauses.length, plan.mode === 'all' ? clauses.length : (plan.atLeast ?? clauses.length));
    // every clause: intersected (cheapest when one clause is rare); the counters below only when none matches
    let n = held === clauses.length ? visit(matchAll(match, [...clauses, ...filters])) : 0;
    if (n === 0 && plan.mode === 'any' && clauses.length > 1) {
      // the most clauses any visible match holds
      if (held === clauses.length) held--;
      const atLeast = matchAtLeast(match, clauses);
      const filtered = filterSlots(match, filters);
      for (; ; held--) {
        n = visit(restrict(atLeast(held), filtered));
        if (n > 0 || held === 1) break;
      }
    }
    const remembered = { hits: this.scratchMatches, buckets: this.scratchBuckets, n, hist };
    const columns = {
      published: this.published,
      popularity: this.popularity,
      stat: this.stat,
      recent: this.recent,
      madeAt: this.madeAt,
      tuning: this.tuning,
    };
    const top = bestMatches(columns, plan, clauses, remembered, scoreAll, textMax);
    const facets = counting ? facetCounts(plan, this.dicts, [g1, g2], [counts1, counts2]) : {};
    return { total: n, top, facets, matchedClauses: n > 0 ? held : 0 };
  }

  /**
   * One pass over the matches: those visible and passing the filters are counted per group and
   * remembered (slot and bucket, in the scratch arrays) for ranking. Returns how many.
   * The same body three times, inline: this loop is the search's cost.
   */
  private visit(
    matched: Matched,
    pass1: Uint8Array,
    pass2: Uint8Array,
    counts1: Int32Array,
    counts2: Int32Array,
    hist: Int32Array,
    high: Int32Array | null,
    lowShift: number,
  ): number {
    const upper = matched === null ? this.size : 'list' in matched ? matched.list.length : Math.min(this.size, matched.words * 32);
    if (this.scratchMatches.length < upper) {
      this.scratchMatches = new Int32Array(Math.ceil(upper * 1.25) + 1024);
      this.scratchBuckets = new Uint8Array(this.scratchMatches.length);
    }
    const hits = this.scratchMatches;
    const hitBuckets = this.scratchBuckets;
    const counting = counts1.length > 0;
    const col1 = this.group1;
    const col2 = this.group2;
    const bucket = this.bucket;
    let n = 0;
    if (matched === null) {
      for (let d = 0; d < this.size; d++) {
        const b2 = col2[d]!;
        if (pass2[b2] === 0) continue;
        const b1 = col1[d]!;
        if (pass1[b1] === 0) continue;
        if (counting) {
          counts1[b1]!++;
          counts2[b2]!++;
        }
        let b = bucket[d]!;
        if (high !== null && b !== BUCKETS - 1 && ((high[d >>> 5]! >>> (d & 31)) & 1) === 0) b = b + lowShift > 0 ? b + lowShift : 0;
        hist[b]!++;
        hits[n] = d;
        hitBuckets[n++] = b;
      }
    } else if ('list' in matched) {
      const list = matched.list;
      for (let i = 0; i < list.length; i++) {
        const d = list[i]!;
        const b2 = col2[d]!;
        if (pass2[b2] === 0) continue;
        const b1 = col1[d]!;
        if (pass1[b1] === 0) continue;
        if (counting) {
          counts1[b1]!++;
          counts2[b2]!++;
        }
        let b = bucket[d]!;
        if (high !== null && b !== BUCKETS - 1 && ((high[d >>> 5]! >>> (d & 31)) & 1) === 0) b = b + lowShift > 0 ? b + lowShift : 0;
        hist[b]!++;
        hits[n] = d;
        hitBuckets[n++] = b;
      }
    } else {
      const bits = matched.bits;
      for (let w = 0; w < matched.words; w++) {
        let x = bits[w]!;
        while (x !== 0) {
          const t = x & -x;
          x ^= t;
          const d = (w << 5) | (31 - Math.clz32(t));
          const b2 = col2[d]!;
          if (pass2[b2] === 0) continue;
          const b1 = col1[d]!;
          if (pass1[b1] === 0) continue;
          if (counting) {
            counts1[b1]!++;
            counts2[b2]!++;
          }
          let b = bucket[d]!;
          if (high !== null && b !== BUCKETS - 1 && ((high[d >>> 5]! >>> (d & 31)) & 1) === 0) b = b + lowShift > 0 ? b + lowShift : 0;
          hist[b]!++;
          hits[n] = d;
          hitBuckets[n++] = b;
        }
      }
    }

    return n;
  }

  /** Popularity and publication time of a slot (for re-ranking and tests). */
  statics(slot: number): { popularity: number; publishedAt: number } {
    return { popularity: this.popularity[slot]!, publishedAt: this.published[slot]! * 1000 };
  }
}
