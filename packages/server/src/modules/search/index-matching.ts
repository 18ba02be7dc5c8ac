import type { QueryClause } from './index-types.ts';
import { CODE_SCORE, popcount, type Postings } from './index-postings.ts';

/*
 * Query evaluation: a query's clauses compiled against the posting lists, then the matching
 * slots as a sorted list when the rarest clause is rare, else as a bitmap over the slots (common
 * words ANDed/ORed 32 slots at a time); for the fallback when no document holds every clause, the
 * slots holding at least m of them. Also the text score of a match, read from its posting bytes.
 */

/** A rarest clause under this share of the slots is evaluated as a list, above it as bitmaps. */
const LIST_SHARE = 64;
const EMPTY = new Int32Array(0);
/** The filters' scratch bitmaps start here (matching and the at-least counters use the ones below). */
const FILTER_BITMAP = 16;

/** A word of a compiled query: its postings, the fields it must be in, and a cursor for rare lists. */
export type WordRef = { p: Postings; at: number };
export type CompiledAlt = { words: WordRef[]; fields: number; max: number; low: number };
/** max: the clause's best possible score; low: its best for a document holding none of its words in HIGH_FIELDS. */
export type CompiledClause = { alts: CompiledAlt[]; max: number; low: number; estimate: number };
/** Matching slots: a sorted list, a bitmap over the slots (its first `words` words), or null for every slot. */
export type Matched = { list: Int32Array } | { bits: Int32Array; words: number } | null;

/** Scratch bitmaps of one search (searches are synchronous), kept between searches. */
export class BitmapScratch {
  private bits: Int32Array[] = [];
  private high = new Int32Array(0);

  bitmap(i: number, words: number): Int32Array {
    let b = this.bits[i];
    if (!b || b.length < words) {
      b = new Int32Array(Math.ceil(words * 1.25) + 16);
      this.bits[i] = b;
    }
    return b;
  }

  highBitmap(words: number): Int32Array {
    if (this.high.length < words) this.high = new Int32Array(Math.ceil(words * 1.25) + 16);
    return this.high;
  }

  get bytes(): number {
    let bytes = this.high.byteLength;
    for (const b of this.bits) bytes += b.byteLength;
    return bytes;
  }
}

/** What evaluation needs of the index: how many slots it has, and scratch space. */
export type MatchContext = { size: number; scratch: BitmapScratch };

