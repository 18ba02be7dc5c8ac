import {
  ITEM_TYPE_NAMES,
  seededRandom,
  seededShuffle,
  type ItemType,
  type TAssemblyConstraints,
  type TAssemblyShortfall,
} from '@qiming/shared';

export type AssemblyCandidate = { id: string; type: ItemType; difficulty: number; knowledgePointIds: string[] };
export type AssemblyOutcome = {
  sections: { title: string; type: ItemType; items: { itemId: string; score: number }[] }[];
  totalScore: number;
  difficultyAchieved: Record<string, number>;
  knowledgePointsCovered: string[];
  shortfalls: TAssemblyShortfall[];
};

const LEVELS = [1, 2, 3, 4, 5];

/** Whole item counts per difficulty level from shares (largest remainder), summing to n. */
export function targetCounts(n: number, shares: Record<string, number> | undefined): Map<number, number> | null {
  if (!shares) return null;
  const total = LEVELS.reduce((s, d) => s + (shares[String(d)] ?? 0), 0);
  if (total <= 0) return null;
  const exact = LEVELS.map((d) => ({ d, x: (n * (shares[String(d)] ?? 0)) / total }));
  const out = new Map(exact.map(({ d, x }) => [d, Math.floor(x)]));
  let left = n - [...out.values()].reduce((a, b) => a + b, 0);
  for (const { d } of exact.slice().sort((a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)) || a.d - b.d)) {
    if (left-- <= 0) break;
    out.set(d, out.get(d)! + 1);
  }
  return out;
}

/**
 * Automatic assembly (智能组卷), greedy and deterministic for a seed: first one item for each
 * required knowledge point (the rarest first, preferring items that cover several), then every
 * remaining slot of each section from the difficulty level furthest below its target. What
 * cannot be met is reported with what was wanted and what was achieved. O(slots × candidates).
 */
export function assemble(candidates: AssemblyCandidate[], c: TAssemblyConstraints): AssemblyOutcome {
  const random = seededRandom(c.seed);
  const excluded = new Set(c.excludeItemIds);
  const wantedTypes = new Set(c.sections.map((s) => s.type));
  const pool = seededShuffle(
    candidates.filter((x) => !excluded.has(x.id) && wantedTypes.has(x.type)),
    random,
  );
  const byType = new Map<ItemType, AssemblyCandidate[]>();
  for (const x of pool) {
    const list = byType.get(x.type);
    if (list) list.push(x);
    else byType.set(x.type, [x]);
  }

  const need = new Map<ItemType, number>();
  for (const s of c.sections) need.set(s.type, (need.get(s.type) ?? 0) + s.count);
  const totalSlots = [...need.values()].reduce((a, b) => a + b, 0);
  const target = targetCounts(totalSlots, c.difficultyDistribution);
  const picked = new Map<ItemType, AssemblyCandidate[]>();
  const used = new Set<string>();
  const perLevel = new Map<number, number>(LEVELS.map((d) => [d, 0]));
  const covered = new Set<string>();
  const wantedKps = new Set(c.knowledgePointIds);

  const take = (x: AssemblyCandidate) => {
    used.add(x.id);
    const list = picked.get(x.type);
    if (list) list.push(x);
    else picked.set(x.type, [x]);
    need.set(x.type, need.get(x.type)! - 1);
    perLevel.set(x.difficulty, (perLevel.get(x.difficulty) ?? 0) + 1);
    for (const k of x.knowledgePointIds) covered.add(k);
  };
  const deficit = (d: number) => (target ? (target.get(d) ?? 0) - (perLevel.get(d) ?? 0) : 0);

  // 1. knowledge-point coverage, rarest point first
  if (wantedKps.size) {
    const support = new Map<string, number>();
    for (const x of pool) for (const k of x.knowledgePointIds) if (wantedKps.has(k)) support.set(k, (support.get(k) ?? 0) + 1);
    const order = [...wantedKps].sort((a, b) => (support.get(a) ?? 0) - (support.get(b) ?? 0));
    for (const kp of order) {
      if (covered.has(kp)) continue;
      let best: AssemblyCandidate | null = null;
      let bestScore = -Infinity;
      for (const x of pool) {
        if (used.has(x.id) || (need.get(x.type) ?? 0) <= 0 || !x.knowledgePointIds.includes(kp)) continue;
        const gain = x.knowledgePointIds.filter((k) => wantedKps.has(k) && !covered.has(k)).length;
        const s = gain * 10 + Math.sign(deficit(x.difficulty)) * 3;
        if (s > bestScore) {
          bestScore = s;
          best = x;
        }
      }
      if (best) take(best);
    }
  }

  // 2. fill each type's remaining slots, from the level furthest below its target
  for (const [type, list] of byType) {
    while ((need.get(type) ?? 0) > 0) {
      let best: AssemblyCandidate | null = null;
      let bestScore = -Infinity;
      for (const x of list) {
        if (used.has(x.id)) continue;
        const s = deficit(x.difficulty);
        if (s > bestScore) {
          bestScore = s;
          best = x;
          if (!target) break;
        }
      }
      if (!best) break;
      take(best);
    }
  }

  // 3. the sections, and what could not be met
  const shortfalls: TAssemblyShortfall[] = [];
  const queues = new Map([...picked].map(([t, l]) => [t, l.slice()]));
  const sections = c.sections.map((s) => {
    const items = (queues.get(s.type) ?? []).splice(0, s.count).map((x) => ({ itemId: x.id, score: s.scorePerItem }));
    if (items.length < s.count)
      shortfalls.push({
        constraint: 'type_count',
        type: s.type,
        wanted: s.count,
        achieved: items.length,
        message: `${ITEM_TYPE_NAMES[s.type]}需要 ${s.count} 道，符合条件的只有 ${items.length} 道（差 ${s.count - items.length} 道）`,
      });
    return { title: s.title || ITEM_TYPE_NAMES[s.type], type: s.type, items };
  });
  if (target) {
    for (const d of LEVELS) {
      const want = target.get(d) ?? 0;
      const got = perLevel.get(d) ?? 0;
      if (want !== got)
        shortfalls.push({
          constraint: 'difficulty',
          difficulty: d,
          wanted: want,
          achieved: got,
          message: `难度 ${d} 应有 ${want} 道，实际 ${got} 道（${got > want ? '多' : '少'} ${Math.abs(got - want)} 道）`,
        });
    }
  }
  for (const kp of wantedKps) {
    if (!covered.has(kp))
      shortfalls.push({
        constraint: 'knowledge_point',
        knowledgePointId: kp,
        wanted: 1,
        achieved: 0,
        message: '没有可用的题目覆盖该知识点',
      });
  }
  const totalScore = Math.round(sections.reduce((s, sec) => s + sec.items.reduce((a, i) => a + i.score, 0), 0) * 100) / 100;
  if (c.totalScore !== undefined && Math.abs(totalScore - c.totalScore) > 1e-9)
    shortfalls.push({
      constraint: 'total_score',
      wanted: c.totalScore,
      achieved: totalScore,
      message: `总分应为 ${c.totalScore} 分，组出的试卷为 ${totalScore} 分（${totalScore > c.totalScore ? '多' : '少'} ${Math.round(Math.abs(totalScore - c.totalScore) * 100) / 100} 分）`,
    });
  return {
    sections,
    totalScore,
    difficultyAchieved: Object.fromEntries(LEVELS.map((d) => [String(d), perLevel.get(d) ?? 0])),
    knowledgePointsCovered: [...wantedKps].filter((k) => covered.has(k)),
    shortfalls,
  };
}
