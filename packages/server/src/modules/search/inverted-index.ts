/**
 * The in-process inverted index the search box reads: derived from `search_documents` (the
 * source of truth) and rebuildable from it at any time. Everything lives in typed arrays, so ten
 * million documents cost a few GiB outside the JavaScript heap:
 *
 * - a document is a slot number; an update takes a new slot and kills the old one (postings stay
 *   sorted by slot without re-sorting), and dead slots are squeezed out when they pile up;
 * - a posting list per word, with one byte per posting — which fields hold the word (bits 0–3:
 *   A title, B keywords and catalogue, C body, D pinyin) and how often (bits 4–7, capped at 15) —
 *   so field weights can change without re-indexing. A rare word keeps its slots as a sorted
 *   `Int32Array`; a common one (in more than 1/32 of the slots) as a bitmap over the slots with a
 *   rank directory, so intersecting and uniting common words is word-wide AND/OR, and finding a
 *   posting's byte is a popcount;
 * - per slot, columns read in slot order (so the hardware prefetcher streams them): two facet
 *   group codes — a group is a distinct combination of facet values, (kind, subject, grade, term,
 *   edition, unit, type) and (level, school, district, visibility scope) — and the static score,
 *   recency, publication time, popularity and a one-byte bucket of the static score's upper bound.
 *
 * A query becomes a set of matching slots (a sorted list when its rarest clause is rare, else a
 * bitmap), then one pass over the matches reads the two group codes: a per-query table of the
 * groups that pass the filters and the caller's visibility decides, and counting per group gives
 * every facet count exactly (rolled up from the groups afterwards). The top k by relevance are
 * found without scoring every match: text scores are bounded by the best posting bytes of the
 * query's words, the static part by the bucket, so only matches in the best buckets are scored
 * (their posting bytes looked up), then every bucket whose bound could still reach the k-th best
 * score — the result is the same as scoring them all. No database access here.
 */

export const FIELD = { A: 1, B: 2, C: 4, D: 8 } as const;
export type Field = keyof typeof FIELD;

/** The facet columns (dictionary-coded) and the filters that use them. */
export const FACET_KEYS = ['kind', 'subject', 'grade', 'term', 'edition', 'unit', 'type', 'level', 'school', 'district'] as const;
export type FacetKey = (typeof FACET_KEYS)[number];

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

class Dict {
  readonly codes = new Map<string, number>();
  /** values[code - 1]; code 0 means "no value". */
  readonly values: string[] = [];
  readonly labels: (string | null)[] = [];
  code(value: string | null, label: string | null = null): number {
    if (value === null) return 0;
    let c = this.codes.get(value);
    if (c === undefined) {
      this.values.push(value);
      this.labels.push(label);
      c = this.values.length;
      this.codes.set(value, c);
    } else if (label !== null) this.labels[c - 1] = label;
    return c;
  }
  get size(): number {
    return this.values.length;
  }
}

/** The facets grouped in the first group code; the second holds the rest and the visibility scope. */
const GROUP1: readonly FacetKey[] = ['kind', 'subject', 'grade', 'term', 'edition', 'unit', 'type'];
const GROUP2: readonly FacetKey[] = ['level', 'school', 'district'];
/** Position of the scope in a GROUP2 combination. */
const SCOPE_DIM = GROUP2.length;

/** Distinct combinations of dictionary codes, numbered from 1 (0 is "no group": a dead slot). */
class Groups {
  private readonly map = new Map<string, number>();
  /** The combination of group g at [(g - 1) * dims, g * dims). */
  members: Int32Array;
  count = 0;
  constructor(readonly dims: number) {
    this.members = new Int32Array(dims * 64);
  }
  /** The map's key of a combination: one UTF-16 unit per value while they fit (cheaper than join), else joined. */
  private static key(values: ArrayLike<number>): string {
    let small = true;
    for (let i = 0; i < values.length; i++) if (values[i]! > 0xffff) small = false;
    return small ? String.fromCharCode(...Array.from(values)) : `,${Array.from(values).join(',')}`;
  }
  code(values: number[]): number {
    const key = Groups.key(values);
    let g = this.map.get(key);
    if (g === undefined) {
      g = ++this.count;
      if (g * this.dims > this.members.length) {
        const m = new Int32Array(this.members.length * 2);
        m.set(this.members);
        this.members = m;
      }
      this.members.set(values, (g - 1) * this.dims);
      this.map.set(key, g);
    }
    return g;
  }
  member(g: number, dim: number): number {
    return this.members[(g - 1) * this.dims + dim]!;
  }
  /** Takes the combinations of a snapshot (members of `count` groups). */
  restore(members: Int32Array, count: number): void {
    this.members = new Int32Array(Math.max(members.length * 2, this.dims * 64));
    this.members.set(members);
    this.count = count;
    for (let g = 1; g <= count; g++) this.map.set(Groups.key(members.subarray((g - 1) * this.dims, g * this.dims)), g);
  }
}

/** A posting list turns into a bitmap when it holds more than this share of the slots (and Tuning.denseMin postings). */
const DENSE_SHARE = 32;

const popcount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
};

/** Fields whose postings are "high" (title, keywords and catalogue): their scores are far above body and pinyin ones. */
const HIGH_FIELDS = 3;

/** An ascending set of slots: a list while rare, a bitmap once it holds a large share of the slots. */
class SlotSet {
  length = 0;
  docs: Int32Array | null = new Int32Array(4);
  bits: Int32Array | null = null;