/** The query's clauses with their postings; an alternative with a word the index lacks is dropped. */
export function compileQuery(postings: ReadonlyMap<string, Postings>, clauses: QueryClause[]): CompiledClause[] {
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
        const p = postings.get(w);
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
function holds(ref: WordRef, fields: number, d: number): boolean {
  const p = ref.p;
  if (p.bits) return p.has(d) && (fields === 15 || (p.codeAt(d) & fields) !== 0);
  const at = gallop(p.docs!, p.length, ref.at, d);
  ref.at = at;
  return at < p.length && p.docs![at] === d && (p.codes[at]! & fields) !== 0;
}

export function resetCursors(clauses: CompiledClause[]): void {
  for (const c of clauses) for (const a of c.alts) for (const w of a.words) w.at = 0;
}

/** Slots holding every word of the alternative in its fields, ascending. */
function altSlots(alt: CompiledAlt): Int32Array {
  const first = alt.words[0]!;
  const p = first.p;
  const out = new Int32Array(p.length);
  let n = 0;
  const rest = alt.words.slice(1);
  for (const w of rest) w.at = 0;
  const take = (d: number, code: number) => {
    if ((code & alt.fields) === 0) return;
    for (const w of rest) if (!holds(w, alt.fields, d)) return;
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
function clauseSlots(clause: CompiledClause): Int32Array {
  return unionAll(clause.alts.map((a) => altSlots(a)));
}

/** A clause's matching slots as a bitmap in `out` (its first `words` words). */
function clauseBits(clause: CompiledClause, out: Int32Array, words: number, tmp: () => Int32Array): void {
  out.fill(0, 0, words);
  for (const alt of clause.alts) {
    const dense = alt.fields === 15 && alt.words.every((w) => w.p.bits);
    if (!dense) {
      const slots = altSlots(alt);
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
 * over the slots (in the scratch bitmaps from `scratchBase` on); null for "every slot" (no words).
 */
export function matchAll(ctx: MatchContext, clauses: CompiledClause[], scratchBase = 0): Matched {
  if (clauses.length === 0) return null;
  const size = ctx.size;
  {
    const order = [...clauses].sort((a, b) => a.estimate - b.estimate);
    const rarest = order[0]!;
    if (rarest.estimate * LIST_SHARE < size) {
      // the rarest clause's slots, narrowed by each further clause (rising slots: cursors only move forward)
      let list = clauseSlots(rarest);
      for (let c = 1; c < order.length && list.length > 0; c++) {
        const clause = order[c]!;
        let m = 0;
        for (let i = 0; i < list.length; i++) {
          const d = list[i]!;
          if (clause.alts.some((a) => a.words.every((w) => holds(w, a.fields, d)))) list[m++] = d;
        }
        list = list.subarray(0, m);
      }
      return { list };
    }
    const words = (size >>> 5) + 1;
    const out = ctx.scratch.bitmap(scratchBase, words);
    const clauseBuf = ctx.scratch.bitmap(scratchBase + 1, words);
    const tmp = () => ctx.scratch.bitmap(scratchBase + 2, words);
    clauseBits(order[0]!, out, words, tmp);
    for (let c = 1; c < order.length; c++) {
      const clause = order[c]!;
      const single = clause.alts.length === 1 && clause.alts[0]!.fields === 15 && clause.alts[0]!.words.every((w) => w.p.bits);
      if (single) {
        for (const w of clause.alts[0]!.words) andInto(out, w.p.bits!, words);
      } else {
        clauseBits(clause, clauseBuf, words, tmp);
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
export function matchAtLeast(ctx: MatchContext, clauses: CompiledClause[]): (m: number) => Matched {
  const size = ctx.size;
  const estimate = clauses.reduce((n, c) => n + c.estimate, 0);
  if (estimate * LIST_SHARE < size) {
    const all = new Int32Array(estimate);
    let total = 0;
    for (const c of clauses) {
      const slots = clauseSlots(c);
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
  const clauseBuf = ctx.scratch.bitmap(1, words);
  const tmp = () => ctx.scratch.bitmap(2, words);
  const planes: Int32Array[] = [];
  for (let j = 0; j < 32 - Math.clz32(clauses.length); j++) planes.push(ctx.scratch.bitmap(3 + j, words).fill(0, 0, words));
  for (const clause of clauses) {
    clauseBits(clause, clauseBuf, words, tmp);
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
    const out = ctx.scratch.bitmap(0, words);
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

/** The filter clauses' slots (every clause held), in scratch bitmaps of their own: the any-word fallback narrows each of its rounds by them. */
export const filterSlots = (ctx: MatchContext, filters: CompiledClause[]): Matched => matchAll(ctx, filters, FILTER_BITMAP);

/** The matches that the filters' slots hold too (a list of matches is narrowed in place). */
export function restrict(matched: Matched, filter: Matched): Matched {
  if (filter === null) return matched;
  if (matched === null) return filter;
  if ('list' in matched) {
    const list = matched.list;
    let m = 0;
    if ('list' in filter) {
      const f = filter.list;
      let at = 0;
      for (let i = 0; i < list.length; i++) {
        const d = list[i]!;
        at = gallop(f, f.length, at, d);
        if (at < f.length && f[at] === d) list[m++] = d;
      }
    } else {
      const bits = filter.bits;
      for (let i = 0; i < list.length; i++) if (((bits[list[i]! >>> 5]! >>> (list[i]! & 31)) & 1) === 1) list[m++] = list[i]!;
    }
    return { list: list.subarray(0, m) };
  }
  if ('list' in filter) {
    const out = new Int32Array(filter.list.length);
    let m = 0;
    for (let i = 0; i < filter.list.length; i++) {
      const d = filter.list[i]!;
      if (((matched.bits[d >>> 5]! >>> (d & 31)) & 1) === 1) out[m++] = d;
    }
    return { list: out.subarray(0, m) };
  }
  andInto(matched.bits, filter.bits, matched.words);
  return matched;
}

/** Whether the matches are more than `n` (a bitmap is counted only until it passes n). */
export function holdsMoreThan(matched: Matched, size: number, n: number): boolean {
  if (matched === null) return size > n;
  if ('list' in matched) return matched.list.length > n;
  const bits = matched.bits;
  let count = 0;
  for (let w = 0; w < matched.words; w++) {
    if (bits[w] === 0) continue;
    count += popcount(bits[w]!);
    if (count > n) return true;
  }
  return false;
}

/** The slots holding any of the query's words in HIGH_FIELDS, as a bitmap. */
export function highBits(ctx: MatchContext, clauses: CompiledClause[]): Int32Array {
  const words = (ctx.size >>> 5) + 1;
  const out = ctx.scratch.highBitmap(words);
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
export function textScore(clauses: CompiledClause[], d: number): number {
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

/** a &= b over the first `words` words (b may be shorter: missing words are zero). */
function andInto(a: Int32Array, b: Int32Array, words: number): void {
  const n = Math.min(words, b.length);
  for (let w = 0; w < n; w++) a[w] = a[w]! & b[w]!;
  if (n < words) a.fill(0, n, words);
}

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
