/**
 * Classical test theory (经典测验理论) for one assignment: item difficulty (p-value), the corrected
 * item–total (point-biserial) correlation, the upper–lower 27% discrimination index, reliability
 * (Cronbach's α, which is KR-20 for right/wrong items) and the score distribution.
 * Pure functions over a score matrix; docs/homework-analysis.md explains each figure.
 */

export type ScoreMatrix = {
  /** Item keys, in paper order. */
  items: { key: string; maxScore: number }[];
  /** One row per submitted attempt; `scores[i]` is the score on items[i] (null = not answered, counts 0). */
  persons: { id: string; scores: (number | null)[] }[];
};

export type DiscriminationQuality = 'excellent' | 'good' | 'fair' | 'poor';
export type DifficultyBand = 'easy' | 'medium' | 'hard';

export type ItemStatistics = {
  key: string;
  /** Answers counted (persons in the matrix). */
  n: number;
  /** Mean score as a fraction of the item's maximum (the p-value: 1 = everyone right). */
  p: number;
  /** Share of persons with full marks. */
  correctRate: number;
  /** Pearson correlation of the item score with the rest of the test (total minus this item); null when undefined. */
  pointBiserial: number | null;
  /** p of the top 27% minus p of the bottom 27% by total score; null with fewer than 4 persons. */
  discrimination: number | null;
  quality: DiscriminationQuality | null;
  band: DifficultyBand;
};

export type TestStatistics = {
  n: number;
  maxScore: number;
  mean: number;
  sd: number;
  median: number;
  min: number;
  max: number;
  /** Cronbach's α (KR-20 for dichotomous items); null with fewer than 2 items or 2 persons, or no variance. */
  alpha: number | null;
  /** Standard error of measurement, sd·√(1−α). */
  sem: number | null;
};

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Population variance (divide by n), as CTT uses for α. */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Pearson correlation; null when either side has no variance or there are fewer than 2 pairs. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx < 1e-12 || syy < 1e-12) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Ebel's guidelines for the discrimination index D. */
export function discriminationQuality(d: number): DiscriminationQuality {
  if (d >= 0.4) return 'excellent';
  if (d >= 0.3) return 'good';
  if (d >= 0.2) return 'fair';
  return 'poor';
}

export const difficultyBand = (p: number): DifficultyBand => (p > 0.8 ? 'easy' : p < 0.4 ? 'hard' : 'medium');

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

function totals(m: ScoreMatrix): number[] {
  return m.persons.map((p) => p.scores.reduce<number>((a, s) => a + (s ?? 0), 0));
}

