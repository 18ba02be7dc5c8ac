/**
 * The in-process inverted index the search box reads: derived from `search_documents` (the
 * source of truth) and rebuildable from it at any time. Everything lives in typed arrays, so ten
 * million documents cost a few GiB outside the JavaScript heap:
 *
 * - a document is a slot number; an update takes a new slot and kills the old one (postings stay
 *   sorted by slot without re-sorting), and dead slots are squeezed out when they pile up;
 * - a posting list per word: slots (Int32Array, ascending) and one byte per posting — which
 *   fields hold the word (bits 0–3: A title, B keywords and catalogue, C body, D pinyin) and how
 *   often (bits 4–7, capped at 15) — so field weights can change without re-indexing;
 * - facet values, visibility scope, popularity and publication time as columns per slot
 *   (dictionary codes), so a query counts facets and keeps its top k in one pass over the matches.
 *
 * Evaluation intersects word clauses smallest first (galloping search into the longer lists;
 * synonyms are merged unions), then makes one pass over the matches: alive, visible, filters,
 * facet counts, score, top-k heap. No database access here.
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

class Postings {
  docs: Int32Array;
  codes: Uint8Array;
  length = 0;
  constructor(cap = 4) {
    this.docs = new Int32Array(cap);
    this.codes = new Uint8Array(cap);
  }
  push(doc: number, code: number): void {
    if (this.length === this.docs.length) {
      const cap = Math.max(8, Math.ceil(this.length * 1.5));
      const d = new Int32Array(cap);
      d.set(this.docs);
      this.docs = d;
      const c = new Uint8Array(cap);
      c.set(this.codes);
      this.codes = c;
    }
    this.docs[this.length] = doc;
    this.codes[this.length++] = code;
  }
  trim(): void {
    if (this.docs.length > this.length) {
      this.docs = this.docs.slice(0, this.length);
      this.codes = this.codes.slice(0, this.length);
    }
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
};

export type SearchResult = {
  total: number;
  /** Best first: slot and score. */
  top: { slot: number; score: number }[];
  facets: Partial<Record<FacetKey, FacetCount[]>>;
};

/** Field weights as ts_rank's {D, C, B, A} = {0.05, 0.2, 0.5, 1.0}. */
const WEIGHT = [1.0, 0.5, 0.2, 0.05];
/** Score of a posting byte: the best field, a quarter of the others, a little more for repetitions. */
const CODE_SCORE = new Float32Array(256);
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
  CODE_SCORE[code] = (best + 0.25 * (sum - best)) * (1 + 0.1 * Math.log(count));
}

const YEAR_S = 365 * 86_400;

/**
 * The record of a slot: 16 words (one cache line). Word 0: live bit, kind, grade, term, level and the document's
 * length in words (capped); then subject | edition, type | district, unit, school, the visibility
 * scope, popularity (float32) and the publication time in seconds.
 */
const STRIDE = 16;
const LIVE = 1;
const SCOPE = 5;
const POPULARITY = 6;
const PUBLISHED = 7;
/** The popularity boost, 1 + 0.1 ln(1 + popularity), kept beside the popularity. */
const BOOST = 8;
/**
 * The recency boost 1 + 0.3 exp(-age / year) separates: exp(-(now - t0) / year) × exp((published - t0) / year).
 * The second factor is kept per slot, so a query pays one multiplication rather than an exp.
 */
const RECENT = 9;
const T0_S = Date.UTC(2020, 0, 1) / 1000;
const popularityBoost = (p: number): number => 1 + 0.1 * Math.log(1 + (p > 0 ? p : 0));
const RECORD: Record<FacetKey | 'length', { word: number; shift: number; mask: number }> = {
  kind: { word: 0, shift: 1, mask: 7 },
  grade: { word: 0, shift: 4, mask: 15 },
  term: { word: 0, shift: 8, mask: 15 },
  level: { word: 0, shift: 12, mask: 255 },
  length: { word: 0, shift: 20, mask: 4095 },
  subject: { word: 1, shift: 0, mask: 0xffff },
  edition: { word: 1, shift: 16, mask: 0xffff },
  type: { word: 2, shift: 0, mask: 0xffff },
  district: { word: 2, shift: 16, mask: 0xffff },
  unit: { word: 3, shift: 0, mask: 0x7fffffff },
  school: { word: 4, shift: 0, mask: 0x7fffffff },
};
/** ts_rank's normalisation 1: divided by 1 + the logarithm of the document's length. */
const NORM = Float32Array.from({ length: 4096 }, (_, n) => 1 / (1 + Math.log(Math.max(1, n))));
const EMPTY = new Int32Array(0);

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

