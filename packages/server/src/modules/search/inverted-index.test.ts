import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SEARCH_FACETS } from '@qiming/shared';
import { describe, expect, it } from 'vitest';
import { documentRow, type SearchDocumentInput } from './document.ts';
import { generateResources, type Place } from './fixtures/generate.ts';
import { toIndexedDoc } from './index-holder.ts';
import { readSnapshot, writeSnapshot } from './index-snapshot.ts';
import { FIELD, InvertedIndex, type FacetKey, type QueryClause, type SearchPlan, type Tuning } from './inverted-index.ts';
import { parseQuery } from './query.ts';

/*
 * The in-process index against brute force: the same documents, the same query, counted and
 * ranked by looking at every document. No database here (index-holder.test.ts covers following it).
 */

const places: Place[] = Array.from({ length: 6 }, (_, i) => ({
  schoolId: randomUUID(),
  schoolName: `第${i + 1}小学`,
  schoolPath: `/p/c/d${i % 2}/s${i}/`,
  districtId: `00000000-0000-4000-8000-00000000000${i % 2}`,
  districtPath: `/p/c/d${i % 2}/`,
  cityPath: '/p/c/',
}));
const docs = [...generateResources(1500, 11, places, randomUUID)];
const rows = new Map(docs.map((d) => [d.refId, documentRow(d)]));
/** Segmenting is the slow part: each document object is segmented once. */
const rowOf = new Map<SearchDocumentInput, ReturnType<typeof documentRow>>(docs.map((d) => [d, rows.get(d.refId)!]));

const indexed = (d: SearchDocumentInput) => {
  let r = rowOf.get(d);
  if (!r) rowOf.set(d, (r = documentRow(d)));
  return toIndexedDoc({
    kind: r.kind,
    ref_id: r.refId,
    terms: r.terms,
    doc_length: r.docLength,
    subject: r.subject,
    grade: r.grade,
    term: r.term,
    edition: r.edition,
    unit_id: r.unitId,
    unit_name: r.unitName,
    type: r.type,
    level: r.level,
    school_id: r.schoolId,
    school_name: r.schoolName,
    district_id: r.districtId,
    visibility: r.visibility,
    visible_path: r.visiblePath,
    popularity: r.popularity,
    published_ms: r.publishedAt.getTime(),
  });
};

function buildIndex(list: SearchDocumentInput[], tuning: Partial<Tuning> = {}): InvertedIndex {
  const index = new InvertedIndex(16, tuning);
  for (const d of list) index.upsert(indexed(d));
  return index;
}

const clauses = (q: string): QueryClause[] =>
  parseQuery(q).map((t) => [{ words: [t.term] }, ...t.alternatives.map((words) => ({ words }))]);

const plan = (q: string, over: Partial<SearchPlan> = {}): SearchPlan => ({
  clauses: clauses(q),
  mode: 'all',
  filters: {},
  visible: null,
  order: 'relevance',
  k: 20,
  facets: SEARCH_FACETS,
  facetLimit: 100,
  now: Date.UTC(2026, 11, 1),
  ...over,
});

/** The words of a document as the index holds them. */
const wordsOf = (d: SearchDocumentInput) =>
  new Set(
    rows
      .get(d.refId)!
      .terms.split(' ')
      .map((p) => p.slice(0, p.lastIndexOf(','))),
  );

/** Brute force: documents holding, for every clause, every word of one of its alternatives. */
function bruteMatches(
  list: SearchDocumentInput[],
  q: string,
  visiblePaths: Set<string> | null,
  filter: (d: SearchDocumentInput) => boolean,
) {
  const cs = clauses(q);
  return list.filter((d) => {
    const ws = wordsOf(d);
    const visible = d.visibility === 'public' || (visiblePaths !== null && visiblePaths.has(d.visiblePath!));
    return visible && filter(d) && cs.every((c) => c.some((alt) => alt.words.every((w) => ws.has(w))));
  });
}

const facetValue = (d: SearchDocumentInput, f: FacetKey): string | null =>
  ({
    kind: d.kind,
    subject: d.facets.subject,
    grade: d.facets.grade === null ? null : String(d.facets.grade),
    term: d.facets.term,
    edition: d.facets.edition,
    unit: d.facets.unitId,
    type: d.facets.type,
    level: d.facets.level,
    school: d.facets.schoolId,
    district: d.facets.districtId,
  })[f];

function bruteFacets(matches: SearchDocumentInput[]) {
  const out: Record<string, Record<string, number>> = {};
  for (const f of SEARCH_FACETS) {
    out[f] = {};
    for (const d of matches) {
      const v = facetValue(d, f);
      if (v !== null) out[f]![v] = (out[f]![v] ?? 0) + 1;
    }
  }
  return out;
}