  push(doc: number, slots: number, min: number): void {
    if (this.bits) {
      const w = doc >>> 5;
      if (w >= this.bits.length) {
        const b = new Int32Array(Math.max(w + 1, Math.ceil(this.bits.length * 1.5)));
        b.set(this.bits);
        this.bits = b;
      }
      this.bits[w] = this.bits[w]! | (1 << (doc & 31));
      this.length++;
      return;
    }
    if (this.length === this.docs!.length) {
      const d = new Int32Array(Math.max(8, Math.ceil(this.length * 1.5)));
      d.set(this.docs!);
      this.docs = d;
    }
    this.docs![this.length++] = doc;
    if (this.length >= min && this.length * DENSE_SHARE >= slots) {
      const docs = this.docs!;
      this.bits = new Int32Array((Math.max(docs[this.length - 1]!, slots) >>> 5) + 1);
      for (let i = 0; i < this.length; i++) this.bits[docs[i]! >>> 5] = this.bits[docs[i]! >>> 5]! | (1 << (docs[i]! & 31));
      this.docs = null;
    }
  }

  /** Sets the set's bits in `out` (its first `words` words). */
  orInto(out: Int32Array, words: number): void {
    if (this.bits) {
      const n = Math.min(words, this.bits.length);
      for (let w = 0; w < n; w++) out[w] = out[w]! | this.bits[w]!;
      return;
    }
    const docs = this.docs!;
    for (let i = 0; i < this.length; i++) out[docs[i]! >>> 5] = out[docs[i]! >>> 5]! | (1 << (docs[i]! & 31));
  }

  trim(): void {
    if (this.docs && this.docs.length > this.length) this.docs = this.docs.slice(0, this.length);
  }

  get bytes(): number {
    return (this.docs?.byteLength ?? 0) + (this.bits?.byteLength ?? 0);
  }

  snapshot(arrays: SnapshotArray[]): SlotSetHeader {
    arrays.push(this.bits ?? this.docs!.subarray(0, this.length));
    return { length: this.length, dense: this.bits !== null };
  }

  static restore(h: SlotSetHeader, next: NextArray, size: number): SlotSet {
    const set = new SlotSet();
    set.length = h.length;
    if (h.dense) {
      set.bits = next(Int32Array);
      set.docs = null;
      clearFrom(set.bits, size);
    } else set.docs = next(Int32Array);
    return set;
  }
}

/** What a snapshot holds besides its typed arrays (JSON). */
type SlotSetHeader = { length: number; dense: boolean };
type PostingsHeader = {
  length: number;
  maxScore: number;
  lowMax: number;
  highMin: number;
  lastWord: number;
  dense: boolean;
  high: SlotSetHeader | null;
};
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
export type SnapshotArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float32Array;
/** The next typed array of a snapshot, in the order they were taken. */
export type NextArray = <T extends SnapshotArray>(type: new (n: number) => T) => T;

/** Clears a bitmap's bits of slots ≥ size (set by slots added while a snapshot was being written). */
function clearFrom(bits: Int32Array, size: number): void {
  const w = size >>> 5;
  if (w >= bits.length) return;
  bits[w] = bits[w]! & ((1 << (size & 31)) - 1);
  bits.fill(0, w + 1);
}

class Postings {
  length = 0;
  /** The posting bytes, in slot order. */
  codes: Uint8Array;
  /** Sorted slots (a rare word), or null when the list is a bitmap. */
  docs: Int32Array | null;
  /** One bit per slot (a common word), and per 32-bit word the number of postings before it. */
  bits: Int32Array | null = null;
  dir: Int32Array | null = null;
  /** The last bitmap word the directory covers. */
  private lastWord = -1;
  /** The best posting byte's score: the text score bound of this word. */
  maxScore = 0;
  /** The best score of a posting outside HIGH_FIELDS. */
  lowMax = 0;
  /** For a bitmap: its slots with a posting in HIGH_FIELDS (a list's are found by reading its bytes). */
  high: SlotSet | null = null;
  constructor(cap = 4) {
    this.docs = new Int32Array(cap);
    this.codes = new Uint8Array(cap);
  }

  push(doc: number, code: number): void {
    if (this.length === this.codes.length) {
      const cap = Math.max(8, Math.ceil(this.length * 1.5));
      const c = new Uint8Array(cap);
      c.set(this.codes);
      this.codes = c;
      if (this.docs) {
        const d = new Int32Array(cap);
        d.set(this.docs);
        this.docs = d;
      }
    }
    const score = CODE_SCORE[code]!;
    if (score > this.maxScore) this.maxScore = score;
    if ((code & HIGH_FIELDS) === 0 && score > this.lowMax) this.lowMax = score;
    if (this.bits) {
      this.setBit(doc);
      if ((code & HIGH_FIELDS) !== 0) this.high!.push(doc, doc + 1, this.highMin);
    } else this.docs![this.length] = doc;
    this.codes[this.length++] = code;
  }

  /** The threshold (Tuning.denseMin) the high set uses too. */
  private highMin = 0;

  /** Sets the bits of the slots with a posting in HIGH_FIELDS in `out` (its first `words` words). */
  highInto(out: Int32Array, words: number): void {
    if (this.high) {
      this.high.orInto(out, words);
      return;
    }
    const docs = this.docs!;
    for (let i = 0; i < this.length; i++) {
      if ((this.codes[i]! & HIGH_FIELDS) !== 0) out[docs[i]! >>> 5] = out[docs[i]! >>> 5]! | (1 << (docs[i]! & 31));
    }
  }

  /** Appends a slot above every slot held (the bitmap and its directory grow as needed). */
  private setBit(doc: number): void {
    const w = doc >>> 5;
    if (w >= this.bits!.length) {
      const n = Math.max(w + 1, Math.ceil(this.bits!.length * 1.5));
      const b = new Int32Array(n);
      b.set(this.bits!);
      this.bits = b;
      const d = new Int32Array(n);
      d.set(this.dir!);
      this.dir = d;
    }
    while (this.lastWord < w) this.dir![++this.lastWord] = this.length;
    this.bits![w] = this.bits![w]! | (1 << (doc & 31));
  }