export class InvertedIndex {
  /** Slots in use (alive or dead). */
  size = 0;
  alive = 0;
  private cap: number;
  private live: Uint8Array;
  private keyWords: Int32Array;
  private keyKind: Uint8Array;
  private table: Int32Array;
  /** A record of 8 words per slot (RECORD), so one pass over the matches touches one cache line per match. */
  private rec: Uint32Array;
  private recF: Float32Array;
  readonly dicts: Record<FacetKey, Dict>;
  readonly scopes = new Dict();
  private readonly words = new Map<string, Postings>();
  private sortedWords: string[] | null = null;
  private readonly tmpKey = new Int32Array(4);

  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.live = new Uint8Array(this.cap);
    this.keyWords = new Int32Array(this.cap * 4);
    this.keyKind = new Uint8Array(this.cap);
    this.table = new Int32Array(tableSize(this.cap)).fill(-1);
    this.rec = new Uint32Array(this.cap * STRIDE);
    this.recF = new Float32Array(this.rec.buffer);
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

  /** The live slot of a document, or -1. */
  slotOf(kind: string, refId: string): number {
    const kc = this.dicts.kind.codes.get(kind);
    if (kc === undefined || !parseUuid(refId, this.tmpKey, 0)) return -1;
    const slot = this.table[this.probe(kc, this.tmpKey, 0)]!;
    return slot >= 0 && this.live[slot] ? slot : -1;
  }

  keyOf(slot: number): { kind: string; refId: string } {
    return { kind: this.dicts.kind.values[this.keyKind[slot]! - 1]!, refId: formatUuid(this.keyWords, slot * 4) };
  }

