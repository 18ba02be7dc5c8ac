/*
 * The documents' keys: per slot its kind (dictionary code) and UUID as four int32s, and an
 * open-addressing table from key to slot (the latest slot of a key: an update takes a new slot).
 */

/** Hex UUID ↔ four int32s, for the key table. */
export function parseUuid(id: string, out: Int32Array, at: number): boolean {
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

const tableSize = (cap: number): number => {
  let n = 16;
  while (n < cap * 2) n *= 2;
  return n;
};

/** A column in which 0 marks a dead slot (the index's second group column). */
type LiveColumn = Uint16Array | Uint32Array;

export class KeyTable {
  /** The UUID of slot s at [4s, 4s + 4). */
  words: Int32Array;
  kinds: Uint8Array;
  private table: Int32Array;

  constructor(cap: number) {
    this.words = new Int32Array(cap * 4);
    this.kinds = new Uint8Array(cap);
    this.table = new Int32Array(tableSize(cap)).fill(-1);
  }

  private hash(kind: number, k: Int32Array, at: number): number {
    let h = Math.imul(k[at]! ^ kind, 0x9e3779b1);
    h = Math.imul(h ^ k[at + 1]!, 0x85ebca6b);
    h = Math.imul(h ^ k[at + 2]!, 0xc2b2ae35);
    h = Math.imul(h ^ k[at + 3]!, 0x27d4eb2f);
    return (h ^ (h >>> 15)) & (this.table.length - 1);
  }

  private sameKey(slot: number, kind: number, k: Int32Array, at: number): boolean {
    const s = slot * 4;
    const w = this.words;
    return this.kinds[slot] === kind && w[s] === k[at] && w[s + 1] === k[at + 1] && w[s + 2] === k[at + 2] && w[s + 3] === k[at + 3];
  }

  /** The table position holding the key, or the empty position where it would go. */
  private probe(kind: number, k: Int32Array, at: number): number {
    const mask = this.table.length - 1;
    for (let i = this.hash(kind, k, at); ; i = (i + 1) & mask) {
      const slot = this.table[i]!;
      if (slot === -1 || this.sameKey(slot, kind, k, at)) return i;
    }
  }

  /** The slot last given the key (alive or dead), or -1. */
  find(kind: number, key: Int32Array): number {
    return this.table[this.probe(kind, key, 0)]!;
  }

  /** Gives the key to the slot; returns the slot that held it before, or -1. */
  claim(kind: number, key: Int32Array, slot: number): number {
    const pos = this.probe(kind, key, 0);
    const old = this.table[pos]!;
    this.table[pos] = slot;
    this.words.set(key, slot * 4);
    this.kinds[slot] = kind;
    return old;
  }

  keyOf(slot: number): { kind: number; refId: string } {
    return { kind: this.kinds[slot]!, refId: formatUuid(this.words, slot * 4) };
  }

  /** Room for `cap` slots (of which `size` are in use). */
  grow(cap: number, size: number, live: LiveColumn): void {
    const words = new Int32Array(cap * 4);
    words.set(this.words);
    this.words = words;
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    this.kinds = kinds;
    if (tableSize(cap) > this.table.length) this.rehash(size, live, tableSize(cap));
  }

  /** Rebuilds the table from the live slots' keys. */
  rehash(size: number, live: LiveColumn, tableLength = this.table.length): void {
    this.table = new Int32Array(tableLength).fill(-1);
    for (let slot = 0; slot < size; slot++) {
      if (live[slot] === 0) continue;
      this.table[this.probe(this.kinds[slot]!, this.words, slot * 4)] = slot;
    }
  }

  /** Moves a slot's key to another slot (compaction; rehash afterwards). */
  move(from: number, to: number): void {
    this.words.copyWithin(to * 4, from * 4, from * 4 + 4);
    this.kinds[to] = this.kinds[from]!;
  }

  get bytes(): number {
    return this.table.byteLength + this.words.byteLength + this.kinds.byteLength;
  }
}