  /** Turns a list into a bitmap once it holds a large share of `slots` (and at least `min` postings). */
  maybeDense(slots: number, min: number): void {
    if (this.bits || this.length < min || this.length * DENSE_SHARE < slots) return;
    const docs = this.docs!.subarray(0, this.length);
    const words = (Math.max(docs[docs.length - 1]!, slots) >>> 5) + 1;
    this.bits = new Int32Array(words);
    this.dir = new Int32Array(words);
    this.lastWord = -1;
    const n = this.length;
    this.length = 0;
    for (let i = 0; i < n; i++) {
      this.setBit(docs[i]!);
      this.length++;
    }
    this.docs = null;
    this.codes = this.codes.slice(0, Math.ceil(n * 1.25) + 8);
    this.highMin = min;
    this.high = new SlotSet();
    for (let i = 0; i < n; i++) if ((this.codes[i]! & HIGH_FIELDS) !== 0) this.high.push(docs[i]!, slots, min);
  }

  /** Whether the slot is in the list (bitmap only). */
  has(doc: number): boolean {
    const w = doc >>> 5;
    return w < this.bits!.length && ((this.bits![w]! >>> (doc & 31)) & 1) === 1;
  }

  /** The posting byte of a slot in the bitmap (assumes has(doc)). */
  codeAt(doc: number): number {
    const w = doc >>> 5;
    return this.codes[this.dir![w]! + popcount(this.bits![w]! & ((1 << (doc & 31)) - 1))]!;
  }

  /** The slots, ascending (a copy for a bitmap, the list itself otherwise). */
  slots(): Int32Array {
    if (this.docs) return this.docs.subarray(0, this.length);
    const out = new Int32Array(this.length);
    const bits = this.bits!;
    let n = 0;
    for (let w = 0; w < bits.length; w++) {
      let x = bits[w]!;
      while (x !== 0) {
        const t = x & -x;
        out[n++] = (w << 5) | (31 - Math.clz32(t));
        x ^= t;
      }
    }
    return out;
  }

  /** Keeps the postings whose slot maps to a new slot (≥ 0), renumbered; as a list again. */
  remap(map: Int32Array): void {
    const slots = this.slots();
    const docs = new Int32Array(this.length);
    let j = 0;
    for (let i = 0; i < slots.length; i++) {
      const t = map[slots[i]!]!;
      if (t >= 0) {
        docs[j] = t;
        this.codes[j++] = this.codes[i]!;
      }
    }
    this.docs = docs;
    this.bits = null;
    this.dir = null;
    this.high = null;
    this.lastWord = -1;
    this.length = j;
    this.trim();
  }

  trim(): void {
    this.high?.trim();
    if (this.codes.length > this.length) this.codes = this.codes.slice(0, this.length);
    if (this.docs && this.docs.length > this.length) this.docs = this.docs.slice(0, this.length);
    if (this.bits && this.bits.length > this.lastWord + 1) {
      this.bits = this.bits.slice(0, this.lastWord + 1);
      this.dir = this.dir!.slice(0, this.lastWord + 1);
    }
  }

  snapshot(arrays: SnapshotArray[]): PostingsHeader {
    arrays.push(this.codes.subarray(0, this.length));
    if (this.bits) arrays.push(this.bits.subarray(0, this.lastWord + 1), this.dir!.subarray(0, this.lastWord + 1));
    else arrays.push(this.docs!.subarray(0, this.length));
    const high = this.high ? this.high.snapshot(arrays) : null;
    const { length, maxScore, lowMax, highMin, lastWord } = this;
    return { length, maxScore, lowMax, highMin, lastWord, dense: this.bits !== null, high };
  }

  static restore(h: PostingsHeader, next: NextArray, size: number): Postings {
    const p = new Postings(0);
    p.length = h.length;
    p.maxScore = h.maxScore;
    p.lowMax = h.lowMax;
    p.highMin = h.highMin;
    p.codes = next(Uint8Array);
    if (h.dense) {
      p.bits = next(Int32Array);
      p.dir = next(Int32Array);
      p.docs = null;
      p.lastWord = h.lastWord;
      clearFrom(p.bits, size);
    } else p.docs = next(Int32Array);
    p.high = h.high ? SlotSet.restore(h.high, next, size) : null;
    return p;
  }

  get bytes(): number {
    return (
      this.codes.byteLength +
      (this.docs?.byteLength ?? 0) +
      (this.bits?.byteLength ?? 0) +
      (this.dir?.byteLength ?? 0) +
      (this.high?.bytes ?? 0)
    );
  }
}

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

/** Field weights as ts_rank's {D, C, B, A} = {0.05, 0.2, 0.5, 1.0}. */
const WEIGHT = [1.0, 0.5, 0.2, 0.05];
/** Score of a posting byte: the best field, a quarter of the others, a little more for repetitions. */
const CODE_SCORE = new Float64Array(256);
for (let code = 0; code < 256; code++) {
  const mask = code & 15;
  let best = 0;
  let sum = 0;
  for (let f = 0; f < 4; f++) {
    if (mask & (1 << f)) {
      best = Math.max(best, WEIGHT[f]!);
      sum += WEIGHT[f]!;
    }
  }
  const count = Math.max(1, code >> 4);
  CODE_SCORE[code] = Math.fround((best + 0.25 * (sum - best)) * (1 + 0.1 * Math.log(count)));
}

const YEAR_S = 365 * 86_400;
/**
 * The recency boost 1 + 0.3 exp(-age / year) separates: exp(-(now - t0) / year) × exp((published - t0) / year).
 * The second factor is kept per slot, so a query pays one multiplication rather than an exp.
 */
const T0_S = Date.UTC(2020, 0, 1) / 1000;
const popularityBoost = (p: number): number => 1 + 0.1 * Math.log(1 + (p > 0 ? p : 0));
/** ts_rank's normalisation 1: divided by 1 + the logarithm of the document's length. */
const NORM = Float32Array.from({ length: 4096 }, (_, n) => 1 / (1 + Math.log(Math.max(1, n))));
const EMPTY = new Int32Array(0);

/**
 * Buckets of a slot's static-score bound (static score × the recency factor it had when the index
 * was made, which only falls as time passes): bucket b holds bounds ≤ BUCKET_HI[b], geometric
 * steps of 2.5 %; the last bucket is unbounded.
 */
