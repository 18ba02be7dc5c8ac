import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import { buildStandardPaper, someKnowledgePoints } from './homework.factory.ts';

let t: TestApp;
let teacher: Client;
let std: Awaited<ReturnType<typeof buildStandardPaper>>;

beforeAll(async () => {
  t = await createTestApp();
  const school = await t.ctx.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('id', '=', t.world.units.schoolA)
    .executeTakeFirstOrThrow();
  std = await buildStandardPaper({ db: t.ctx.db }, school, await someKnowledgePoints(t.ctx.db, 3));
  teacher = await t.as('teacher_a1', 'teacher');
});
afterAll(async () => {
  await t?.close();
});

describe('items a class has already done (组卷 leaves them out)', () => {
  it('401 → 403 for a pupil / 404 for another school’s class or a malformed id → 200 with the items of its assignments', async () => {
    const url = (id: string) => `/api/classes/${id}/done-items`;
    expect((await t.anon().get(url(t.world.units.classA1))).status).toBe(401);
    // the only input is the scoped class id: one that names no class is placed nowhere, so 404 (as for a class that is not there)
    expect((await teacher.get(url('not-a-uuid'))).status).toBe(404);
    expect((await (await t.as('student_a1')).get(url(t.world.units.classA1))).status).toBe(403);
    expect((await teacher.get(url(t.world.units.classX1))).status).toBe(404);

    const before = await teacher.get(url(t.world.units.classA1));
    expect(before.status).toBe(200);
    expect(before.body.itemIds).not.toContain(std.items[0]!.id);
    const res = await teacher.post('/api/assignments', {
      title: '第三单元练习',
      paperId: std.paper.id,
      classIds: [t.world.units.classA1],
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const after = await teacher.get(url(t.world.units.classA1));
    expect(after.body).toMatchObject({ classId: t.world.units.classA1 });
    expect(after.body.itemIds).toEqual(expect.arrayContaining(std.items.map((i) => i.id)));
  });
});
