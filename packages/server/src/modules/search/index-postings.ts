/*
 * Posting lists: per word the slots holding it and one byte per posting — which fields hold the
 * word (bits 0–3: A title, B keywords and catalogue, C body, D pinyin) and how often (bits 4–7,
 * capped at 15), so field weights can change without re-indexing. A rare word keeps its slots as
 * a sorted Int32Array; a common one (in more than 1/32 of the slots) as a bitmap over the slots
 * with a rank directory, so intersecting and uniting common words is word-wide AND/OR, and
 * finding a posting's byte is a popcount.
 */

/** A posting list turns into a bitmap when it holds more than this share of the slots (and Tuning.denseMin postings). */
const DENSE_SHARE = 32;

export const popcount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
};

/**
 * The field whose postings are "high" (the title): a match with none of the query's words in it is
 * bounded by the other fields' best scores, under half. Not the keywords and catalogue too: every
 * document holds its subject, grade, term, edition and type there, so a query of such words would
 * find nearly every match "high" and its ranking could skip none.
 */
export const HIGH_FIELDS = 1;

/** Field weights as ts_rank's {D, C, B, A} = {0.05, 0.2, 0.5, 1.0}. */
const WEIGHT = [1.0, 0.5, 0.2, 0.05];
/** Score of a posting byte: the best field, a quarter of the others, a little more for repetitions. */
export const CODE_SCORE = new Float64Array(256);
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

export type SnapshotArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float32Array;
/** The next typed array of a snapshot, in the order they were taken. */
export type NextArray = <T extends SnapshotArray>(type: new (n: number) => T) => T;

/** What a snapshot holds besides its typed arrays (JSON). */
export type SlotSetHeader = { length: number; dense: boolean };
export type PostingsHeader = {
  length: number;
  maxScore: number;
  lowMax: number;
  highMin: number;
  lastWord: number;
  dense: boolean;
  high: SlotSetHeader | null;
};

/** Clears a bitmap's bits of slots ≥ size (set by slots added while a snapshot was being written). */
function clearFrom(bits: Int32Array, size: number): void {
  const w = size >>> 5;
  if (w >= bits.length) return;
  bits[w] = bits[w]! & ((1 << (size & 31)) - 1);
  bits.fill(0, w + 1);
}

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

export class Postings {
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
