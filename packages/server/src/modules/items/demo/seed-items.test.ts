import { PGlite } from '@electric-sql/pglite';
import { gradeResponse, type TItemContent } from '@qiming/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config.ts';
import { pgliteDatabase, type Database } from '../../../core/db/database.ts';
import { migrateToLatest } from '../../../core/db/migrate.ts';
import { createAppContext } from '../../../server.ts';
import { seedDemo } from '../../org/index.ts';
import { getPaperForDelivery } from '../delivery.ts';
import { syncKnowledgePoints } from '../knowledge-points.ts';
import { loadCmathItems } from './cmath.ts';
import { seedItemsDemo } from './seed-items.ts';

let database: Database;
let ctx: ReturnType<typeof createAppContext>;
let result: Awaited<ReturnType<typeof seedItemsDemo>>;

beforeAll(async () => {
  database = pgliteDatabase(await PGlite.create());
  await migrateToLatest(database.db);
  await syncKnowledgePoints(database.db);
  ctx = createAppContext(database, { ...loadConfig({}, { dotEnv: false }), secretKey: 'items-demo-seed-test-key-0123' });
  await seedDemo(ctx, 'Demo#Pass2026');
  result = await seedItemsDemo(ctx);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

/** The response a pupil who knows the answer gives. */
function keyResponse(c: TItemContent): unknown {
  switch (c.type) {
    case 'numeric':
      return { value: c.answer };
    case 'single_choice':
      return { choice: c.answer };
    case 'multiple_choice':
      return { choices: c.answers };
    case 'true_false':
      return { value: c.answer };
    case 'fill_blank':
      return { blanks: c.blanks.map((b) => b.accepted[0]) };
    case 'matching':
      return { pairs: c.pairs };
    case 'ordering':
      return { order: c.order };
    case 'short_answer':
    case 'essay':
    case 'composite':
      return null;
  }
}

describe('demo question bank', () => {
  it('loads every CMATH problem as a numeric item', () => {
    const { items, skipped } = loadCmathItems();
    expect(skipped).toBe(0);
    expect(items).toHaveLength(600);
    expect(new Set(items.map((i) => i.grade))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(result).toMatchObject({ banks: 2, papers: 2 });
    expect(result!.items).toBeGreaterThan(630);
  });

  it('every item’s own key grades as correct, and every knowledge point exists', async () => {
    const rows = await database.db.selectFrom('item_versions').select('content').execute();
    const kps = new Set((await database.db.selectFrom('knowledge_points').select('id').execute()).map((k) => k.id));
    const wrong: string[] = [];
    for (const { content } of rows) {
      const c = content as TItemContent;
      for (const k of c.knowledgePointIds) if (!kps.has(k)) wrong.push(`unknown knowledge point in ${c.stem.slice(0, 20)}`);
      const r = keyResponse(c);
      if (r && gradeResponse(c, r).isCorrect !== true) wrong.push(c.stem.slice(0, 30));
    }
    expect(wrong).toEqual([]);
  });

  it('two demo papers that deliver, with each section filled', async () => {
    const papers = await database.db.selectFrom('papers').select(['id', 'title', 'total_score']).orderBy('title').execute();
    expect(papers.map((p) => p.title)).toEqual(['三年级数学上册 期末练习（演示）', '三年级语文 阅读与习作（演示）']);
    for (const p of papers) {
      const d = await getPaperForDelivery(database.db, p.id);
      expect(d.sections.every((s) => s.items.length > 0)).toBe(true);
      expect(d.totalScore).toBe(p.total_score);
    }
    expect(await seedItemsDemo(ctx)).toBeNull();
  });
});