  // ---- writes -----------------------------------------------------------------------------

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5) + 16;
    const widen = <T extends Uint8Array | Uint32Array | Int32Array | Float32Array | Float64Array>(a: T, n = cap): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.live = widen(this.live);
    this.keyWords = widen(this.keyWords, cap * 4);
    this.keyKind = widen(this.keyKind);
    this.rec = widen(this.rec, cap * STRIDE);
    this.recF = new Float32Array(this.rec.buffer);
    this.cap = cap;
    if (tableSize(cap) > this.table.length) this.rehash(tableSize(cap));
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size).fill(-1);
    for (let slot = 0; slot < this.size; slot++) {
      if (!this.live[slot]) continue;
      this.table[this.probe(this.keyKind[slot]!, this.keyWords, slot * 4)] = slot;
    }
  }

  /** Adds a document or replaces the one with its key. */
  upsert(doc: IndexedDoc): void {
    const kind = this.dicts.kind.code(doc.kind);
    if (!parseUuid(doc.refId, this.tmpKey, 0)) throw new Error(`search index: refId ${doc.refId} is not a UUID`);
    if (this.size === this.cap) this.grow();
    const pos = this.probe(kind, this.tmpKey, 0);
    const old = this.table[pos]!;
    if (old >= 0 && this.live[old]) {
      this.kill(old);
      this.alive--;
    }
    const slot = this.size++;
    this.table[pos] = slot;
    this.keyWords.set(this.tmpKey, slot * 4);
    this.keyKind[slot] = kind;
    this.live[slot] = 1;
    this.alive++;
    const base = slot * STRIDE;
    this.rec.fill(0, base, base + STRIDE);
    for (const f of FACET_KEYS) {
      const label = f === 'unit' ? doc.unitName : f === 'school' ? doc.schoolName : null;
      const code = f === 'kind' ? kind : this.dicts[f].code(doc.facets[f], label);
      const { word, shift, mask } = RECORD[f];
      if (code > mask) throw new Error(`search index: more than ${mask} values of ${f}`);
      this.rec[base + word] = this.rec[base + word]! | (code << shift);
    }
    this.rec[base] = this.rec[base]! | LIVE | (Math.min(doc.docLength, RECORD.length.mask) << RECORD.length.shift);
    this.rec[base + SCOPE] = this.scopes.code(doc.scope);
    this.recF[base + POPULARITY] = doc.popularity;
    this.recF[base + BOOST] = popularityBoost(doc.popularity);
    const published = Math.max(0, Math.floor(doc.publishedAt / 1000));
    this.rec[base + PUBLISHED] = published;
    this.recF[base + RECENT] = Math.exp((published - T0_S) / YEAR_S);
    const terms = doc.terms;
    for (let at = 0; at < terms.length;) {
      let end = terms.indexOf(' ', at);
      if (end === -1) end = terms.length;
      const comma = terms.lastIndexOf(',', end - 1);
      let code = 0;
      for (let i = comma + 1; i < end; i++) code = code * 10 + terms.charCodeAt(i) - 48;
      const word = terms.slice(at, comma);
      let p = this.words.get(word);
      if (!p) {
        p = new Postings();
        this.words.set(word, p);
        this.sortedWords = null;
      }
      p.push(slot, code);
      at = end + 1;
    }
    this.maybeCompact();
  }

  remove(kind: string, refId: string): boolean {
    const slot = this.slotOf(kind, refId);
    if (slot < 0) return false;
    this.kill(slot);
    this.alive--;
    this.maybeCompact();
    return true;
  }

  setPopularity(kind: string, refId: string, popularity: number): boolean {
    const slot = this.slotOf(kind, refId);
    if (slot < 0) return false;
    this.recF[slot * STRIDE + POPULARITY] = popularity;
    this.recF[slot * STRIDE + BOOST] = popularityBoost(popularity);
    return true;
  }

  private kill(slot: number): void {
    this.live[slot] = 0;
    this.rec[slot * STRIDE] = this.rec[slot * STRIDE]! & ~LIVE;
  }

  private maybeCompact(): void {
    const dead = this.size - this.alive;
    if (dead > 10_000 && dead > this.size * 0.3) this.compact();
  }

  /** Squeezes dead slots out (slots keep their order, so posting lists stay sorted) and trims spare capacity. */
  compact(): void {
    const map = new Int32Array(this.size);
    let n = 0;
    for (let s = 0; s < this.size; s++) map[s] = this.live[s] ? n++ : -1;
    const move = (a: Uint8Array) => {
      for (let s = 0; s < this.size; s++) if (map[s]! >= 0) a[map[s]!] = a[s]!;
    };
    for (let s = 0; s < this.size; s++) {
      const t = map[s]!;
      if (t >= 0 && t !== s) this.keyWords.copyWithin(t * 4, s * 4, s * 4 + 4);
    }
    move(this.keyKind);
    for (let s = 0; s < this.size; s++) {
      const t = map[s]!;
      if (t >= 0 && t !== s) this.rec.copyWithin(t * STRIDE, s * STRIDE, s * STRIDE + STRIDE);
    }
    this.live.fill(0);
    this.live.fill(1, 0, n);
    for (const [word, p] of this.words) {
      let j = 0;
      for (let i = 0; i < p.length; i++) {
        const t = map[p.docs[i]!]!;
        if (t >= 0) {
          p.docs[j] = t;
          p.codes[j++] = p.codes[i]!;
        }
      }
      p.length = j;
      if (j === 0) {
        this.words.delete(word);
        this.sortedWords = null;
      } else p.trim();
    }
    this.size = n;
    this.alive = n;
    this.rehash(this.table.length);
  }

  /** Frees spare capacity after a bulk build. */
  trim(): void {
    for (const p of this.words.values()) p.trim();
  }

  // ---- reads ------------------------------------------------------------------------------

  get wordCount(): number {
    return this.words.size;
  }

  /** Bytes held in typed arrays (postings, columns, key table, scratch). */
  memoryBytes(): number {
    let bytes = this.table.byteLength + this.cap * (1 + 16 + 1 + STRIDE * 4);
    for (const p of this.words.values()) bytes += p.docs.byteLength + p.codes.byteLength;
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

  /** A clause's matches as slots (ascending) with each one's text score (the best alternative's). */
  private clauseMatches(clause: QueryClause): Matches {
    // union, best score per slot
    return unionAll(
      clause.map((alt) => this.alternativeMatches(alt.words, alt.fields ?? 15)),
      'max',
    );
  }

  /** Slots holding every word of the alternative, with the mean of the words' scores. */
  private alternativeMatches(words: string[], fieldMask: number): Matches {
    const lists = words.map((w) => this.words.get(w));
    if (lists.some((p) => !p)) return { docs: EMPTY, scores: new Float32Array(0) };
    const ps = (lists as Postings[]).slice().sort((a, b) => a.length - b.length);
    const first = ps[0]!;
    let docs = new Int32Array(first.length);
    let scores = new Float32Array(first.length);
    let n = 0;
    for (let i = 0; i < first.length; i++) {
      const c = first.codes[i]!;
      if ((c & fieldMask) === 0) continue;
      docs[n] = first.docs[i]!;
      scores[n++] = CODE_SCORE[c]!;
    }
    for (let l = 1; l < ps.length && n > 0; l++) {
      const p = ps[l]!;
      let m = 0;
      let at = 0;
      for (let i = 0; i < n; i++) {
        at = gallop(p.docs, p.length, at, docs[i]!);
        if (at >= p.length) break;
        if (p.docs[at] === docs[i] && (p.codes[at]! & fieldMask) !== 0) {
          docs[m] = docs[i]!;
          scores[m++] = scores[i]! + CODE_SCORE[p.codes[at]!]!;
        }
      }
      n = m;
    }
    if (ps.length > 1) for (let i = 0; i < n; i++) scores[i] = scores[i]! / ps.length;
    docs = docs.subarray(0, n);
    scores = scores.subarray(0, n);
    return { docs, scores };
  }

  /** Estimated matches of a clause (the sum of its alternatives' shortest lists), to order the intersection. */
  private estimate(clause: QueryClause): number {
    let n = 0;
    for (const alt of clause) {
      let min = Infinity;
      for (const w of alt.words) min = Math.min(min, this.words.get(w)?.length ?? 0);
      n += min === Infinity ? 0 : min;
    }
    return n;
  }

  /** The matching slots (ascending, alive or not) with their text scores; null for "every document". */
  private textMatches(plan: SearchPlan): Matches | null {
    if (plan.clauses.length === 0) return null;
    if (plan.mode === 'any') {
      const k = plan.clauses.length;
      const merged = unionAll(
        plan.clauses.map((c) => this.clauseMatches(c)),
        'sum',
      );
      // the union's arrays are its own (never a posting list): scaled in place, not copied through a callback
      const scores = merged.scores;
      for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! / k;
      return { docs: merged.docs, scores };
    }
    const order = plan.clauses.map((c, i) => ({ c, i, n: this.estimate(c) })).sort((a, b) => a.n - b.n);
    // the smallest clause as a fresh array (never a posting list itself), narrowed in place by each
    // further clause: its lists are probed at the candidates (galloping), never copied
    const { docs, scores } = this.clauseMatches(order[0]!.c);
    let n = docs.length;
    for (let c = 1; c < order.length && n > 0; c++) {
      const alts: { lists: Postings[]; fields: number; at: Int32Array }[] = [];
      for (const alt of order[c]!.c) {
        const lists = alt.words.map((w) => this.words.get(w));
        if (lists.every((p) => p)) alts.push({ lists: lists as Postings[], fields: alt.fields ?? 15, at: new Int32Array(lists.length) });
      }
      let m = 0;
      for (let i = 0; i < n; i++) {
        const d = docs[i]!;
        let best = -1;
        for (let j = 0; j < alts.length; j++) {
          const { lists, fields, at } = alts[j]!;
          let sum = 0;
          let l = 0;
          for (; l < lists.length; l++) {
            const p = lists[l]!;
            const pos = gallop(p.docs, p.length, at[l]!, d);
            at[l] = pos;
            if (pos >= p.length || p.docs[pos] !== d || (p.codes[pos]! & fields) === 0) break;
            sum += CODE_SCORE[p.codes[pos]!]!;
          }
          if (l === lists.length && sum / lists.length > best) best = sum / lists.length;
        }
        if (best >= 0) {
          docs[m] = d;
          scores[m++] = scores[i]! + best;
        }
      }
      n = m;
    }
    const k = order.length;
    if (k > 1) for (let i = 0; i < n; i++) scores[i] = scores[i]! / k;
    return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
  }

  /** Runs a query: total, the best `k` by the order, and facet counts over every match. */
  search(plan: SearchPlan): SearchResult {
    const matches = this.textMatches(plan);
    const filters: { word: number; shift: number; mask: number; code: number }[] = [];
    for (const [f, value] of Object.entries(plan.filters) as [FacetKey, string | undefined][]) {
      if (value === undefined) continue;
      const code = this.dicts[f].codes.get(value);
      if (code === undefined) return { total: 0, top: [], facets: this.emptyFacets(plan) };
      filters.push({ ...RECORD[f], code });
    }
    const visible = plan.visible;
    const counted = plan.facets.map((f) => ({ f, ...RECORD[f], counts: new Int32Array(this.dicts[f].size + 1) }));
    const heap = new TopK(plan.k);
    const rec = this.rec;
    const recF = this.recF;
    const nowS = plan.now / 1000;
    const decay = Math.exp(-(nowS - T0_S) / YEAR_S);
    const order = plan.order;
    let total = 0;
    const n = matches ? matches.docs.length : this.size;
    const docs = matches?.docs;
    const scores = matches?.scores;
    outer: for (let i = 0; i < n; i++) {
      const d = docs ? docs[i]! : i;
      const base = d * STRIDE;
      const w0 = rec[base]!;
      if ((w0 & LIVE) === 0) continue;
      const sc = rec[base + SCOPE]!;
      if (sc !== 0 && (visible === null || sc >= visible.length || !visible[sc])) continue;
      for (let f = 0; f < filters.length; f++) {
        const c = filters[f]!;
        if (((rec[base + c.word]! >>> c.shift) & c.mask) !== c.code) continue outer;
      }
      total++;
      for (let f = 0; f < counted.length; f++) {
        const c = counted[f]!;
        c.counts[(rec[base + c.word]! >>> c.shift) & c.mask]!++;
      }
      const pub = rec[base + PUBLISHED]!;
      let score: number;
      if (order === 'newest') score = pub;
      else if (order === 'popular') score = recF[base + POPULARITY]!;
      else {
        const text = scores ? scores[i]! * NORM[(w0 >>> RECORD.length.shift) & RECORD.length.mask]! : 1;
        // exp(-age / year), at most 1 (a date in the future counts as now)
        const recent = decay * recF[base + RECENT]!;
        score = text * recF[base + BOOST]! * (1 + 0.3 * (recent < 1 ? recent : 1));
      }
      heap.offer(d, score, pub);
    }
    const facets: SearchResult['facets'] = {};
    for (const c of counted) facets[c.f] = this.topValues(c.f, c.counts, plan.facetLimit);
    return { total, top: heap.sorted(), facets };
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
    return { popularity: this.recF[slot * STRIDE + POPULARITY]!, publishedAt: this.rec[slot * STRIDE + PUBLISHED]! * 1000 };
  }
}