/** The upper and lower groups: the top and bottom 27% by total score (at least one person each). */
export function upperLowerGroups(total: readonly number[]): { upper: number[]; lower: number[] } {
  const order = total.map((t, i) => [t, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const k = Math.max(1, Math.round(total.length * 0.27));
  return { upper: order.slice(0, k).map((o) => o[1]), lower: order.slice(-k).map((o) => o[1]) };
}

export function itemStatistics(m: ScoreMatrix): ItemStatistics[] {
  const total = totals(m);
  const n = m.persons.length;
  const groups = n >= 4 ? upperLowerGroups(total) : null;
  return m.items.map((item, i) => {
    const max = item.maxScore > 0 ? item.maxScore : 1;
    const frac = m.persons.map((p) => Math.min(1, Math.max(0, (p.scores[i] ?? 0) / max)));
    const p = mean(frac);
    const rest = m.persons.map((person, j) => total[j] - (person.scores[i] ?? 0));
    const r = pearson(frac, rest);
    const d = groups ? mean(groups.upper.map((j) => frac[j])) - mean(groups.lower.map((j) => frac[j])) : null;
    return {
      key: item.key,
      n,
      p: round(p),
      correctRate: round(n ? frac.filter((f) => f >= 1 - 1e-9).length / n : 0),
      pointBiserial: r === null ? null : round(r),
      discrimination: d === null ? null : round(d),
      quality: d === null ? null : discriminationQuality(d),
      band: difficultyBand(p),
    };
  });
}

export function testStatistics(m: ScoreMatrix): TestStatistics {
  const total = totals(m);
  const maxScore = m.items.reduce((a, i) => a + i.maxScore, 0);
  const k = m.items.length;
  const varTotal = variance(total);
  let alpha: number | null = null;
  if (k >= 2 && total.length >= 2 && varTotal > 1e-12) {
    const sumItemVar = m.items.reduce((a, _, i) => a + variance(m.persons.map((p) => p.scores[i] ?? 0)), 0);
    alpha = (k / (k - 1)) * (1 - sumItemVar / varTotal);
  }
  const sd = Math.sqrt(varTotal);
  return {
    n: total.length,
    maxScore,
    mean: round(mean(total), 2),
    sd: round(sd, 2),
    median: round(median(total), 2),
    min: total.length ? Math.min(...total) : 0,
    max: total.length ? Math.max(...total) : 0,
    alpha: alpha === null ? null : round(alpha),
    sem: alpha === null ? null : round(sd * Math.sqrt(Math.max(0, 1 - alpha)), 2),
  };
}

/** Score bands as primary schools report them: 优秀 ≥90%, 良好 80–90%, 中等 70–80%, 及格 60–70%, 待及格 <60%. */
export const SCORE_BANDS = [
  { key: 'excellent', min: 0.9 },
  { key: 'good', min: 0.8 },
  { key: 'medium', min: 0.7 },
  { key: 'pass', min: 0.6 },
  { key: 'fail', min: 0 },
] as const;
export type ScoreBand = (typeof SCORE_BANDS)[number]['key'];

export const scoreBand = (score: number, maxScore: number): ScoreBand =>
  SCORE_BANDS.find((b) => (maxScore > 0 ? score / maxScore : 0) >= b.min - 1e-9)!.key;

/**
 * A histogram of total scores in `bins` equal-width bins over [0, maxScore]; the top bin includes
 * the maximum. Returns each bin's bounds and count.
 */
export function scoreHistogram(scores: readonly number[], maxScore: number, bins = 10): { from: number; to: number; count: number }[] {
  const width = maxScore > 0 ? maxScore / bins : 1;
  const out = Array.from({ length: bins }, (_, i) => ({ from: round(i * width, 2), to: round((i + 1) * width, 2), count: 0 }));
  for (const s of scores) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor(s / width)));
    out[i].count++;
  }
  return out;
}

/**
 * How often each option was chosen on a choice item: a response is the list of chosen option ids
 * (one for single choice). Persons with no answer are counted under `unanswered`.
 */
export function optionCounts(
  responses: readonly (readonly string[] | null)[],
  optionIds: readonly string[],
): { counts: Record<string, number>; unanswered: number } {
  const counts = Object.fromEntries(optionIds.map((o) => [o, 0]));
  let unanswered = 0;
  for (const r of responses) {
    if (!r || r.length === 0) unanswered++;
    else for (const o of r) if (o in counts) counts[o]++;
  }
  return { counts, unanswered };
}

/**
 * Score rate per knowledge point: for each point, the sum of scores on the items tagged with it
 * over the sum of their maxima, across the given persons.
 */
export function knowledgePointRates(
  items: readonly { key: string; maxScore: number; knowledgePointIds: readonly string[] }[],
  persons: readonly { scores: readonly (number | null)[] }[],
): Map<string, { rate: number; items: number }> {
  const acc = new Map<string, { got: number; max: number; items: number }>();
  items.forEach((item, i) => {
    for (const kp of item.knowledgePointIds) {
      const a = acc.get(kp) ?? { got: 0, max: 0, items: 0 };
      a.items++;
      for (const p of persons) {
        a.got += p.scores[i] ?? 0;
        a.max += item.maxScore;
      }
      acc.set(kp, a);
    }
  });
  return new Map([...acc].map(([kp, a]) => [kp, { rate: a.max > 0 ? round(a.got / a.max) : 0, items: a.items }]));
}
