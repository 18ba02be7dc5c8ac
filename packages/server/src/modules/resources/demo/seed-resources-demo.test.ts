import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { RESOURCE_TYPES } from '@qiming/shared';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config.ts';
import { pgliteDatabase, type Database } from '../../../core/db/database.ts';
import { migrateToLatest } from '../../../core/db/migrate.ts';
import { createAppContext, createServer } from '../../../server.ts';
import { seedDemo } from '../../org/index.ts';
import { ensureShippedCatalogue } from '../curriculum/curriculum.service.ts';
import { contentMatches, extensionOf, extractDocumentText } from '../files.ts';
import { ensureLexicon } from '../screening/sensitive.ts';
import { seedResourcesDemo } from './seed-resources-demo.ts';

let database: Database;
let ctx: ReturnType<typeof createAppContext>;
let result: Awaited<ReturnType<typeof seedResourcesDemo>>;
let seconds = 0;
let close: () => Promise<void>;
let base = '';
const dataDir = mkdtempSync(path.join(tmpdir(), 'qiming-res-demo-'));

beforeAll(async () => {
  database = pgliteDatabase(await PGlite.create());
  await migrateToLatest(database.db);
  ctx = createAppContext(database, {
    ...loadConfig({ QIMING_DATA_DIR: dataDir }, { dotEnv: false }),
    secretKey: 'res-demo-test-key-0123456789',
  });
  await ensureShippedCatalogue(ctx.db);
  await ensureLexicon(ctx.db);
  await seedDemo(ctx, 'Demo#Pass2026');
  const started = Date.now();
  result = await seedResourcesDemo(ctx);
  seconds = (Date.now() - started) / 1000;
  const { server } = await createServer(ctx);
  await server.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  close = () => server.close();
}, 180_000);
afterAll(async () => {
  await close?.();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const rows = () =>
  database.db
    .selectFrom('resources as r')
    .innerJoin('stored_files as f', 'f.hash', 'r.file_hash')
    .select(['r.id', 'r.type', 'r.status', 'r.audience', 'r.marks', 'r.title', 'r.file_name', 'r.file_hash', 'r.unit_id', 'f.text_content'])
    .execute();

describe('demo resources', () => {
  it('fills the catalogue with every type, audience and status, once', async () => {
    expect(result!.published).toBeGreaterThanOrEqual(150);
    expect(result!.published).toBeLessThanOrEqual(300);
    const all = await rows();
    const published = all.filter((r) => r.status === 'published');
    for (const type of RESOURCE_TYPES) expect(published.filter((r) => r.type === type).length, type).toBeGreaterThanOrEqual(5);
    for (const a of ['school', 'district', 'city', 'public'])
      expect(
        published.some((r) => r.audience === a),
        a,
      ).toBe(true);
    expect(published.filter((r) => r.marks.length).length).toBeGreaterThanOrEqual(10);
    expect(published.filter((r) => r.unit_id).length / published.length).toBeGreaterThan(0.95);
    expect(all.filter((r) => r.status === 'in_review')).toHaveLength(result!.pending);
    expect(new Set(all.map((r) => r.status))).toEqual(new Set(['published', 'in_review', 'returned', 'draft', 'withdrawn']));
    expect(await seedResourcesDemo(ctx)).toBeNull();
    // a few seconds on an idle machine; generous here, the suite shares two cores
    expect(seconds).toBeLessThan(60);
  });

  it('keeps a real file of the right kind for each resource, and the documents hold their text', async () => {
    const all = await rows();
    const byExt = new Map<string, number>();
    for (const r of all) {
      const ext = extensionOf(r.file_name!);
      byExt.set(ext, (byExt.get(ext) ?? 0) + 1);
      const chunks: Buffer[] = [];
      for await (const c of ctx.storage.read(r.file_hash!)) chunks.push(c as Buffer);
      const data = Buffer.concat(chunks);
      expect(contentMatches(ext, data), r.file_name!).toBe(true);
      if (ext === 'pdf' && byExt.get('pdf')! <= 3)
        expect((await extractDocumentText(data, 'pdf')).replace(/\s/g, '')).toContain(r.title.replace(/\s/g, ''));
    }
    for (const ext of ['pdf', 'docx', 'pptx', 'mp4', 'png', 'wav']) expect(byExt.get(ext) ?? 0, ext).toBeGreaterThan(0);
  });

  it('screened the ones waiting: a sensitive word in context, a near-copy with its original', async () => {
    const screenings = await database.db
      .selectFrom('resource_screenings as s')
      .innerJoin('resources as r', 'r.id', 's.resource_id')
      .select(['r.title', 's.safety_hits', 's.duplicates', 's.is_flagged'])
      .execute();
    expect(screenings).toHaveLength(result!.pending);
    const spam = screenings.find((s) => (s.safety_hits as { word: string }[]).some((h) => h.word === '0008-qq.cn'));
    expect(spam?.is_flagged).toBe(true);
    const copy = screenings.find((s) => s.title.endsWith('（修改版）'))!;
    const best = (copy.duplicates as { title: string; similarity: number }[])[0];
    expect(`${best.title}（修改版）`).toBe(copy.title);
    expect(best.similarity).toBeGreaterThanOrEqual(0.85);
    expect(copy.is_flagged).toBe(true);
    expect(screenings.filter((s) => !s.is_flagged).length).toBeGreaterThan(0);
  });

  it('is in the search index: 分数 finds public fraction resources without signing in, and no school-only one', async () => {
    const res = await fetch(`${base}/api/search?q=${encodeURIComponent('分数')}&pageSize=50`);
    const body = (await res.json()) as { total: number; hits: { refId: string; title: string }[] };
    expect(res.status).toBe(200);
    expect(body.total).toBeGreaterThanOrEqual(5);
    const audiences = new Map((await rows()).map((r) => [r.id, r.audience]));
    expect(body.hits.every((h) => audiences.get(h.refId) === 'public')).toBe(true);
    expect(body.hits.filter((h) => h.title.includes('分数')).length).toBeGreaterThanOrEqual(3);
  });
});