const asCounts = (facets: Partial<Record<FacetKey, { value: string; count: number }[]>>) =>
  Object.fromEntries(SEARCH_FACETS.map((f) => [f, Object.fromEntries((facets[f] ?? []).map((v) => [v.value, v.count]))]));

const QUERIES = ['分数', '课件', '三年级 数学 课件', '分数的初步认识 ppt', '古诗 视频', 'fs', '人教版 上册 教案', '单元测试', 'unit'];

/**
 * Each test runs twice: with the thresholds of a real index (1,500 documents stay posting lists and
 * are scored in full), and with thresholds that make common words bitmaps and rank by buckets.
 */
describe.each([
  ['lists, every match scored', {}],
  ['bitmaps, best buckets first', { denseMin: 16, scoreAllBelow: 8, firstRound: 4 }],
] as [string, Partial<Tuning>][])('inverted index (%s)', (_, tuning) => {
  const index = buildIndex(docs, tuning);
  const build = (list: SearchDocumentInput[]) => buildIndex(list, tuning);

  it.each(QUERIES)('counts and facets for %s equal a brute-force count', (q) => {
    const r = index.search(plan(q));
    const expected = bruteMatches(docs, q, null, () => true);
    expect(r.total).toBe(expected.length);
    expect(asCounts(r.facets)).toEqual(bruteFacets(expected));
    expect(new Set(r.top.map((t) => index.keyOf(t.slot).refId)).size).toBe(Math.min(20, expected.length));
    for (const t of r.top) expect(expected.map((d) => d.refId)).toContain(index.keyOf(t.slot).refId);
  });

  it('applies visibility scopes and filters like the brute force', () => {
    const seen = new Set([places[0]!.schoolPath, places[0]!.districtPath, places[0]!.cityPath]);
    const visible = index.visibleScopes((p) => seen.has(p));
    const r = index.search(plan('课件', { visible, filters: { grade: '3', subject: '数学' } }));
    const expected = bruteMatches(docs, '课件', seen, (d) => d.facets.grade === 3 && d.facets.subject === '数学');
    expect(expected.length).toBeGreaterThan(0);
    expect(r.total).toBe(expected.length);
    expect(asCounts(r.facets)).toEqual(bruteFacets(expected));
    // public only sees fewer
    expect(index.search(plan('课件', { filters: { grade: '3', subject: '数学' } })).total).toBeLessThan(r.total);
    // an unknown filter value matches nothing
    expect(index.search(plan('课件', { filters: { subject: '物理' } })).total).toBe(0);
  });

  it('ranks newest and most popular exactly', () => {
    const expected = bruteMatches(docs, '分数', null, () => true);
    const newest = index.search(plan('分数', { order: 'newest', k: 5 })).top.map((t) => index.keyOf(t.slot).refId);
    const times = expected.map((d) => Math.floor(d.publishedAt.getTime() / 1000)).sort((a, b) => b - a);
    expect(newest.map((id) => Math.floor(docs.find((d) => d.refId === id)!.publishedAt.getTime() / 1000))).toEqual(times.slice(0, 5));
    const popular = index.search(plan('分数', { order: 'popular', k: 5 })).top.map((t) => index.keyOf(t.slot).refId);
    const pops = expected.map((d) => d.popularity).sort((a, b) => b - a);
    expect(popular.map((id) => docs.find((d) => d.refId === id)!.popularity)).toEqual(pops.slice(0, 5));
  });

  it('ranks a title match above a body match, and the relevance order is by score', () => {
    const r = index.search(plan('分数'));
    for (let i = 1; i < r.top.length; i++) expect(r.top[i - 1]!.score).toBeGreaterThanOrEqual(r.top[i]!.score);
    const small = build([
      { ...docs[0]!, refId: randomUUID(), title: '认识分数', body: '', popularity: 0 },
      { ...docs[0]!, refId: randomUUID(), title: '认识图形', body: '本课讲分数', popularity: 0 },
    ]);
    const top = small.search(plan('分数')).top;
    expect(top).toHaveLength(2);
    expect(top[0]!.score).toBeGreaterThan(top[1]!.score);
  });

  it("'any' matches the documents holding the most of the words any document holds", () => {
    const r = index.search(plan('分数 火箭', { mode: 'any' }));
    expect(index.search(plan('分数 火箭')).total).toBe(0);
    expect(r.total).toBe(bruteMatches(docs, '分数', null, () => true).length);
    expect(r.matchedClauses).toBe(1);
    // two of three: the documents with both 分数 and 课件, not every document with one of them
    const two = index.search(plan('分数 课件 火箭', { mode: 'any', atLeast: 2 }));
    const both = bruteMatches(docs, '分数 课件', null, () => true);
    expect(both.length).toBeGreaterThan(0);
    expect(two.total).toBe(both.length);
    expect(two.matchedClauses).toBe(2);
    expect(asCounts(two.facets)).toEqual(bruteFacets(both));
    // three words, two of which no document holds together with the third: the best is one word
    const one = index.search(plan('分数 火箭 飞船', { mode: 'any', atLeast: 2 }));
    expect(one.total).toBe(bruteMatches(docs, '分数', null, () => true).length);
  });

  it('filters on facets that are words narrow the candidates first and count as the brute force: every word, the fallback, no words', () => {
    const lessonPlans = (d: SearchDocumentInput) => d.facets.type === '教案';
    // every word, one type
    const all = index.search(plan('分数', { filters: { type: '教案' } }));
    const expected = bruteMatches(docs, '分数', null, lessonPlans);
    expect(expected.length).toBeGreaterThan(0);
    expect(all.total).toBe(expected.length);
    expect(asCounts(all.facets)).toEqual(bruteFacets(expected));
    // a typed type word that the type filter contradicts: the fallback keeps to the filter's documents
    const any = index.search(plan('三年级 数学 课件', { mode: 'any', filters: { type: '教案' } }));
    expect(index.search(plan('三年级 数学 课件', { filters: { type: '教案' } })).total).toBe(
      bruteMatches(docs, '三年级 数学 课件', null, lessonPlans).length,
    );
    const most = bruteMatches(docs, '三年级 数学', null, lessonPlans);
    expect(most.length).toBeGreaterThan(0);
    expect(any.matchedClauses).toBe(2);
    expect(any.total).toBe(
      [
        ...new Set([
          ...most,
          ...bruteMatches(docs, '三年级 课件', null, lessonPlans),
          ...bruteMatches(docs, '数学 课件', null, lessonPlans),
        ]),
      ].length,
    );
    for (const t of any.top) expect(docs.find((d) => d.refId === index.keyOf(t.slot).refId)!.facets.type).toBe('教案');
    // no words, newest first: the filters alone
    const sample = docs.find((d) => d.facets.subject === '数学' && d.facets.grade === 3 && d.facets.term !== null)!;
    const term = sample.facets.term!;
    const none = index.search(plan('', { order: 'newest', filters: { subject: '数学', grade: '3', term } }));
    const filtered = bruteMatches(docs, '', null, (d) => d.facets.subject === '数学' && d.facets.grade === 3 && d.facets.term === term);
    expect(filtered.length).toBeGreaterThan(0);
    expect(none.total).toBe(filtered.length);
    expect(asCounts(none.facets)).toEqual(bruteFacets(filtered));
  });

  it('ranks by the best buckets first exactly as by scoring every match', () => {
    const seen = new Set([places[1]!.schoolPath, places[1]!.districtPath]);
    const visible = index.visibleScopes((p) => seen.has(p));
    // after the index was made (buckets bound the recency factor) and before it (room for all of it)
    for (const now of [Date.now() + 86_400_000, Date.UTC(2026, 0, 1)]) {
      for (const q of [...QUERIES, '']) {
        const cases: [string, Partial<SearchPlan>][] = [
          [q, {}],
          [q, { visible }],
          [q, { filters: { grade: '3' } }],
          [q, { k: 3 }],
          [`${q} 火箭`, { mode: 'any' }],
        ];
        for (const [text, over] of cases) {
          const p = plan(text, { ...over, now });
          const pruned = index.search(p);
          const all = index.search(p, { scoreAll: true });
          expect(pruned.total).toBe(all.total);
          expect(pruned.top, `${text} ${JSON.stringify(over.filters ?? over.mode ?? over.k ?? '')}`).toEqual(all.top);
        }
      }
    }
  });

  it('restricts an alternative to fields (suggestions complete title words only)', () => {
    const title = index.search({ ...plan(''), clauses: [[{ words: ['分数'], fields: FIELD.A }]] });
    const expected = docs.filter(
      (d) =>
        d.visibility === 'public' &&
        rows
          .get(d.refId)!
          .terms.split(' ')
          .some((p) => {
            const [w, c] = [p.slice(0, p.lastIndexOf(',')), Number(p.slice(p.lastIndexOf(',') + 1))];
            return w === '分数' && (c & FIELD.A) !== 0;
          }),
    );
    expect(title.total).toBe(expected.length);
    expect(index.wordsWithPrefix('分数').every((w) => w.startsWith('分数'))).toBe(true);
  });

  it('updates, removals and popularity applied one by one equal a rebuild, also after compaction', () => {
    const live = new InvertedIndex(16, tuning);
    let current = docs.slice(0, 1000);
    for (const d of current) live.upsert(indexed(d));
    // replace a third (new titles), remove a tenth, re-add some, change popularity
    const changed = current
      .filter((_, i) => i % 3 === 0)
      .map((d) => ({ ...d, title: `${d.title} 分数 复习`, popularity: d.popularity + 7 }));
    for (const d of changed) live.upsert(indexed(d));
    const byId = new Map(current.map((d) => [d.refId, d]));
    for (const d of changed) byId.set(d.refId, d);
    for (const d of current.filter((_, i) => i % 10 === 1)) {
      expect(live.remove(d.kind, d.refId)).toBe(true);
      byId.delete(d.refId);
    }
    expect(live.remove('resource', randomUUID())).toBe(false);
    const first = current[2]!;
    expect(live.setPopularity(first.kind, first.refId, 4999)).toBe(true);
    byId.set(first.refId, { ...byId.get(first.refId)!, popularity: 4999 });
    current = [...byId.values()];
    const rebuilt = build(current);
    expect(live.alive).toBe(rebuilt.alive);
    const same = (a: InvertedIndex, b: InvertedIndex) => {
      for (const q of QUERIES) {
        for (const order of ['relevance', 'newest', 'popular'] as const) {
          const x = a.search(plan(q, { order }));
          const y = b.search(plan(q, { order }));
          expect(x.total, q).toBe(y.total);
          expect(x.facets, q).toEqual(y.facets);
          // the same scores in the same order; equal scores may come in another slot order
          expect(x.top.map((t) => t.score)).toEqual(y.top.map((t) => t.score));
          const last = x.top.at(-1)?.score;
          const ids = (i: InvertedIndex, r: typeof x) =>
            r.top
              .filter((t) => t.score !== last)
              .map((t) => i.keyOf(t.slot).refId)
              .sort();
          expect(ids(a, x), `${q} ${order}`).toEqual(ids(b, y));
        }
      }
    };
    same(live, rebuilt);
    expect(live.size).toBeGreaterThan(live.alive);
    live.compact();
    expect(live.size).toBe(live.alive);
    same(live, rebuilt);
    expect(live.slotOf(first.kind, first.refId)).toBeGreaterThanOrEqual(0);
    expect(live.statics(live.slotOf(first.kind, first.refId)).popularity).toBe(4999);
  });

  it('a snapshot read back (taken while changes went on, then those changes applied again) equals the live index', async () => {
    const live = build(docs.slice(0, 900));
    const { header, arrays, release } = live.snapshot();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiming-index-snapshot-'));
    const file = path.join(dir, 'index.snapshot');
    try {
      // changes while the snapshot is being written: they may show in its arrays half made
      const later = [
        ...docs.slice(900, 1000),
        ...docs.slice(0, 50).map((d) => ({ ...d, title: `${d.title} 分数 复习`, popularity: d.popularity + 3 })),
      ];
      const writing = writeSnapshot(file, header, arrays);
      for (const d of later) live.upsert(indexed(d));
      live.remove(docs[60]!.kind, docs[60]!.refId);
      live.setPopularity(docs[61]!.kind, docs[61]!.refId, 4998);
      await writing;
      release();
      const snap = await readSnapshot<typeof header>(file);
      const restored = InvertedIndex.restore(snap.header, snap.next);
      expect(snap.remaining()).toBe(0);
      // what the change log would replay (in another order: slots past the snapshot's size go to other documents)
      for (const d of [...later].reverse()) restored.upsert(indexed(d));
      restored.remove(docs[60]!.kind, docs[60]!.refId);
      restored.setPopularity(docs[61]!.kind, docs[61]!.refId, 4998);
      expect(restored.alive).toBe(live.alive);
      const now = Date.now() + 60_000;
      for (const q of [...QUERIES, '']) {
        for (const order of ['relevance', 'newest', 'popular'] as const) {
          const x = restored.search(plan(q, { order, now }));
          const y = live.search(plan(q, { order, now }));
          expect(x.total, q).toBe(y.total);
          expect(x.facets, q).toEqual(y.facets);
          expect(
            x.top.map((t) => t.score),
            `${q} ${order}`,
          ).toEqual(y.top.map((t) => t.score));
        }
      }
      expect(restored.wordsWithPrefix('分')).toEqual(live.wordsWithPrefix('分'));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a reference that is not a UUID', () => {
    expect(() => new InvertedIndex().upsert({ ...indexed(docs[0]!), refId: 'abc' })).toThrow(/UUID/);
  });
});