const BUCKETS = 256;
const BUCKET_MIN = 0.02;
const BUCKET_STEP = 1.025;
const BUCKET_HI = Float64Array.from({ length: BUCKETS }, (_, b) => (b === BUCKETS - 1 ? Infinity : BUCKET_MIN * BUCKET_STEP ** b));
function bucketOf(bound: number): number {
  if (!(bound > BUCKET_MIN)) return 0;
  let b = Math.ceil(Math.log(bound / BUCKET_MIN) / Math.log(BUCKET_STEP));
  if (b < 0) b = 0;
  while (b < BUCKETS - 1 && BUCKET_HI[b]! < bound) b++;
  return b >= BUCKETS - 1 ? BUCKETS - 1 : b;
}
/** Thresholds, changed by tests only so that small indexes take the paths large ones take. */
export type Tuning = {
  /** A posting list needs this many postings to become a bitmap (small indexes stay lists). */
  denseMin: number;
  /** Matches up to this many are all scored; above it, the best buckets first… */
  scoreAllBelow: number;
  /** …the buckets holding at least this many matches (and twice k), then those that could still reach the k best. */
  firstRound: number;
};
const TUNING: Tuning = { denseMin: 2048, scoreAllBelow: 4096, firstRound: 256 };
/** A rarest clause under this share of the slots is evaluated as a list, above it as bitmaps. */
const LIST_SHARE = 64;

/** Hex UUID ↔ four int32s, for the key table. */
function parseUuid(id: string, out: Int32Array, at: number): boolean {
  const hex = id.length === 36 ? id.slice(0, 8) + id.slice(9, 13) + id.slice(14, 18) + id.slice(19, 23) + id.slice(24) : id;
  if (hex.length !== 32 || !/^[0-9a-fA-F]{32}$/.test(hex)) return false;
  for (let i = 0; i < 4; i++) out[at + i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16) | 0;
  return true;
}
function formatUuid(words: Int32Array, at: number): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += (words[at + i]! >>> 0).toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type GroupColumn = Uint16Array | Uint32Array;

/** A word of a compiled query: its postings, the fields it must be in, and a cursor for rare lists. */
type WordRef = { p: Postings; at: number };
type CompiledAlt = { words: WordRef[]; fields: number; max: number; low: number };
/** max: the clause's best possible score; low: its best for a document holding none of its words in HIGH_FIELDS. */
type CompiledClause = { alts: CompiledAlt[]; max: number; low: number; estimate: number };
/** Matching slots: a sorted list, a bitmap over the slots (its first `words` words), or null for every slot. */
type Matched = { list: Int32Array } | { bits: Int32Array; words: number } | null;

export class InvertedIndex {
  /** Slots in use (alive or dead). */
  size = 0;
  alive = 0;
  private cap: number;
  private keyWords: Int32Array;
  private keyKind: Uint8Array;
  private table: Int32Array;
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
  private scratchBits: Int32Array[] = [];
  private scratchHigh = new Int32Array(0);

  private readonly tuning: Tuning;

