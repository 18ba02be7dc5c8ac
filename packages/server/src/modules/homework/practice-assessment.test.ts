import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import { buildBank, buildItem } from '../items/index.ts';
import { buildStandardPaper, item, someKnowledgePoints } from './homework.factory.ts';

let t: TestApp;
let teacher: Client;
let pupil: Client;
let std: Awaited<ReturnType<typeof buildStandardPaper>>;
let kps: string[];
const hour = 3600_000;

const unit = (id: string) => t.ctx.db.selectFrom('org_units').select(['id', 'path']).where('id', '=', id).executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await createTestApp();
  kps = await someKnowledgePoints(t.ctx.db, 3);
  const schoolA = await unit(t.world.units.schoolA);
  std = await buildStandardPaper({ db: t.ctx.db }, schoolA, kps);
  // more items on the same knowledge points, for practice
  for (let i = 0; i < 6; i++)
    await buildItem(
      { db: t.ctx.db },
      {
        bankId: std.bank.id,
        content: item({
          type: 'numeric',
          stem: `${i + 2} × 3 = ?`,
          answer: String((i + 2) * 3),
          knowledgePointIds: [kps[0]],
          difficulty: 1 + (i % 5),
        }),
      },
    );
  teacher = await t.as('teacher_a1', 'teacher');
  pupil = await t.as('student_a1');
  const a = await teacher.post('/api/assignments', {
    title: '练习前的作业',
    paperId: std.paper.id,
    classIds: [t.world.units.classA1],
    opensAt: new Date(Date.now() - hour).toISOString(),
    closesAt: new Date(Date.now() + hour).toISOString(),
  });
  const start = await pupil.post(`/api/my/assignments/${a.body.id}/attempts`);
  const wrongAll = Object.fromEntries(std.items.map((i) => [i.id, i.wrong]));
  const done = await pupil.post(`/api/attempts/${start.body.id}/submit`, { submitKey: 'practice-key-01', responses: wrongAll });
  expect(done.status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

describe('错题本 and practice', () => {
  it('every wrong objective answer is in the book; the essay waits for the teacher', async () => {
    const book = await pupil.get('/api/my/wrong-items');
    expect(book.status).toBe(200);
    expect(book.body.total).toBe(4);
    expect(book.body.items[0].solution).toBeTruthy();
    expect((await t.anon().get('/api/my/wrong-items')).status).toBe(401);
    expect((await teacher.get('/api/my/wrong-items')).status).toBe(403);
  });

  it('a teacher of the class and the parent see the book; another family and another class do not', async () => {
    const parent = await t.as('parent_a');
    expect((await parent.get(`/api/students/${t.world.users.studentA1}/wrong-items`)).body.total).toBe(4);
    expect((await teacher.get(`/api/students/${t.world.users.studentA1}/mastery`)).status).toBe(200);
    expect((await (await t.as('parent_b')).get(`/api/students/${t.world.users.studentA1}/wrong-items`)).status).toBe(404);
    expect((await (await t.as('teacher_a2', 'teacher')).get(`/api/students/${t.world.users.studentA1}/wrong-items`)).status).toBe(404);
    expect((await (await t.as('student_a1b')).get(`/api/students/${t.world.users.studentA1}/wrong-items`)).status).toBe(404);
  });

  it('redoing a wrong item twice right clears it; mastery rises; statements are written', async () => {
    const numeric = std.items[3];
    const set = await pupil.post('/api/my/practice', { source: 'wrong_items', itemId: numeric.id, count: 3 });
    expect(set.status).toBe(201);
    expect(set.body.items[0]).toMatchObject({ itemId: numeric.id, reason: 'wrong_item' });
    expect(set.body.items.slice(1).every((i: { reason: string }) => i.reason === 'similar')).toBe(true);
    expect(JSON.stringify(set.body.items)).not.toContain('"answer"');
    const bad = await pupil.post(`/api/my/practice/${set.body.id}/answers`, { key: numeric.id, response: { choice: 'A' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('RESPONSE_INVALID');
    const first = await pupil.post(`/api/my/practice/${set.body.id}/answers`, { key: numeric.id, response: numeric.right });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ isCorrect: true, wrongItemCleared: false });
    expect(first.body.mastery[0].after).toBeGreaterThan(first.body.mastery[0].before);
    const second = await pupil.post(`/api/my/practice/${set.body.id}/answers`, { key: numeric.id, response: numeric.right });
    expect(second.body.wrongItemCleared).toBe(true);
    const open = await pupil.get('/api/my/wrong-items?status=open');
    expect(open.body.items.map((w: { itemId: string }) => w.itemId)).not.toContain(numeric.id);
    const statements = await t.ctx.db.selectFrom('lrs_statements').select('verb').where('registration', '=', set.body.id).execute();
    // two answers graded, two statements (the refused one changed nothing)
    expect(statements).toHaveLength(2);
    // someone else's practice set is not found
    expect(
      (await (await t.as('student_a1b')).post(`/api/my/practice/${set.body.id}/answers`, { key: numeric.id, response: numeric.right }))
        .status,
    ).toBe(404);
  });

  it('knowledge tracing picks items on the weakest points, new ones first', async () => {
    const set = await pupil.post('/api/my/practice', { source: 'weak_points', count: 4 });
    expect(set.status).toBe(201);
    expect(set.body.items.length).toBeGreaterThan(0);
    const mastery = await pupil.get('/api/my/mastery');
    expect(mastery.body[0].pMastery).toBeLessThanOrEqual(mastery.body.at(-1).pMastery);
  });

  it('a pupil with nothing to practise is told what to do', async () => {
    const res = await (await t.as('student_a2')).post('/api/my/practice', { source: 'weak_points' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('完成作业');
  });
});

describe('teacher-training assessment (培训考核)', () => {
  let bankId: string;
  let assessmentId: string;

  beforeAll(async () => {
    const schoolA = await unit(t.world.units.schoolA);
    const bank = await buildBank({ db: t.ctx.db }, { owner: schoolA, name: '国家小学智慧教育平台考核题库', subject: '信息科技' });
    bankId = bank.id;
    for (let i = 0; i < 12; i++)
      await buildItem(
        { db: t.ctx.db },
        {
          bankId,
          content: item({
            type: 'true_false',
            subject: '信息科技',
            stem: `国家中小学智慧教育平台考核题 ${i + 1}：平台支持教师备课。`,
            answer: i % 2 === 0,
          }),
        },
      );
  });

  it("401, 403 for a teacher, 400 with every issue, 404 outside the admin's scope", async () => {
    const admin = await t.as('a_admin');
    expect((await t.anon().post('/api/assessments', {})).status).toBe(401);
    expect((await teacher.post('/api/assessments', {})).status).toBe(403);
    const bad = await admin.post('/api/assessments', { title: 'x', bankId, unitIds: [], drawCount: 0, opensAt: 'soon', closesAt: 'later' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.length).toBeGreaterThanOrEqual(4);
    const foreign = await admin.post('/api/assessments', {
      title: '越权考核',
      bankId,
      unitIds: [t.world.units.schoolB],
      opensAt: new Date(Date.now() - hour).toISOString(),
      closesAt: new Date(Date.now() + hour).toISOString(),
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details.issues[0].path).toEqual(['body', 'unitIds', 0]);
    const tooMany = await admin.post('/api/assessments', {
      title: '抽太多',
      bankId,
      unitIds: [t.world.units.schoolA],
      drawCount: 50,
      opensAt: new Date(Date.now() - hour).toISOString(),
      closesAt: new Date(Date.now() + hour).toISOString(),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('只有 12 道题');
  });

  it('each teacher draws their own reproducible items, within a time limit, and is rated 合格 / 不合格', async () => {
    const admin = await t.as('a_admin');
    const created = await admin.post('/api/assessments', {
      title: '国家小学智慧教育平台应用培训考核',
      bankId,
      unitIds: [t.world.units.schoolA],
      drawCount: 5,
      passPercent: 60,
      timeLimitMinutes: 10,
      opensAt: new Date(Date.now() - hour).toISOString(),
      closesAt: new Date(Date.now() + hour).toISOString(),
    });
    expect(created.status).toBe(201);
    assessmentId = created.body.id;
    expect(created.body.recipients).toBeGreaterThanOrEqual(2);

    const t1 = await t.as('teacher_a1', 'teacher');
    const t2 = await t.as('teacher_a2', 'teacher');
    const mine = await t1.get('/api/my/assignments?kind=assessment');
    expect(mine.body.map((m: { id: string }) => m.id)).toContain(assessmentId);
    const s1 = await t1.post(`/api/my/assignments/${assessmentId}/attempts`);
    const s2 = await t2.post(`/api/my/assignments/${assessmentId}/attempts`);
    expect(s1.body.items).toHaveLength(5);
    expect(new Date(s1.body.deadlineAt).getTime() - new Date(s1.body.startedAt).getTime()).toBe(10 * 60_000);
    const ids1 = s1.body.items.map((i: { itemId: string }) => i.itemId);
    const ids2 = s2.body.items.map((i: { itemId: string }) => i.itemId);
    expect(ids1).not.toEqual(ids2);
    // reproducible: resuming shows the same draw
    const again = await t1.post(`/api/my/assignments/${assessmentId}/attempts`);
    expect(again.body.items.map((i: { itemId: string }) => i.itemId)).toEqual(ids1);
    // a pupil cannot take a teachers' assessment
    expect((await pupil.post(`/api/my/assignments/${assessmentId}/attempts`)).status).toBe(404);

    const key = await t.ctx.db.selectFrom('hw_attempts').select('drawn_items').where('id', '=', s1.body.id).executeTakeFirstOrThrow();
    const drawn = key.drawn_items as { key: string; content: { answer: boolean } }[];
    const right = Object.fromEntries(drawn.map((d) => [d.key, { value: d.content.answer }]));
    const wrong = Object.fromEntries(
      (
        (await t.ctx.db.selectFrom('hw_attempts').select('drawn_items').where('id', '=', s2.body.id).executeTakeFirstOrThrow())
          .drawn_items as {
          key: string;
          content: { answer: boolean };
        }[]
      ).map((d) => [d.key, { value: !d.content.answer }]),
    );
    const r1 = await t1.post(`/api/attempts/${s1.body.id}/submit`, { submitKey: 'assess-key-0001', responses: right });
    expect(r1.body).toMatchObject({ score: 100, passed: true });
    const r2 = await t2.post(`/api/attempts/${s2.body.id}/submit`, { submitKey: 'assess-key-0002', responses: wrong });
    expect(r2.body).toMatchObject({ score: 0, passed: false });
    const verbs = await t.ctx.db
      .selectFrom('lrs_statements')
      .select('verb')
      .where('registration', 'in', [s1.body.id, s2.body.id])
      .execute();
    expect(verbs.map((v) => v.verb.split('/').pop())).toEqual(expect.arrayContaining(['passed', 'failed']));
  });

  it("the result sheet per school, and its .xlsx; another school's admin is refused", async () => {
    const admin = await t.as('a_admin');
    const res = await admin.get(`/api/assessments/${assessmentId}/results`);
    expect(res.status).toBe(200);
    const school = res.body.schools[0];
    expect(school.schoolName).toBe('市南区实验小学');
    const grades = Object.fromEntries(school.rows.map((r: { name: string; grade: string }) => [r.name, r.grade]));
    expect(grades['王老师']).toBe('合格');
    expect(grades['李老师']).toBe('不合格');
    expect(school).toMatchObject({ teachers: 2, taken: 2, passed: 1 });
    const xlsx = await admin.get(`/api/assessments/${assessmentId}/results.xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '市南区实验小学']);
    const sheet = wb.getWorksheet('市南区实验小学')!;
    const cells = sheet.getSheetValues().flat().map(String);
    expect(cells).toEqual(expect.arrayContaining(['合格', '不合格']));
    expect((await (await t.as('b_admin')).get(`/api/assessments/${assessmentId}/results`)).status).toBe(404);
    const list = await admin.get('/api/assessments');
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(assessmentId);
    expect((await (await t.as('x_admin')).get('/api/assessments')).body.items).toHaveLength(0);
  });
});