const tableSize = (cap: number): number => {
  let n = 16;
  while (n < cap * 2) n *= 2;
  return n;
};

type Matches = { docs: Int32Array; scores: Float32Array };

/** The union of many ascending match lists, merged as a balanced tree (each posting is copied log(n) times, not n). */
/** How a slot found in two lists gets its score: the better of the two, or their sum. */
type Combine = 'max' | 'sum';

function unionAll(lists: Matches[], combine: Combine): Matches {
  let level = lists.filter((m) => m.docs.length > 0);
  if (level.length === 0) return { docs: EMPTY, scores: new Float32Array(0) };
  while (level.length > 1) {
    const next: Matches[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeUnion(level[i]!, level[i + 1]!, combine) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/** The union of two ascending match lists; a slot in both gets its two scores combined (a flag, not a callback: this is a hot loop). */
function mergeUnion(a: Matches, b: Matches, combine: Combine): Matches {
  const sum = combine === 'sum';
  const docs = new Int32Array(a.docs.length + b.docs.length);
  const scores = new Float32Array(docs.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length && j < b.docs.length) {
    const x = a.docs[i]!;
    const y = b.docs[j]!;
    if (x < y) {
      docs[n] = x;
      scores[n++] = a.scores[i++]!;
    } else if (y < x) {
      docs[n] = y;
      scores[n++] = b.scores[j++]!;
    } else {
      docs[n] = x;
      const sa = a.scores[i++]!;
      const sb = b.scores[j++]!;
      scores[n++] = sum ? sa + sb : sa > sb ? sa : sb;
    }
  }
  while (i < a.docs.length) {
    docs[n] = a.docs[i]!;
    scores[n++] = a.scores[i++]!;
  }
  while (j < b.docs.length) {
    docs[n] = b.docs[j]!;
    scores[n++] = b.scores[j++]!;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
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
