import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SEARCH_FACETS } from '@qiming/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { bulkIndexDocuments } from './bulk.ts';
import { generateResources, type Place } from './fixtures/generate.ts';
import { CHANGE_LOG_KEEP_MS, IndexHolder } from './index-holder.ts';
import type { InvertedIndex, SearchPlan } from './inverted-index.ts';
import { parseQuery } from './query.ts';
import { buildSearchDocument } from './search.factory.ts';
import { indexDocuments, pruneSearchChanges, removeDocument, updatePopularity } from './search.service.ts';

/*
 * Following the table: two holders on one database stand for two server processes, each with
 * its own index, kept in step through search_changes; a rebuild from the table equals what was
 * followed change by change.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const places: Place[] = [
  { schoolId: randomUUID(), schoolName: '一小', schoolPath: '/x/a/', districtId: randomUUID(), districtPath: '/x/', cityPath: '/' },
];
const plan = (q: string): SearchPlan => ({
  clauses: parseQuery(q).map((x) => [{ words: [x.term] }, ...x.alternatives.map((words) => ({ words }))]),
  mode: 'all',
  filters: {},
  visible: null,
  order: 'newest',
  k: 1000,
  facets: SEARCH_FACETS,
  facetLimit: 100,
  now: Date.UTC(2026, 11, 1),
});
const ids = (index: InvertedIndex, q: string) =>
  index
    .search(plan(q))
    .top.map((x) => index.keyOf(x.slot).refId)
    .sort();

describe('index holder', () => {
  it('two processes follow one change log: upserts, popularity, removals, rollbacks', async () => {
    const a = new IndexHolder(t.ctx.db, 0);
    const b = new IndexHolder(t.ctx.db, 0);
    const doc = buildSearchDocument({ title: '圆的面积 跟随测试' });
    expect(ids(await a.current(), '跟随测试')).toEqual([]);
    await t.ctx.db.transaction().execute((tx) => indexDocuments(tx, [doc]));
    expect(ids(await a.current(), '跟随测试')).toEqual([doc.refId]);
    expect(ids(await b.current(), '跟随测试')).toEqual([doc.refId]);

    // a rolled-back publish leaves nothing, and its number in the log is passed over
    const ghost = buildSearchDocument({ title: '跟随测试 回滚' });
    await expect(
      t.ctx.db.transaction().execute(async (tx) => {
        await indexDocuments(tx, [ghost]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await updatePopularity(t.ctx.db, 'resource', doc.refId, 321);
    await a.current();
    const index = await a.current();
    expect(ids(index, '跟随测试')).toEqual([doc.refId]);
    expect(index.statics(index.slotOf('resource', doc.refId)).popularity).toBe(321);

    await indexDocuments(t.ctx.db, [{ ...doc, title: '圆的周长 跟随测试' }]);
    expect(ids(await b.current(), '面积')).not.toContain(doc.refId);
    expect(ids(await b.current(), '周长')).toContain(doc.refId);
    await removeDocument(t.ctx.db, 'resource', doc.refId);
    expect(ids(await a.current(), '跟随测试')).toEqual([]);
    expect(ids(await b.current(), '跟随测试')).toEqual([]);
  });

  it('a bulk load (segmented in a worker thread) is announced, and every holder rebuilds', async () => {
    const a = new IndexHolder(t.ctx.db, 0);
    await a.current();
    const docs = [...generateResources(300, 5, places, randomUUID)].map((d, i) => ({
      ...d,
      title: `${d.title} 批量${i % 2 ? '甲' : '乙'}`,
    }));
    expect(await bulkIndexDocuments(t.ctx.db, docs.slice(0, 150), { workers: 1, batchSize: 40 })).toBe(150);
    expect(await bulkIndexDocuments(t.ctx.db, docs.slice(150), { workers: 0, batchSize: 64 })).toBe(150);
    const followed = await a.current();
    expect(followed.search(plan('批量')).total).toBe(docs.filter((d) => d.visibility === 'public').length);
  });

  it('a bulk load stores awkward text exactly as the transactional path does (quotes, backslashes, braces, NULL, emoji)', async () => {
    const awkward = (title: string) =>
      buildSearchDocument({
        title,
        body: '他说："\\N" {1,2} NULL \\ 反斜杠\t制表 🍎 ,"',
        keywords: ['a"b', 'c\\d', '{x,y}', 'NULL', ''],
        knowledgePoints: [],
        author: null,
        popularity: 0.125,
      });
    const bulk = [awkward('转义 批量 "引号" \\'), awkward('NULL')];
    const single = awkward('转义 事务');
    await bulkIndexDocuments(t.ctx.db, bulk, { workers: 1 });
    await indexDocuments(t.ctx.db, [single]);
    const { rows } = await sql<{
      ref_id: string;
      title: string;
      body: string;
      keywords: string[];
      author: string | null;
      popularity: number;
    }>`
      SELECT ref_id, title, body, keywords, author, popularity FROM search_documents
      WHERE ref_id IN (${sql.join([...bulk, single].map((d) => d.refId))})`.execute(t.ctx.db);
    for (const d of [...bulk, single]) {
      const row = rows.find((r) => r.ref_id === d.refId);
      expect(row, d.title).toEqual({
        ref_id: d.refId,
        title: d.title,
        body: d.body,
        keywords: d.keywords,
        author: null,
        popularity: 0.125,
      });
    }
  });

  it('a rebuild from the table equals the index followed change by change', async () => {
    const follower = new IndexHolder(t.ctx.db, 0);
    await follower.current();
    const docs = [...generateResources(200, 9, places, randomUUID)];
    for (let i = 0; i < docs.length; i += 25) await indexDocuments(t.ctx.db, docs.slice(i, i + 25));
    for (const d of docs.slice(0, 40)) await indexDocuments(t.ctx.db, [{ ...d, title: `${d.title} 修订`, popularity: d.popularity + 1 }]);
    for (const d of docs.slice(40, 60)) await removeDocument(t.ctx.db, d.kind, d.refId);
    const followed = await follower.current();
    const fresh = await new IndexHolder(t.ctx.db).current();
    expect(followed.alive).toBe(fresh.alive);
    for (const q of ['课件', '分数', '修订', '三年级 数学', 'fs']) {
      const x = followed.search(plan(q));
      const y = fresh.search(plan(q));
      expect(x.total, q).toBe(y.total);
      expect(x.facets, q).toEqual(y.facets);
      expect(ids(followed, q), q).toEqual(ids(fresh, q));
    }
  });

  it('a snapshot on disk is read back at start and brought up to date from the log; a damaged or foreign one is refused', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiming-search-snapshot-'));
    const file = path.join(dir, 'search-index.snapshot');
    const docs = [...generateResources(200, 13, places, randomUUID)].map((d) => ({ ...d, title: `${d.title} 快照` }));
    try {
      await indexDocuments(t.ctx.db, docs);
      const writer = new IndexHolder(t.ctx.db, 0, { file, minSize: 0 });
      await writer.current();
      // a build writes one by itself; this waits for it (or writes it)
      await writer.saveSnapshot();
      expect((await fs.stat(file)).size).toBeGreaterThan(0);

      // changes after the snapshot: an edit, a removal, a popularity, a new document
      await indexDocuments(t.ctx.db, [{ ...docs[0]!, title: '晨曦 修订' }]);
      await removeDocument(t.ctx.db, docs[1]!.kind, docs[1]!.refId);
      await updatePopularity(t.ctx.db, 'resource', docs[2]!.refId, 4321);
      const added = buildSearchDocument({ title: '晨曦 新增' });
      await indexDocuments(t.ctx.db, [added]);

      const reader = new IndexHolder(t.ctx.db, 0, { file, minSize: 0 });
      const read = await reader.current();
      expect(reader.stats().source).toBe('snapshot');
      const table = await new IndexHolder(t.ctx.db, 0).current();
      expect(read.alive).toBe(table.alive);
      for (const q of ['快照', '晨曦', '课件', '分数', 'fs']) {
        const x = read.search(plan(q));
        const y = table.search(plan(q));
        expect(x.total, q).toBe(y.total);
        expect(x.facets, q).toEqual(y.facets);
        expect(ids(read, q), q).toEqual(ids(table, q));
      }
      expect(ids(read, '晨曦')).toEqual([docs[0]!.refId, added.refId].sort());
      expect(read.statics(read.slotOf('resource', docs[2]!.refId)).popularity).toBe(4321);
      // the reader goes on following the log like any holder
      await removeDocument(t.ctx.db, 'resource', added.refId);
      expect(ids(await reader.current(), '晨曦')).toEqual([docs[0]!.refId]);

      // a file cut short is refused: built from the table
      const bytes = await fs.readFile(file);
      await fs.writeFile(file, bytes.subarray(0, bytes.length - 100));
      const cut = new IndexHolder(t.ctx.db, 0, { file, minSize: 0 });
      await cut.current();
      expect(cut.stats().source).toBe('table');

      // a snapshot whose place the log no longer holds (another database, or pruned since) is refused
      await fs.writeFile(file, bytes);
      await sql`DELETE FROM search_changes WHERE seq < (SELECT max(seq) FROM search_changes)`.execute(t.ctx.db);
      const foreign = new IndexHolder(t.ctx.db, 0, { file, minSize: 0 });
      await foreign.current();
      expect(foreign.stats().source).toBe('table');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('the change log is pruned after a day; a holder that has not read it for half a day rebuilds instead of replaying', async () => {
    const holder = new IndexHolder(t.ctx.db, 0);
    await holder.current();
    const [early, late] = [buildSearchDocument({ title: '修剪测试 早' }), buildSearchDocument({ title: '修剪测试 晚' })];
    await indexDocuments(t.ctx.db, [early]);
    // the early change was logged two days ago; the late one now
    await sql`UPDATE search_changes SET changed_at = now() - interval '2 days' WHERE ref_id = ${early.refId}`.execute(t.ctx.db);
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + CHANGE_LOG_KEEP_MS);
    try {
      await indexDocuments(t.ctx.db, [late]);
      expect(await pruneSearchChanges(t.ctx.db)).toBeGreaterThanOrEqual(1);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM search_changes WHERE ref_id = ${early.refId}`.execute(
        t.ctx.db,
      );
      expect(rows[0]!.n).toBe(0);
      // the holder last read the log a day ago (by the clock): the early change is gone from the log, yet it finds both
      expect(ids(await holder.current(), '修剪测试').sort()).toEqual([early.refId, late.refId].sort());
    } finally {
      clock.mockRestore();
    }
    // the newest row always stays: the log keeps its place even when everything in it is old
    await sql`UPDATE search_changes SET changed_at = now() - interval '3 days'`.execute(t.ctx.db);
    await pruneSearchChanges(t.ctx.db);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM search_changes`.execute(t.ctx.db);
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses a transaction: the index holds what is committed', async () => {
    const { holderFor } = await import('./index-holder.ts');
    await t.ctx.db.transaction().execute(async (tx) => {
      expect(() => holderFor(tx)).toThrow(/not a transaction/);
    });
  });
});