  constructor(capacity = 1024, tuning: Partial<Tuning> = {}) {
    this.tuning = { ...TUNING, ...tuning };
    this.cap = Math.max(16, capacity);
    this.keyWords = new Int32Array(this.cap * 4);
    this.keyKind = new Uint8Array(this.cap);
    this.table = new Int32Array(tableSize(this.cap)).fill(-1);
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

  private hash(kind: number, k: Int32Array, at: number): number {
    let h = Math.imul(k[at]! ^ kind, 0x9e3779b1);
    h = Math.imul(h ^ k[at + 1]!, 0x85ebca6b);
    h = Math.imul(h ^ k[at + 2]!, 0xc2b2ae35);
    h = Math.imul(h ^ k[at + 3]!, 0x27d4eb2f);
    return (h ^ (h >>> 15)) & (this.table.length - 1);
  }

  private sameKey(slot: number, kind: number, k: Int32Array, at: number): boolean {
    const s = slot * 4;
    const w = this.keyWords;
    return this.keyKind[slot] === kind && w[s] === k[at] && w[s + 1] === k[at + 1] && w[s + 2] === k[at + 2] && w[s + 3] === k[at + 3];
  }

  /** The table position holding the key, or the empty position where it would go. */
  private probe(kind: number, k: Int32Array, at: number): number {
    const mask = this.table.length - 1;
    for (let i = this.hash(kind, k, at); ; i = (i + 1) & mask) {
      const slot = this.table[i]!;
      if (slot === -1 || this.sameKey(slot, kind, k, at)) return i;
    }
  }

  private isLive(slot: number): boolean {
    return this.group2[slot] !== 0;
  }

  /** The live slot of a document, or -1. */
  slotOf(kind: string, refId: string): number {
    const kc = this.dicts.kind.codes.get(kind);
    if (kc === undefined || !parseUuid(refId, this.tmpKey, 0)) return -1;
    const slot = this.table[this.probe(kc, this.tmpKey, 0)]!;
    return slot >= 0 && this.isLive(slot) ? slot : -1;
  }

  keyOf(slot: number): { kind: string; refId: string } {
    return { kind: this.dicts.kind.values[this.keyKind[slot]! - 1]!, refId: formatUuid(this.keyWords, slot * 4) };
  }

  // ---- writes -----------------------------------------------------------------------------

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5) + 16;
    const widen = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array>(a: T, n = cap): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.keyWords = widen(this.keyWords, cap * 4);
    this.keyKind = widen(this.keyKind);
    this.group1 = widen(this.group1);
    this.group2 = widen(this.group2);
    this.stat = widen(this.stat);
    this.recent = widen(this.recent);
    this.published = widen(this.published);
    this.popularity = widen(this.popularity);
    this.lengths = widen(this.lengths);
    this.bucket = widen(this.bucket);
    this.cap = cap;
    if (tableSize(cap) > this.table.length) this.rehash(tableSize(cap));
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size).fill(-1);
    for (let slot = 0; slot < this.size; slot++) {
      if (!this.isLive(slot)) continue;
      this.table[this.probe(this.keyKind[slot]!, this.keyWords, slot * 4)] = slot;
    }
  }

  /** A group column wide enough for the code (16 bits until there are 65,535 groups). */
  private fitGroup(column: GroupColumn, code: number): GroupColumn {
    if (code <= 0xffff || column instanceof Uint32Array) return column;
    return Uint32Array.from(column);
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
    const pos = this.probe(kind, this.tmpKey, 0);
    const old = this.table[pos]!;
    if (old >= 0 && this.isLive(old)) {
      this.group2[old] = 0;
      this.alive--;
    }
    const slot = this.size++;
    this.table[pos] = slot;
    this.keyWords.set(this.tmpKey, slot * 4);
    this.keyKind[slot] = kind;
    this.alive++;
    const code = (f: FacetKey) =>
      f === 'kind' ? kind : this.dicts[f].code(doc.facets[f], f === 'unit' ? doc.unitName : f === 'school' ? doc.schoolName : null);
    const g1 = this.groups1.code(GROUP1.map(code));
    const g2 = this.groups2.code([...GROUP2.map(code), this.scopes.code(doc.scope)]);
    this.group1 = this.fitGroup(this.group1, g1);
    this.group2 = this.fitGroup(this.group2, g2);
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
      const word = terms.slice(at, comma);
      let p = this.words.get(word);
      if (!p) {
        p = new Postings();
        this.words.set(word, p);
        this.sortedWords = null;
      }
      p.push(slot, c);
      if (p.docs && p.length >= this.tuning.denseMin) p.maybeDense(this.size, this.tuning.denseMin);
      at = end + 1;
    }
    this.maybeCompact();
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
      this.keyWords.copyWithin(t * 4, s * 4, s * 4 + 4);
      this.keyKind[t] = this.keyKind[s]!;
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
    this.rehash(this.table.length);
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
      this.keyWords.subarray(0, n * 4),
      this.keyKind.subarray(0, n),
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
    into(index.keyWords, Int32Array, 4);
    into(index.keyKind, Uint8Array);
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
    index.rehash(index.table.length);
    return index;
  }

  // ---- reads ------------------------------------------------------------------------------

  get wordCount(): number {
    return this.words.size;
  }

  /** Bytes held in typed arrays (postings, columns, key table, scratch). */
  memoryBytes(): number {
    let bytes =
      this.table.byteLength +
      this.keyWords.byteLength +
      this.keyKind.byteLength +
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
      this.scratchHigh.byteLength;
    for (const b of this.scratchBits) bytes += b.byteLength;
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

  // ---- matching ---------------------------------------------------------------------------

  /** The query's clauses with their postings; an alternative with a word the index lacks is dropped. */
  private compile(clauses: QueryClause[]): CompiledClause[] {
    return clauses.map((clause) => {
      const alts: CompiledAlt[] = [];
      let estimate = 0;
      let max = 0;
      let low = 0;
      for (const alt of clause) {
        const words: WordRef[] = [];
        let ok = true;
        let sum = 0;
        let lowSum = 0;
        let min = Infinity;
        for (const w of alt.words) {
          const p = this.words.get(w);
          if (!p) {
            ok = false;
            break;
          }
          words.push({ p, at: 0 });
          sum += p.maxScore;
          lowSum += p.lowMax;
          min = Math.min(min, p.length);
        }
        if (!ok || words.length === 0) continue;
        // the rarest word first: it drives the alternative's matching
        words.sort((a, b) => a.p.length - b.p.length);
        const altMax = sum / words.length;
        const altLow = lowSum / words.length;
        alts.push({ words, fields: alt.fields ?? 15, max: altMax, low: altLow });
        estimate += min;
        if (altMax > max) max = altMax;
        if (altLow > low) low = altLow;
      }
      return { alts, max, low, estimate };
    });
  }

  /** Whether the word holds the slot in the fields (a rare list is searched from its cursor: call with rising slots). */
  private static holds(ref: WordRef, fields: number, d: number): boolean {
    const p = ref.p;
    if (p.bits) return p.has(d) && (fields === 15 || (p.codeAt(d) & fields) !== 0);
    const at = gallop(p.docs!, p.length, ref.at, d);
    ref.at = at;
    return at < p.length && p.docs![at] === d && (p.codes[at]! & fields) !== 0;
  }

  /** The posting byte of the word at the slot, or -1 (rising slots, as `holds`). */
  private static codeOf(ref: WordRef, d: number): number {
    const p = ref.p;
    if (p.bits) return p.has(d) ? p.codeAt(d) : -1;
    const at = gallop(p.docs!, p.length, ref.at, d);
    ref.at = at;
    return at < p.length && p.docs![at] === d ? p.codes[at]! : -1;
  }

  private static resetCursors(clauses: CompiledClause[]): void {
    for (const c of clauses) for (const a of c.alts) for (const w of a.words) w.at = 0;
  }

  /** Slots holding every word of the alternative in its fields, ascending. */
  private altSlots(alt: CompiledAlt): Int32Array {
    const first = alt.words[0]!;
    const p = first.p;
    const out = new Int32Array(p.length);
    let n = 0;
    const rest = alt.words.slice(1);
    for (const w of rest) w.at = 0;
    const take = (d: number, code: number) => {
      if ((code & alt.fields) === 0) return;
      for (const w of rest) if (!InvertedIndex.holds(w, alt.fields, d)) return;
      out[n++] = d;
    };
    if (p.docs) {
      for (let i = 0; i < p.length; i++) take(p.docs[i]!, p.codes[i]!);
    } else {
      const bits = p.bits!;
      let i = 0;
      for (let w = 0; w < bits.length; w++) {
        let x = bits[w]!;
        while (x !== 0) {
          const t = x & -x;
          take((w << 5) | (31 - Math.clz32(t)), p.codes[i++]!);
          x ^= t;
        }
      }
    }
    return out.subarray(0, n);
  }

  /** A clause's matching slots as a sorted list. */
  private clauseSlots(clause: CompiledClause): Int32Array {
    return unionAll(clause.alts.map((a) => this.altSlots(a)));
  }

  private scratchBitmap(i: number, words: number): Int32Array {
    let b = this.scratchBits[i];
    if (!b || b.length < words) {
      b = new Int32Array(Math.ceil(words * 1.25) + 16);
      this.scratchBits[i] = b;
    }
    return b;
  }

  /** A clause's matching slots as a bitmap in `out` (its first `words` words). */
  private clauseBits(clause: CompiledClause, out: Int32Array, words: number, tmp: () => Int32Array): void {
    out.fill(0, 0, words);
    for (const alt of clause.alts) {
      const dense = alt.fields === 15 && alt.words.every((w) => w.p.bits);
      if (!dense) {
        const slots = this.altSlots(alt);
        for (let i = 0; i < slots.length; i++) out[slots[i]! >>> 5] = out[slots[i]! >>> 5]! | (1 << (slots[i]! & 31));
        continue;
      }
      const first = alt.words[0]!.p.bits!;
      if (alt.words.length === 1) {
        const n = Math.min(words, first.length);
        for (let w = 0; w < n; w++) out[w] = out[w]! | first[w]!;
        continue;
      }
      const t = tmp();
      const n = Math.min(words, first.length);
      t.set(first.subarray(0, n));
      t.fill(0, n, words);
      for (let j = 1; j < alt.words.length; j++) andInto(t, alt.words[j]!.p.bits!, words);
      for (let w = 0; w < words; w++) out[w] = out[w]! | t[w]!;
    }
  }

  /**
   * The matching slots (alive or not): a sorted list when the rarest clause is rare, else a bitmap
   * over the slots; null for "every slot" (no words).
   */
  private matchAll(clauses: CompiledClause[]): Matched {
    if (clauses.length === 0) return null;
    const size = this.size;
    {
      const order = [...clauses].sort((a, b) => a.estimate - b.estimate);
      const rarest = order[0]!;
      if (rarest.estimate * LIST_SHARE < size) {
        // the rarest clause's slots, narrowed by each further clause (rising slots: cursors only move forward)
        let list = this.clauseSlots(rarest);
        for (let c = 1; c < order.length && list.length > 0; c++) {
          const clause = order[c]!;
          let m = 0;
          for (let i = 0; i < list.length; i++) {
            const d = list[i]!;
            if (clause.alts.some((a) => a.words.every((w) => InvertedIndex.holds(w, a.fields, d)))) list[m++] = d;
          }
          list = list.subarray(0, m);
        }
        return { list };
      }
      const words = (size >>> 5) + 1;
      const out = this.scratchBitmap(0, words);
      const clauseBuf = this.scratchBitmap(1, words);
      const tmp = () => this.scratchBitmap(2, words);
      this.clauseBits(order[0]!, out, words, tmp);
      for (let c = 1; c < order.length; c++) {
        const clause = order[c]!;
        const single = clause.alts.length === 1 && clause.alts[0]!.fields === 15 && clause.alts[0]!.words.every((w) => w.p.bits);
        if (single) {
          for (const w of clause.alts[0]!.words) andInto(out, w.p.bits!, words);
        } else {
          this.clauseBits(clause, clauseBuf, words, tmp);
          andInto(out, clauseBuf, words);
        }
      }
      return { bits: out, words };
    }
  }

  /**
   * For the fallback when no document holds every clause: a function giving the slots holding at
   * least m of the clauses (m from the number of clauses down), counted once — per slot in a list
   * when the clauses are rare, else as bit-sliced counters over the slots' bitmaps.
   */
  private matchAtLeast(clauses: CompiledClause[]): (m: number) => Matched {
    const size = this.size;
    const estimate = clauses.reduce((n, c) => n + c.estimate, 0);
    if (estimate * LIST_SHARE < size) {
      const all = new Int32Array(estimate);
      let total = 0;
      for (const c of clauses) {
        const slots = this.clauseSlots(c);
        if (total + slots.length > all.length) throw new Error('search index: a clause exceeded its estimate');
        all.set(slots, total);
        total += slots.length;
      }
      const sorted = all.subarray(0, total).sort();
      // each slot once, with how many clauses hold it
      const slots = new Int32Array(total);
      const held = new Uint8Array(total);
      let n = 0;
      for (let i = 0; i < total;) {
        let j = i + 1;
        while (j < total && sorted[j] === sorted[i]) j++;
        slots[n] = sorted[i]!;
        held[n++] = Math.min(255, j - i);
        i = j;
      }
      return (m) => {
        const list = new Int32Array(n);
        let k = 0;
        for (let i = 0; i < n; i++) if (held[i]! >= m) list[k++] = slots[i]!;
        return { list: list.subarray(0, k) };
      };
    }
    const words = (size >>> 5) + 1;
    const clauseBuf = this.scratchBitmap(1, words);
    const tmp = () => this.scratchBitmap(2, words);
    const planes: Int32Array[] = [];
    for (let j = 0; j < 32 - Math.clz32(clauses.length); j++) planes.push(this.scratchBitmap(3 + j, words).fill(0, 0, words));
    for (const clause of clauses) {
      this.clauseBits(clause, clauseBuf, words, tmp);
      // add the clause's bit to each slot's counter (a ripple-carry adder, 32 slots at a time)
      for (let w = 0; w < words; w++) {
        let carry = clauseBuf[w]!;
        for (let j = 0; j < planes.length && carry !== 0; j++) {
          const plane = planes[j]!;
          const t = plane[w]! & carry;
          plane[w] = plane[w]! ^ carry;
          carry = t;
        }
      }
    }
    return (m) => {
      const out = this.scratchBitmap(0, words);
      for (let w = 0; w < words; w++) {
        // counter ≥ m, compared bit by bit from the top
        let gt = 0;
        let eq = -1;
        for (let j = planes.length - 1; j >= 0; j--) {
          const x = planes[j]![w]!;
          if ((m >>> j) & 1) eq &= x;
          else {
            gt |= eq & x;
            eq &= ~x;
          }
        }
        out[w] = gt | eq;
      }
      return { bits: out, words };
    };
  }

  /** The slots holding any of the query's words in HIGH_FIELDS, as a bitmap. */
  private highBits(clauses: CompiledClause[]): Int32Array {
    const words = (this.size >>> 5) + 1;
    if (this.scratchHigh.length < words) this.scratchHigh = new Int32Array(Math.ceil(words * 1.25) + 16);
    const out = this.scratchHigh;
    out.fill(0, 0, words);
    const seen = new Set<Postings>();
    for (const c of clauses) {
      for (const a of c.alts) {
        for (const w of a.words) {
          if (seen.has(w.p)) continue;
          seen.add(w.p);
          w.p.highInto(out, words);
        }
      }
    }
    return out;
  }

  /** The text score of a matching slot: per clause the best alternative's mean posting score, averaged over the clauses. */
  private static textScore(clauses: CompiledClause[], d: number): number {
    let sum = 0;
    for (let c = 0; c < clauses.length; c++) {
      const alts = clauses[c]!.alts;
      let best = -1;
      for (let a = 0; a < alts.length; a++) {
        const alt = alts[a]!;
        if (alt.max <= best) continue;
        const words = alt.words;
        let s = 0;
        let w = 0;
        for (; w < words.length; w++) {
          const ref = words[w]!;
          const p = ref.p;
          const bits = p.bits;
          let code: number;
          if (bits !== null) {
            const i = d >>> 5;
            if (i >= bits.length) break;
            const x = bits[i]!;
            const bit = 1 << (d & 31);
            if ((x & bit) === 0) break;
            code = p.codes[p.dir![i]! + popcount(x & (bit - 1))]!;
          } else {
            const at = gallop(p.docs!, p.length, ref.at, d);
            ref.at = at;
            if (at >= p.length || p.docs![at] !== d) break;
            code = p.codes[at]!;
          }
          if ((code & alt.fields) === 0) break;
          s += CODE_SCORE[code]!;
        }
        if (w === words.length && s / w > best) best = s / w;
      }
      if (best > 0) sum += best;
    }
    return sum / clauses.length;
  }

  // ---- search -----------------------------------------------------------------------------

  /**
   * Runs a query: total, the best `k` by the order, and facet counts over every match.
   * `scoreAll` scores every match instead of the best buckets first (the same result; for tests).
   */
  search(plan: SearchPlan, { scoreAll = false } = {}): SearchResult {
    // the filters and the caller's visibility, as a pass/fail table over each group column
    const filters1: { dim: number; code: number }[] = [];
    const filters2: { dim: number; code: number }[] = [];
    for (const [f, value] of Object.entries(plan.filters) as [FacetKey, string | undefined][]) {
      if (value === undefined) continue;
      const code = this.dicts[f].codes.get(value);
      if (code === undefined) return { total: 0, top: [], facets: this.emptyFacets(plan), matchedClauses: 0 };
      const i1 = GROUP1.indexOf(f);
      if (i1 >= 0) filters1.push({ dim: i1, code });
      else filters2.push({ dim: GROUP2.indexOf(f), code });
    }
    const g1 = this.groups1;
    const g2 = this.groups2;
    const pass1 = new Uint8Array(g1.count + 1);
    for (let g = 1; g <= g1.count; g++) pass1[g] = filters1.every((x) => g1.member(g, x.dim) === x.code) ? 1 : 0;
    const visible = plan.visible;
    const pass2 = new Uint8Array(g2.count + 1);
    for (let g = 1; g <= g2.count; g++) {
      const sc = g2.member(g, SCOPE_DIM);
      const seen = sc === 0 || (visible !== null && sc < visible.length && visible[sc] === 1);
      pass2[g] = seen && filters2.every((x) => g2.member(g, x.dim) === x.code) ? 1 : 0;
    }

    const clauses = this.compile(plan.clauses);
    const counting = plan.facets.length > 0;
    const counts1 = new Int32Array(counting ? g1.count + 1 : 0);
    const counts2 = new Int32Array(counting ? g2.count + 1 : 0);
    const hist = new Int32Array(BUCKETS);
    // ranking by relevance: a match holding none of the query's words in HIGH_FIELDS has a far lower
    // text bound, so its bucket is lowered by that ratio (buckets are geometric) when it is remembered
    const textMax = clauses.length ? clauses.reduce((s, c) => s + c.max, 0) / clauses.length : 1;
    const textLow = clauses.length ? clauses.reduce((s, c) => s + c.low, 0) / clauses.length : 1;
    const lowShift = textLow > 0 ? Math.ceil(Math.log(textLow / textMax) / Math.log(BUCKET_STEP)) : -BUCKETS;
    let high: Int32Array | null | undefined;
    const visit = (matched: Matched) => {
      counts1.fill(0);
      counts2.fill(0);
      hist.fill(0);
      if (high === undefined) {
        const upper = matched === null ? this.size : 'list' in matched ? matched.list.length : this.size;
        const worth = plan.order === 'relevance' && !scoreAll && upper > this.tuning.scoreAllBelow && lowShift < -8;
        high = worth ? this.highBits(clauses) : null;
      }
      return this.visit(matched, pass1, pass2, counts1, counts2, hist, high, lowShift);
    };
    let n: number;
    let held = clauses.length;
    if (plan.mode === 'all' || clauses.length < 2) n = visit(this.matchAll(clauses));
    else {
      // the most clauses any visible match holds
      const atLeast = this.matchAtLeast(clauses);
      for (held = Math.min(clauses.length, plan.atLeast ?? clauses.length); ; held--) {
        n = visit(atLeast(held));
        if (n > 0 || held === 1) break;
      }
    }
    const hits = this.scratchMatches;
    const hitBuckets = this.scratchBuckets;
    const top = this.best(plan, clauses, hits, hitBuckets, n, hist, scoreAll, textMax);
    const facets: SearchResult['facets'] = {};
    if (counting) {
      const perFacet = Object.fromEntries(plan.facets.map((f) => [f, new Int32Array(this.dicts[f].size + 1)])) as Partial<
        Record<FacetKey, Int32Array>
      >;
      rollUp(g1, GROUP1, counts1, perFacet);
      rollUp(g2, GROUP2, counts2, perFacet);
      for (const f of plan.facets) facets[f] = this.topValues(f, perFacet[f]!, plan.facetLimit);
    }
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

  /** The best k of the n remembered matches by the plan's order. */
  private best(
    plan: SearchPlan,
    clauses: CompiledClause[],
    hits: Int32Array,
    hitBuckets: Uint8Array,
    n: number,
    hist: Int32Array,
    scoreAll: boolean,
    textMax: number,
  ): { slot: number; score: number }[] {
    const heap = new TopK(plan.k);
    if (plan.k === 0 || n === 0) return [];
    const published = this.published;
    if (plan.order !== 'relevance') {
      const column = plan.order === 'newest' ? published : this.popularity;
      for (let i = 0; i < n; i++) {
        const d = hits[i]!;
        heap.offer(d, column[d]!, published[d]!);
      }
      return heap.sorted();
    }
    const stat = this.stat;
    const recentCol = this.recent;
    const nowS = plan.now / 1000;
    const decay = Math.exp(-(nowS - T0_S) / YEAR_S);
    const hasText = clauses.length > 0;
    /** Scores the remembered matches whose bucket is in [lo, hi). */
    const scoreRange = (lo: number, hi: number) => {
      InvertedIndex.resetCursors(clauses);
      for (let i = 0; i < n; i++) {
        const b = hitBuckets[i]!;
        if (b < lo || b >= hi) continue;
        const d = hits[i]!;
        const text = hasText ? InvertedIndex.textScore(clauses, d) : 1;
        // exp(-age / year), at most 1 (a date in the future counts as now)
        const recent = decay * recentCol[d]!;
        heap.offer(d, text * stat[d]! * (1 + 0.3 * (recent < 1 ? recent : 1)), published[d]!);
      }
    };
    if (scoreAll || n <= this.tuning.scoreAllBelow) {
      scoreRange(0, BUCKETS);
      return heap.sorted();
    }
    // the best buckets holding at least a few times k matches first…
    const wanted = Math.max(plan.k * 2, this.tuning.firstRound);
    let cut = BUCKETS - 1;
    for (let seen = 0; cut > 0; cut--) {
      seen += hist[cut]!;
      if (seen >= wanted) break;
    }
    scoreRange(cut, BUCKETS);
    if (cut === 0) return heap.sorted();
    // …then every lower bucket whose bound could still reach the k-th best score (ties included)
    // buckets bound the recency factor of any time after the index was made; before it, 1.3 at most
    const recencyRoom = nowS >= this.madeAt ? 1 : 1.3;
    const threshold = heap.full ? heap.worstScore : -Infinity;
    let lo = cut;
    while (lo > 0 && BUCKET_HI[lo - 1]! * textMax * recencyRoom * (1 + 1e-6) >= threshold) lo--;
    if (lo < cut) scoreRange(lo, cut);
    return heap.sorted();
  }

  private emptyFacets(plan: SearchPlan): SearchResult['facets'] {
    return Object.fromEntries(plan.facets.map((f) => [f, []]));
  }

  private topValues(f: FacetKey, counts: Int32Array, limit: number): FacetCount[] {
    const dict = this.dicts[f];
    const out: FacetCount[] = [];
    for (let code = 1; code < counts.length; code++) {
      if (counts[code]! > 0) out.push({ value: dict.values[code - 1]!, label: dict.labels[code - 1] ?? null, count: counts[code]! });
    }
    out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return out.slice(0, limit);
  }

  /** Popularity and publication time of a slot (for re-ranking and tests). */
  statics(slot: number): { popularity: number; publishedAt: number } {
    return { popularity: this.popularity[slot]!, publishedAt: this.published[slot]! * 1000 };
  }
}

/** Adds each group's count to the counts of its facet values. */
function rollUp(groups: Groups, dims: readonly FacetKey[], counts: Int32Array, perFacet: Partial<Record<FacetKey, Int32Array>>): void {
  const targets = dims.map((f) => perFacet[f] ?? null);
  for (let g = 1; g < counts.length; g++) {
    const c = counts[g]!;
    if (c === 0) continue;
    for (let j = 0; j < targets.length; j++) {
      const t = targets[j];
      if (t) t[groups.member(g, j)]! += c;
    }
  }
}

/** a &= b over the first `words` words (b may be shorter: missing words are zero). */
function andInto(a: Int32Array, b: Int32Array, words: number): void {
  const n = Math.min(words, b.length);
  for (let w = 0; w < n; w++) a[w] = a[w]! & b[w]!;
  if (n < words) a.fill(0, n, words);
}

const tableSize = (cap: number): number => {
  let n = 16;
  while (n < cap * 2) n *= 2;
  return n;
};

/** The union of many ascending slot lists, merged as a balanced tree (each slot is copied log(n) times, not n). */
function unionAll(lists: Int32Array[]): Int32Array {
  let level = lists.filter((m) => m.length > 0);
  if (level.length === 0) return EMPTY;
  while (level.length > 1) {
    const next: Int32Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeUnion(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/** The union of two ascending slot lists (a slot in both once). */
function mergeUnion(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return out.subarray(0, n);
}

/** The first position ≥ from in the ascending list whose value is ≥ target (exponential then binary search). */
function gallop(list: Int32Array, length: number, from: number, target: number): number {
  if (from >= length || list[from]! >= target) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < length && list[hi]! < target) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > length) hi = length;
  // list[lo] < target; answer in (lo, hi]
  lo++;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
