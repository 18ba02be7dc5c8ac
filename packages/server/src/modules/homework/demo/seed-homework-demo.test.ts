import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config.ts';
import { createSession, loadActor } from '../../../core/auth/session.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { pgliteDatabase, type Database } from '../../../core/db/database.ts';
import { migrateToLatest } from '../../../core/db/migrate.ts';
import { createAppContext } from '../../../server.ts';
import { syncKnowledgePoints } from '../../items/index.ts';
import { seedDemo } from '../../org/index.ts';
import { getAnalysis } from '../analysis.service.ts';
import { listMyAssignments } from '../assignments.service.ts';
import { seedHomeworkDemo } from './seed-homework-demo.ts';

let database: Database;
let app: ReturnType<typeof createAppContext>;
let seeded: Awaited<ReturnType<typeof seedHomeworkDemo>>;

beforeAll(async () => {
  database = pgliteDatabase(await PGlite.create());
  await migrateToLatest(database.db);
  await syncKnowledgePoints(database.db);
  app = createAppContext(database, { ...loadConfig({}, { dotEnv: false }), secretKey: 'homework-demo-test-key-0123456789' });
  await seedDemo(app, 'Demo#Pass2026');
  seeded = await seedHomeworkDemo(app);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

/** A signed-in context for a demo user in a role, as a request would carry it. */
async function as(username: string, role: 'student' | 'head_teacher'): Promise<AuthedContext> {
  const user = await database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const { token } = await createSession(app, database.db, { userId: user.id, activeRole: role, ip: null, userAgent: 'test' });
  return { ...app, actor: (await loadActor(app, token))!, ip: null, requestId: 'test' } as AuthedContext;
}

describe('homework demo', () => {
  it('gives the demo head teacher three assignments with graded attempts, and runs once', async () => {
    expect(seeded).toMatchObject({ assignments: 3 });
    expect(seeded!.attempts).toBeGreaterThan(30);
    expect(await seedHomeworkDemo(app)).toBeNull();
  });

  it('names each paper section by its item type, as a 语文 paper does', async () => {
    const rows = await database.db.selectFrom('hw_assignments').select(['title', 'paper']).execute();
    for (const r of rows) {
      const titles = (r.paper as { sections: { title: string }[] }).sections.map((s) => s.title);
      expect(titles.length).toBeGreaterThan(1);
      titles.forEach((t, i) => expect(t).toMatch(new RegExp(`^${'一二三四五'[i]}、(选择题|判断题|填空题|简答题)$`)));
      expect(titles).not.toContain('一、计算题');
    }
  });

  it("leaves today's homework open for the demo pupil, and the analysis of the class reads the attempts", async () => {
    const pupil = await as('s112024001', 'student');
    const todo = await listMyAssignments(pupil, { filter: 'todo' });
    expect(todo.map((a) => a.title)).toContain('今日作业：词语与阅读');
    expect(todo.find((a) => a.title === '今日作业：词语与阅读')?.canStart).toBe(true);
    // the demo pupil got some wrong: their 错题本 has items to practise
    const wrong = await database.db.selectFrom('hw_wrong_items').select('item_id').where('user_id', '=', pupil.actor.userId).execute();
    expect(wrong.length).toBeGreaterThanOrEqual(2);

    const teacher = await as('t11005', 'head_teacher');
    const done = await database.db
      .selectFrom('hw_assignments')
      .select('id')
      .where('title', '=', '第二单元 寓言故事 小测验')
      .executeTakeFirstOrThrow();
    const analysis = await getAnalysis(teacher, done.id);
    expect(analysis.test.n).toBeGreaterThan(20);
    expect(analysis.items).toHaveLength(6);
    expect(analysis.knowledgePoints.length).toBeGreaterThan(0);
  });
});
