import { describe, expect, it } from 'vitest';
import {
  BKT_DEFAULTS,
  bktUpdate,
  guessFor,
  MASTERED_AT,
  pickNextItems,
  predictCorrect,
  traceMastery,
  type Candidate,
} from './knowledge-tracing.ts';

const P = { pInit: 0.3, pTransit: 0.1, pSlip: 0.1, pGuess: 0.2 };

describe('BKT update', () => {
  it('a right answer follows the posterior formula, then learning', () => {
    // P(L|right) = .3·.9 / (.3·.9 + .7·.2) = .27/.41; then + (1−·)·.1
    const post = 0.27 / 0.41;
    expect(bktUpdate(0.3, 1, P)).toBeCloseTo(post + (1 - post) * 0.1, 10);
  });
  it('a wrong answer follows the posterior formula, then learning', () => {
    const post = (0.3 * 0.1) / (0.3 * 0.1 + 0.7 * 0.8);
    expect(bktUpdate(0.3, 0, P)).toBeCloseTo(post + (1 - post) * 0.1, 10);
  });
  it('partial credit lies between wrong and right', () => {
    const half = bktUpdate(0.5, 0.5, P);
    expect(half).toBeGreaterThan(bktUpdate(0.5, 0, P));
    expect(half).toBeLessThan(bktUpdate(0.5, 1, P));
  });
  it('right answers raise mastery monotonically towards 1; wrong ones lower it', () => {
    let p = 0.3;
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) seen.push((p = bktUpdate(p, 1, P)));
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(p).toBeGreaterThan(MASTERED_AT);
    expect(bktUpdate(0.9, 0, P)).toBeLessThan(0.9);
  });
  it('stays within [0, 1] at the edges and with bad input', () => {
    for (const p of [0, 1, -1, 2])
      for (const c of [0, 1, -3, 5]) {
        const v = bktUpdate(p, c, P);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    expect(bktUpdate(1, 1, P)).toBe(1);
  });
  it('a lucky guess on a 2-option item teaches less than on an open item', () => {
    const tf = bktUpdate(0.3, 1, { ...P, pGuess: guessFor('true_false') });
    const open = bktUpdate(0.3, 1, { ...P, pGuess: guessFor('fill_blank') });
    expect(open).toBeGreaterThan(tf);
  });
  it('predicted correctness', () => {
    expect(predictCorrect(0, P)).toBeCloseTo(0.2);
    expect(predictCorrect(1, P)).toBeCloseTo(0.9);
  });
});

describe('guess by item type', () => {
  it('1/k for choices, 1/2 for true/false, small otherwise', () => {
    expect(guessFor('single_choice', 4)).toBe(0.25);
    expect(guessFor('single_choice', 2)).toBe(0.5);
    expect(guessFor('single_choice')).toBe(0.25);
    expect(guessFor('true_false')).toBe(0.5);
    expect(guessFor('multiple_choice', 4)).toBeCloseTo(1 / 15);
    expect(guessFor('numeric')).toBe(0.02);
    expect(guessFor('ordering')).toBe(0.05);
  });
});

describe('tracing a sequence', () => {
  it('updates every point of an item, counts observations and right answers', () => {
    const out = traceMastery(
      new Map([['k1', 0.5]]),
      [
        { knowledgePointIds: ['k1', 'k2'], credit: 1, itemType: 'fill_blank' },
        { knowledgePointIds: ['k1'], credit: 0, itemType: 'fill_blank' },
      ],
      P,
    );
    expect(out.get('k1')!.observations).toBe(2);
    expect(out.get('k1')!.correct).toBe(1);
    expect(out.get('k2')).toMatchObject({ observations: 1, correct: 1 });
    const k1 = bktUpdate(bktUpdate(0.5, 1, { ...P, pGuess: 0.02 }), 0, { ...P, pGuess: 0.02 });
    expect(out.get('k1')!.p).toBeCloseTo(k1, 10);
    // an unseen point starts at pInit
    expect(out.get('k2')!.p).toBeCloseTo(bktUpdate(P.pInit, 1, { ...P, pGuess: 0.02 }), 10);
  });
  it('no observations, no change', () => {
    expect(traceMastery(new Map(), [], BKT_DEFAULTS).size).toBe(0);
  });
});

describe('picking next items', () => {
  const items: Candidate[] = [
    { itemId: 'a1', knowledgePointIds: ['add'], difficulty: 0.2 },
    { itemId: 'a2', knowledgePointIds: ['add'], difficulty: 0.8 },
    { itemId: 'm1', knowledgePointIds: ['mul'], difficulty: 0.3 },
    { itemId: 'm2', knowledgePointIds: ['mul'], difficulty: 0.6 },
    { itemId: 'f1', knowledgePointIds: ['frac'], difficulty: 0.5 },
  ];
  const mastery = new Map([
    ['add', 0.97],
    ['mul', 0.2],
    ['frac', 0.6],
  ]);
  it('weakest point first, mastered points skipped, one item per point in turn', () => {
    expect(pickNextItems(items, mastery, { count: 3 }).map((c) => c.itemId)).toEqual(['m1', 'f1', 'm2']);
  });
  it('the difficulty closest to the mastery is chosen first', () => {
    const strong = new Map([
      ['add', 0.9],
      ['mul', 0.99],
      ['frac', 0.99],
    ]);
    expect(pickNextItems(items, strong, { count: 1 })[0].itemId).toBe('a2');
    expect(
      pickNextItems(
        items,
        new Map([
          ['add', 0.1],
          ['mul', 0.99],
          ['frac', 0.99],
        ]),
        { count: 1 },
      )[0].itemId,
    ).toBe('a1');
  });
  it('excluded items are not picked; with everything mastered it still returns items', () => {
    expect(pickNextItems(items, mastery, { count: 5, exclude: new Set(['m1']) }).map((c) => c.itemId)).not.toContain('m1');
    const all = new Map([
      ['add', 0.99],
      ['mul', 0.99],
      ['frac', 0.99],
    ]);
    expect(pickNextItems(items, all, { count: 2 })).toHaveLength(2);
  });
  it('never returns duplicates or more than asked, and is deterministic', () => {
    const a = pickNextItems(items, mastery, { count: 10 });
    expect(new Set(a.map((c) => c.itemId)).size).toBe(a.length);
    // the mastered point (add) is left out while open points remain
    expect(a.map((c) => c.itemId)).toEqual(['m1', 'f1', 'm2']);
    expect(pickNextItems(items, mastery, { count: 10 })).toEqual(a);
    expect(pickNextItems([], mastery, { count: 3 })).toEqual([]);
  });
  it('unknown points start at pInit', () => {
    const fresh = pickNextItems([{ itemId: 'x', knowledgePointIds: ['new'], difficulty: 0.3 }, ...items], mastery, { count: 2 });
    expect(fresh.map((c) => c.itemId)).toEqual(['m1', 'x']);
  });
});
