import { describe, expect, it } from 'vitest';
import {
  discriminationQuality,
  itemStatistics,
  knowledgePointRates,
  median,
  optionCounts,
  pearson,
  scoreBand,
  scoreHistogram,
  testStatistics,
  upperLowerGroups,
  variance,
  type ScoreMatrix,
} from './ctt.ts';

const dichotomous: ScoreMatrix = {
  items: [
    { key: 'q1', maxScore: 1 },
    { key: 'q2', maxScore: 1 },
    { key: 'q3', maxScore: 1 },
  ],
  persons: [
    { id: 'p1', scores: [1, 1, 1] },
    { id: 'p2', scores: [1, 1, 0] },
    { id: 'p3', scores: [1, 0, 0] },
    { id: 'p4', scores: [0, 1, 0] },
    { id: 'p5', scores: [0, 0, 0] },
  ],
};

describe('basic statistics', () => {
  it('variance is the population variance', () => {
    expect(variance([3, 2, 1, 1, 0])).toBeCloseTo(1.04, 10);
    expect(variance([5])).toBe(0);
    expect(variance([])).toBe(0);
  });
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });
  it('pearson: perfect, inverse, undefined', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 10);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1], [1])).toBeNull();
  });
});

describe('item statistics', () => {
  const stats = itemStatistics(dichotomous);
  it('p-value is the share right', () => {
    expect(stats.map((s) => s.p)).toEqual([0.6, 0.6, 0.2]);
    expect(stats.map((s) => s.correctRate)).toEqual([0.6, 0.6, 0.2]);
  });
  it('point-biserial is corrected (item against the rest of the test)', () => {
    // item 1 against rest scores [2,1,0,1,0]: r = 0.6 / sqrt(1.2 × 2.8)
    expect(stats[0].pointBiserial).toBeCloseTo(0.6 / Math.sqrt(1.2 * 2.8), 3);
  });
  it('upper-lower 27% discrimination', () => {
    // 27% of 5 rounds to 1 person: p1 (top) against p5 (bottom)
    expect(stats.map((s) => s.discrimination)).toEqual([1, 1, 1]);
    expect(stats[0].quality).toBe('excellent');
  });
  it('difficulty bands', () => {
    expect(stats[2].band).toBe('hard');
    expect(stats[0].band).toBe('medium');
  });
  it('an item everybody gets right has no correlation and no discrimination', () => {
    const m: ScoreMatrix = {
      items: [
        { key: 'a', maxScore: 2 },
        { key: 'b', maxScore: 2 },
      ],
      persons: [0, 1, 2, 2, 1, 0].map((b, i) => ({ id: `p${i}`, scores: [2, b] })),
    };
    const [a, b] = itemStatistics(m);
    expect(a.p).toBe(1);
    expect(a.band).toBe('easy');
    expect(a.pointBiserial).toBeNull();
    expect(a.discrimination).toBe(0);
    expect(a.quality).toBe('poor');
    expect(b.p).toBe(0.5);
    expect(b.correctRate).toBeCloseTo(2 / 6, 3);
  });
  it('partial credit counts as a fraction of the maximum; unanswered counts 0', () => {
    const m: ScoreMatrix = {
      items: [{ key: 'essay', maxScore: 10 }],
      persons: [
        { id: 'a', scores: [10] },
        { id: 'b', scores: [5] },
        { id: 'c', scores: [null] },
      ],
    };
    expect(itemStatistics(m)[0].p).toBe(0.5);
    expect(itemStatistics(m)[0].correctRate).toBeCloseTo(1 / 3, 3);
  });
  it('a discriminating item separates strong from weak, a reversed one goes negative', () => {
    const persons = Array.from({ length: 20 }, (_, i) => ({
      id: `p${i}`,
      // q1..q4 follow ability, q5 is answered right by the weak only
      scores: [i >= 5 ? 1 : 0, i >= 8 ? 1 : 0, i >= 10 ? 1 : 0, i >= 12 ? 1 : 0, i < 6 ? 1 : 0],
    }));
    const m: ScoreMatrix = { items: ['q1', 'q2', 'q3', 'q4', 'q5'].map((key) => ({ key, maxScore: 1 })), persons };
    const s = itemStatistics(m);
    expect(s[2].discrimination).toBe(1);
    expect(s[2].pointBiserial!).toBeGreaterThan(0.5);
    expect(s[4].discrimination!).toBeLessThan(0);
    expect(s[4].pointBiserial!).toBeLessThan(0);
    expect(s[4].quality).toBe('poor');
  });
  it('fewer than 4 persons: no discrimination index', () => {
    const m: ScoreMatrix = { items: [{ key: 'a', maxScore: 1 }], persons: [{ id: 'x', scores: [1] }] };
    expect(itemStatistics(m)[0].discrimination).toBeNull();
    expect(itemStatistics(m)[0].quality).toBeNull();
  });
  it('no persons at all', () => {
    const m: ScoreMatrix = { items: [{ key: 'a', maxScore: 1 }], persons: [] };
    expect(itemStatistics(m)[0]).toMatchObject({ n: 0, p: 0, correctRate: 0, pointBiserial: null, discrimination: null });
  });
});

