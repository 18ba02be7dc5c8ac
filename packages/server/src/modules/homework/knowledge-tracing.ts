/**
 * Bayesian Knowledge Tracing (BKT, Corbett & Anderson 1995) per person and knowledge point.
 * docs/knowledge-tracing.md documents the parameters and the update rule; in short:
 *
 *   observe (credit c ∈ [0,1]):
 *     P(L | right) = P(L)(1−S) / (P(L)(1−S) + (1−P(L))G)
 *     P(L | wrong) = P(L)S     / (P(L)S     + (1−P(L))(1−G))
 *     P(L | c)     = c·P(L | right) + (1−c)·P(L | wrong)       (partial credit mixes the two)
 *   learn:
 *     P(L') = P(L | c) + (1 − P(L | c))·T
 *
 * L = the point is mastered, S = slip, G = guess, T = learning (transit) rate.
 */

export type BktParams = { pInit: number; pTransit: number; pSlip: number; pGuess: number };

export const BKT_DEFAULTS: BktParams = { pInit: 0.3, pTransit: 0.1, pSlip: 0.1, pGuess: 0.2 };

/** A point counts as mastered (掌握) from this probability on. */
export const MASTERED_AT = 0.95;

/** Guessing probability by item type: 1/k for a choice among k options, 1/2 for true/false, small for open answers. */
export function guessFor(itemType: string, optionCount?: number): number {
  switch (itemType) {
    case 'single_choice':
      return optionCount && optionCount > 1 ? Math.min(0.5, 1 / optionCount) : 0.25;
    case 'true_false':
      return 0.5;
    case 'multiple_choice':
      // every subset but the empty one is a possible answer
      return optionCount && optionCount > 1 ? Math.max(0.02, 1 / (2 ** optionCount - 1)) : 0.1;
    case 'matching':
    case 'ordering':
      return 0.05;
    default:
      return 0.02;
  }
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** One BKT step: the probability of mastery after observing an answer with the given credit. */
export function bktUpdate(pMastery: number, credit: number, params: BktParams = BKT_DEFAULTS): number {
  const p = clamp01(pMastery);
  const c = clamp01(credit);
  const { pSlip: s, pGuess: g, pTransit: t } = params;
  const right = (p * (1 - s)) / (p * (1 - s) + (1 - p) * g || 1);
  const wrong = (p * s) / (p * s + (1 - p) * (1 - g) || 1);
  const posterior = c * right + (1 - c) * wrong;
  return clamp01(posterior + (1 - posterior) * t);
}

/** The chance of answering an item on the point right: P(L)(1−S) + (1−P(L))G. */
export const predictCorrect = (pMastery: number, params: BktParams = BKT_DEFAULTS): number =>
  clamp01(pMastery) * (1 - params.pSlip) + (1 - clamp01(pMastery)) * params.pGuess;

export type Observation = { knowledgePointIds: readonly string[]; credit: number; itemType: string; optionCount?: number };

/**
 * Applies a sequence of observations (in answer order) to a person's mastery map and returns the
 * new values of the points touched. An item on several points updates each of them.
 */
export function traceMastery(
  current: ReadonlyMap<string, number>,
  observations: readonly Observation[],
  params: BktParams = BKT_DEFAULTS,
): Map<string, { p: number; observations: number; correct: number }> {
  const out = new Map<string, { p: number; observations: number; correct: number }>();
  for (const o of observations) {
    const itemParams = { ...params, pGuess: guessFor(o.itemType, o.optionCount) };
    for (const kp of o.knowledgePointIds) {
      const prev = out.get(kp) ?? { p: current.get(kp) ?? params.pInit, observations: 0, correct: 0 };
      out.set(kp, {
        p: bktUpdate(prev.p, o.credit, itemParams),
        observations: prev.observations + 1,
        correct: prev.correct + (o.credit >= 1 - 1e-9 ? 1 : 0),
      });
    }
  }
  return out;
}

export type Candidate = { itemId: string; knowledgePointIds: readonly string[]; /** 0 (easiest) … 1 (hardest) */ difficulty: number };

/**
 * Picks a person's next practice items: points furthest from mastery first, one item per point
 * in turn (so a session covers several weak points), and on each point the item whose difficulty
 * is closest to the person's mastery (weak pupils get easier items, strong ones harder). Points
 * already mastered are skipped unless nothing else is left. Ties break by item id, so the pick
 * is deterministic.
 */
export function pickNextItems(
  candidates: readonly Candidate[],
  mastery: ReadonlyMap<string, number>,
  opts: { count: number; exclude?: ReadonlySet<string>; params?: BktParams },
): Candidate[] {
  const pInit = (opts.params ?? BKT_DEFAULTS).pInit;
  const level = (c: Candidate) =>
    c.knowledgePointIds.length ? Math.min(...c.knowledgePointIds.map((k) => mastery.get(k) ?? pInit)) : pInit;
  const pool = candidates.filter((c) => !opts.exclude?.has(c.itemId));
  const open = pool.filter((c) => level(c) < MASTERED_AT);
  const source = open.length ? open : pool;
  // group by the weakest point of each item
  const byPoint = new Map<string, { m: number; items: Candidate[] }>();
  for (const c of source) {
    const m = level(c);
    const kp = c.knowledgePointIds.length
      ? c.knowledgePointIds.reduce((a, k) => ((mastery.get(k) ?? pInit) < (mastery.get(a) ?? pInit) ? k : a))
      : '';
    const g = byPoint.get(kp) ?? { m, items: [] };
    g.items.push(c);
    byPoint.set(kp, g);
  }
  const groups = [...byPoint.entries()]
    .sort((a, b) => a[1].m - b[1].m || a[0].localeCompare(b[0]))
    .map(([, g]) =>
      g.items.sort((x, y) => Math.abs(x.difficulty - g.m) - Math.abs(y.difficulty - g.m) || x.itemId.localeCompare(y.itemId)),
    );
  const picked: Candidate[] = [];
  const seen = new Set<string>();
  for (let round = 0; picked.length < opts.count && groups.some((g) => g.length > round); round++) {
    for (const g of groups) {
      const c = g[round];
      if (c && !seen.has(c.itemId)) {
        seen.add(c.itemId);
        picked.push(c);
        if (picked.length >= opts.count) break;
      }
    }
  }
  return picked;
}
