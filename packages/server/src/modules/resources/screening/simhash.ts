import { createHash } from 'node:crypto';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | null = null;
const segmenter = (): Jieba => (jieba ??= Jieba.withDict(dict));

/** Tokens that carry meaning: jieba words, without punctuation, spaces and single non-CJK characters. */
export function tokens(text: string): string[] {
  return segmenter()
    .cut(text, true)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0 && /[\p{L}\p{N}]/u.test(t) && (t.length > 1 || /\p{Script=Han}/u.test(t)));
}

const hash64 = (token: string): bigint => createHash('md5').update(token).digest().readBigUInt64BE(0);

/**
 * Charikar's SimHash over jieba tokens weighted by frequency: similar texts get fingerprints a
 * few bits apart. Returned as a signed 64-bit value (how PostgreSQL's bigint stores it).
 */
export function simhash(text: string): bigint {
  const weights = new Map<string, number>();
  for (const t of tokens(text)) weights.set(t, (weights.get(t) ?? 0) + 1);
  const v = new Float64Array(64);
  for (const [t, w] of weights) {
    const h = hash64(t);
    for (let i = 0; i < 64; i++) v[i] += (h >> BigInt(i)) & 1n ? w : -w;
  }
  let out = 0n;
  for (let i = 0; i < 64; i++) if (v[i] > 0) out |= 1n << BigInt(i);
  return BigInt.asIntN(64, out);
}

export function hamming(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** 1 for identical fingerprints, 0 for opposite ones. */
export const similarity = (a: bigint, b: bigint): number => 1 - hamming(a, b) / 64;