describe('test statistics', () => {
  it('mean, sd, median, range and Cronbach α (= KR-20 here)', () => {
    const t = testStatistics(dichotomous);
    expect(t).toMatchObject({ n: 5, maxScore: 3, mean: 1.4, median: 1, min: 0, max: 3 });
    expect(t.sd).toBeCloseTo(Math.sqrt(1.04), 2);
    // α = 3/2 × (1 − 0.64 / 1.04)
    expect(t.alpha).toBeCloseTo(1.5 * (1 - 0.64 / 1.04), 3);
    expect(t.sem).toBeCloseTo(Math.sqrt(1.04) * Math.sqrt(1 - 1.5 * (1 - 0.64 / 1.04)), 2);
  });
  it('α is undefined for one item or no variance', () => {
    expect(testStatistics({ items: [{ key: 'a', maxScore: 1 }], persons: dichotomous.persons }).alpha).toBeNull();
    const same = { ...dichotomous, persons: dichotomous.persons.map((p) => ({ ...p, scores: [1, 1, 1] })) };
    expect(testStatistics(same).alpha).toBeNull();
  });
  it('perfectly parallel items give α = 1', () => {
    const persons = [0, 1, 1, 0, 1].map((v, i) => ({ id: String(i), scores: [v, v, v, v] }));
    expect(testStatistics({ items: ['a', 'b', 'c', 'd'].map((key) => ({ key, maxScore: 1 })), persons }).alpha).toBe(1);
  });
});

describe('groups, bands, histogram, options, knowledge points', () => {
  it('upper and lower groups are 27% each, at least one', () => {
    const g = upperLowerGroups([5, 9, 1, 7, 3, 8, 2, 6, 4, 0]);
    expect(g.upper).toEqual([1, 5, 3]);
    expect(g.lower).toEqual([6, 2, 9]);
    expect(upperLowerGroups([1, 2])).toEqual({ upper: [1], lower: [0] });
  });
  it('Ebel quality thresholds', () => {
    expect([0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.1, -0.2].map(discriminationQuality)).toEqual([
      'excellent',
      'excellent',
      'good',
      'good',
      'fair',
      'fair',
      'poor',
      'poor',
    ]);
  });
  it('score bands at 90/80/70/60 percent', () => {
    expect([100, 90, 89.5, 80, 75, 60, 59, 0].map((s) => scoreBand(s, 100))).toEqual([
      'excellent',
      'excellent',
      'good',
      'good',
      'medium',
      'pass',
      'fail',
      'fail',
    ]);
    expect(scoreBand(0, 0)).toBe('fail');
  });
  it('histogram puts the maximum in the top bin', () => {
    const h = scoreHistogram([0, 9.9, 10, 55, 100, 100], 100, 10);
    expect(h).toHaveLength(10);
    expect(h[0]).toEqual({ from: 0, to: 10, count: 2 });
    expect(h[1].count).toBe(1);
    expect(h[5].count).toBe(1);
    expect(h[9]).toEqual({ from: 90, to: 100, count: 2 });
    expect(h.reduce((a, b) => a + b.count, 0)).toBe(6);
  });
  it('option counts and unanswered', () => {
    expect(optionCounts([['A'], ['B'], ['A', 'C'], null, [], ['Z']], ['A', 'B', 'C', 'D'])).toEqual({
      counts: { A: 2, B: 1, C: 1, D: 0 },
      unanswered: 2,
    });
  });
  it('knowledge point rates pool the items of each point', () => {
    const rates = knowledgePointRates(
      [
        { key: 'q1', maxScore: 2, knowledgePointIds: ['k1'] },
        { key: 'q2', maxScore: 2, knowledgePointIds: ['k1', 'k2'] },
      ],
      [{ scores: [2, 0] }, { scores: [1, 2] }],
    );
    expect(rates.get('k1')).toEqual({ rate: 0.625, items: 2 });
    expect(rates.get('k2')).toEqual({ rate: 0.5, items: 1 });
  });
});
