import type { TItemContent, TItemPart, TPupilItem, TPupilPart } from '../schemas/items.ts';

/** FNV-1a of the seed's text: a 32-bit start for the generator. */
function hashSeed(seed: string | number): number {
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and the same sequence in the browser and on the server. */
export function seededRandom(seed: string | number): () => number {
  let a = hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given generator; returns a new array. */
export function seededShuffle<T>(list: readonly T[], random: () => number): T[] {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function presentPart(p: TItemPart | TItemContent, random: () => number, score: number): TPupilPart | null {
  switch (p.type) {
    case 'single_choice':
    case 'multiple_choice':
      return { type: p.type, stem: p.stem, score, options: p.fixedOrder ? p.options.slice() : seededShuffle(p.options, random) };
    case 'true_false':
      return { type: p.type, stem: p.stem, score };
    case 'fill_blank':
      return { type: p.type, stem: p.stem, score, blanks: p.blanks.map((b) => ({ id: b.id, isNumeric: !!b.numeric })) };
    case 'numeric':
      return { type: p.type, stem: p.stem, score, units: p.rule.units };
    case 'matching':
      return { type: p.type, stem: p.stem, score, left: p.left.slice(), right: seededShuffle(p.right, random) };
    case 'ordering': {
      let elements = seededShuffle(p.elements, random);
      // never hand out the answer: a shuffle that happens to be the key is rotated by one
      if (elements.every((e, i) => e.id === p.order[i])) elements = [...elements.slice(1), elements[0]!];
      return { type: p.type, stem: p.stem, score, elements };
    }
    case 'short_answer':
      return { type: p.type, stem: p.stem, score };
    case 'essay':
      return {
        type: p.type,
        stem: p.stem,
        score,
        minLength: p.minLength,
        maxLength: p.maxLength,
        rubric: p.rubric.map((r) => ({ id: r.id, name: r.name, description: r.description, points: r.points })),
      };
    case 'composite':
      return null;
  }
}

/**
 * The item as a pupil sees it: no answers, accepted texts, keywords, reference answers or
 * explanations; options, matching targets and ordering elements shuffled by `shuffleSeed`
 * (use one seed per attempt and item, e.g. `${attemptId}:${itemId}`, so a reload shows the same
 * order). Responses name option ids, so grading does not depend on the order shown.
 * `score` overrides the item's own score (a paper's per-item score).
 */
export function presentItemForPupil(item: TItemContent, opts: { shuffleSeed: string | number; score?: number }): TPupilItem {
  const random = seededRandom(opts.shuffleSeed);
  const score = opts.score ?? item.score;
  if (item.type === 'composite') {
    const factor = item.score > 0 ? score / item.score : 1;
    return {
      type: 'composite',
      stem: item.stem,
      score,
      parts: item.parts.map((p) => ({ ...presentPart(p, random, Math.round(p.score * factor * 100) / 100)!, id: p.id })),
    };
  }
  return presentPart(item, random, score)!;
}

/** The item scaled to a paper's per-item score, so grading gives marks out of the paper's score. */
export function withScore<T extends TItemContent>(item: T, score: number): T {
  if (score === item.score) return item;
  if (item.type !== 'composite') return { ...item, score };
  const factor = score / item.score;
  return { ...item, score, parts: item.parts.map((p) => ({ ...p, score: Math.round(p.score * factor * 100) / 100 })) };
}
