import ExcelJS from 'exceljs';
import { ZAttempt, ZStartAttemptResult } from '@qiming/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import { buildStandardPaper, someKnowledgePoints } from './homework.factory.ts';
import { forgetAssignment } from './snapshot-cache.ts';

let t: TestApp;
let teacher: Client; // teacher_a1: maths teacher and head teacher of class A1
let pupil: Client; // student_a1, class A1
let pupil2: Client; // student_a1b, class A1
let otherPupil: Client; // student_a2, class A2
let std: Awaited<ReturnType<typeof buildStandardPaper>>;

const hour = 3600_000;
const inAnHour = () => new Date(Date.now() + hour).toISOString();
const anHourAgo = () => new Date(Date.now() - hour).toISOString();

async function unit(id: string) {
  return t.ctx.db.selectFrom('org_units').select(['id', 'path']).where('id', '=', id).executeTakeFirstOrThrow();
}

async function assign(body: Record<string, unknown> = {}) {
  const res = await teacher.post('/api/assignments', {
    title: '第三单元练习',
    paperId: std.paper.id,
    classIds: [t.world.units.classA1],
    opensAt: anHourAgo(),
    closesAt: inAnHour(),
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; recipients: number; itemCount: number; maxScore: number };
}

const answers = (kind: 'right' | 'wrong', keys = std.items.map((i) => i.id)) =>
  Object.fromEntries(std.items.filter((i) => keys.includes(i.id)).map((i) => [i.id, i[kind]]));

beforeAll(async () => {
  t = await createTestApp();
  const kps = await someKnowledgePoints(t.ctx.db, 3);
  std = await buildStandardPaper({ db: t.ctx.db }, await unit(t.world.units.schoolA), kps);
  teacher = await t.as('teacher_a1', 'teacher');
  pupil = await t.as('student_a1');
  pupil2 = await t.as('student_a1b');
  otherPupil = await t.as('student_a2');
});
afterAll(async () => {
  await t?.close();
});

describe('assigning', () => {
  it('401 without a session, 403 for a pupil', async () => {
    expect((await t.anon().post('/api/assignments', {})).status).toBe(401);
    expect((await pupil.post('/api/assignments', {})).status).toBe(403);
  });

  it('400 lists every issue', async () => {
    const res = await teacher.post('/api/assignments', { title: 'x', paperId: 'nope', opensAt: inAnHour(), closesAt: anHourAgo() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.details.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['body.title', 'body.paperId']));
  });

  it('a class the teacher does not teach is not found, and nothing is created', async () => {
    const res = await teacher.post('/api/assignments', {
      title: '越权布置',
      paperId: std.paper.id,
      classIds: [t.world.units.classB1],
      opensAt: anHourAgo(),
      closesAt: inAnHour(),
    });
    expect(res.status).toBe(404);
    const n = await t.ctx.db.selectFrom('hw_assignments').select('id').where('title', '=', '越权布置').execute();
    expect(n).toHaveLength(0);
  });

  it('a teacher of another school cannot use the paper', async () => {
    const other = await t.as('teacher_b1', 'teacher');
    const res = await other.post('/api/assignments', {
      title: '别校试卷',
      paperId: std.paper.id,
      classIds: [t.world.units.classB1],
      opensAt: anHourAgo(),
      closesAt: inAnHour(),
    });
    expect(res.status).toBe(404);
  });

  it("201: the class's pupils receive it; the teacher lists it with progress", async () => {
    const a = await assign({ shuffleItems: true, shuffleOptions: true, showAnswers: 'immediately', timeLimitMinutes: 30 });
    expect(a).toMatchObject({ recipients: 2, itemCount: 5, maxScore: 20 });
    const list = await teacher.get('/api/assignments');
    expect(list.status).toBe(200);
    expect(list.body.items.some((x: { id: string }) => x.id === a.id)).toBe(true);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', a.id).execute();
    expect(audit.map((r) => r.action)).toContain('homework.assign');
  });

  it('groups: only pupils of the class, then an assignment to the group', async () => {
    const bad = await teacher.post('/api/homework-groups', {
      classId: t.world.units.classA1,
      name: '提高组',
      studentIds: [t.world.users.studentA2],
    });
    expect(bad.status).toBe(400);
    const foreign = await teacher.post('/api/homework-groups', {
      classId: t.world.units.classB1,
      name: '提高组',
      studentIds: [t.world.users.studentB1],
    });
    expect(foreign.status).toBe(404);
    const g = await teacher.post('/api/homework-groups', {
      classId: t.world.units.classA1,
      name: '提高组',
      studentIds: [t.world.users.studentA1b],
    });
    expect(g.status).toBe(201);
    const a = await assign({ title: '提高组作业', classIds: [], groupIds: [g.body.id] });
    expect(a.recipients).toBe(1);
    const mine = await pupil.get('/api/my/assignments');
    expect(mine.body.some((x: { id: string }) => x.id === a.id)).toBe(false);
    const theirs = await pupil2.get('/api/my/assignments');
    expect(theirs.body.some((x: { id: string }) => x.id === a.id)).toBe(true);
  });
});

describe('answering', () => {
  let a: { id: string };
  let attemptId: string;

  beforeAll(async () => {
    a = await assign({ title: '答题测试', showAnswers: 'immediately', shuffleItems: true, shuffleOptions: true });
  });

  it('a pupil of another class neither sees nor starts it', async () => {
    const list = await otherPupil.get('/api/my/assignments');
    expect(list.status).toBe(200);
    expect(list.body.some((x: { id: string }) => x.id === a.id)).toBe(false);
    expect((await otherPupil.post(`/api/my/assignments/${a.id}/attempts`)).status).toBe(404);
  });

  it('two tabs starting at once get one attempt; the answers are hidden', async () => {
    const [r1, r2] = await Promise.all([
      pupil.post(`/api/my/assignments/${a.id}/attempts`),
      pupil.post(`/api/my/assignments/${a.id}/attempts`),
    ]);
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    expect(r1.body.id).toBe(r2.body.id);
    // sent without zod's encoding (the peak's hot path): exactly the schema's fields, nothing more
    expect(ZStartAttemptResult.strict().parse(r1.body)).toEqual(r1.body);
    attemptId = r1.body.id;
    const rows = await t.ctx.db
      .selectFrom('hw_attempts')
      .select('id')
      .where('assignment_id', '=', a.id)
      .where('user_id', '=', t.world.users.studentA1)
      .execute();
    expect(rows).toHaveLength(1);
    const body = JSON.stringify(r1.body.items.map((i: { item: unknown }) => i.item));
    expect(body).not.toContain('"answer"');
    expect(body).not.toContain('accepted');
    expect(r1.body.items.every((i: { solution: unknown }) => i.solution === null)).toBe(true);
    // a reload resumes it, same order
    const again = await pupil.post(`/api/my/assignments/${a.id}/attempts`);
    expect(again.body).toMatchObject({ id: attemptId, resumed: true });
    expect(again.body.items.map((i: { key: string }) => i.key)).toEqual(r1.body.items.map((i: { key: string }) => i.key));
  });

  it('two servers starting the same attempt at once still make one', async () => {
    const b = await t.secondInstance();
    const fresh = await assign({ title: '两台服务器同时开始' });
    const onB = b.anon();
    onB.cookie = pupil2.cookie;
    const url = `/api/my/assignments/${fresh.id}/attempts`;
    const [r1, r2] = await Promise.all([pupil2.post(url), onB.post(url)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r1.body.id).toBe(r2.body.id);
    expect([r1.body.resumed, r2.body.resumed].sort()).toEqual([false, true]);
    const rows = await t.ctx.db.selectFrom('hw_attempts').select('id').where('assignment_id', '=', fresh.id).execute();
    expect(rows).toHaveLength(1);
    await b.close();
  });

  it('another pupil cannot read, save or submit it', async () => {
    expect((await otherPupil.get(`/api/attempts/${attemptId}`)).status).toBe(404);
    expect((await pupil2.put(`/api/attempts/${attemptId}/responses`, { responses: {} })).status).toBe(404);
    expect((await otherPupil.post(`/api/attempts/${attemptId}/submit`, { submitKey: 'k-other-0001' })).status).toBe(404);
  });

  it('an answer of the wrong shape is refused with every issue, and nothing is saved', async () => {
    const [choice, blanks] = [std.items[0].id, std.items[2].id];
    const res = await pupil.put(`/api/attempts/${attemptId}/responses`, {
      responses: { [choice]: { choice: 'Z' }, [blanks]: { text: 'x' }, nope: { choice: 'A' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('RESPONSE_INVALID');
    expect(res.body.error.details.issues.length).toBeGreaterThanOrEqual(3);
    const saved = await t.ctx.db.selectFrom('hw_responses').select('item_key').where('attempt_id', '=', attemptId).execute();
    expect(saved).toHaveLength(0);
  });

  it('autosave keeps answers and bumps the revision; a reopened attempt shows them', async () => {
    const first = await pupil.put(`/api/attempts/${attemptId}/responses`, {
      responses: answers('right', [std.items[0].id, std.items[1].id]),
    });
    expect(first.status).toBe(200);
    const second = await pupil.put(`/api/attempts/${attemptId}/responses`, { responses: { [std.items[1].id]: std.items[1].wrong } });
    expect(second.body.revision).toBe(first.body.revision + 1);
    const view = await pupil.get(`/api/attempts/${attemptId}`);
    const byKey = Object.fromEntries(view.body.items.map((i: { key: string; response: unknown }) => [i.key, i.response]));
    expect(byKey[std.items[0].id]).toEqual({ choice: 'B' });
    expect(byKey[std.items[1].id]).toEqual({ value: true });
    expect(view.body.status).toBe('in_progress');
  });

  it('a double submit with one key grades once and answers the same result', async () => {
    const body = { submitKey: 'submit-key-0001', responses: { ...answers('right'), [std.items[3].id]: std.items[3].wrong } };
    const [s1, s2] = await Promise.all([
      pupil.post(`/api/attempts/${attemptId}/submit`, body),
      pupil.post(`/api/attempts/${attemptId}/submit`, body),
    ]);
    expect(s1.status, JSON.stringify(s1.body)).toBe(200);
    expect(s2.status).toBe(200);
    expect(s1.body.score).toBe(s2.body.score);
    expect(ZAttempt.strict().parse(s1.body)).toEqual(s1.body);
    expect(ZAttempt.strict().parse(s2.body)).toEqual(s2.body);
    // right: choice 2 + true/false 2 + blanks 4 (full-width digits count); wrong: numeric 0; essay waits
    expect(s1.body).toMatchObject({ status: 'submitted', score: 8, autoScore: 8, pendingManual: 1, maxScore: 20, answersVisible: true });
    const numeric = s1.body.items.find((i: { key: string }) => i.key === std.items[3].id);
    expect(numeric.result).toMatchObject({ score: 0, isCorrect: false });
    expect(numeric.solution).toMatchObject({ answer: '1/2' });
    const statements = await t.ctx.db
      .selectFrom('lrs_statements')
      .select(['verb', 'statement'])
      .where('registration', '=', attemptId)
      .execute();
    const verbs = statements.map((s) => s.verb.split('/').pop());
    expect(verbs.filter((v) => v === 'answered')).toHaveLength(5);
    expect(verbs.filter((v) => v === 'completed')).toHaveLength(1);
    expect(verbs.filter((v) => v === 'attempted')).toHaveLength(1);
    const answered = statements.find((s) => s.verb.endsWith('answered'))!.statement as {
      actor: { account: { name: string } };
      context: { registration: string };
    };
    expect(answered.actor.account.name).toBe(t.world.users.studentA1);
    expect(answered.context.registration).toBe(attemptId);
  });

  it('a submit from another tab with another key is refused; the attempt is not re-graded', async () => {
    const res = await pupil.post(`/api/attempts/${attemptId}/submit`, { submitKey: 'submit-key-0002', responses: answers('right') });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'ATTEMPT_NOT_OPEN', details: { attemptId } });
    const row = await t.ctx.db.selectFrom('hw_attempts').select('score').where('id', '=', attemptId).executeTakeFirstOrThrow();
    expect(row.score).toBe(8);
    expect((await pupil.put(`/api/attempts/${attemptId}/responses`, { responses: {} })).status).toBe(409);
  });

  it('the wrong answer is in the 错题本 and mastery moved', async () => {
    const book = await pupil.get('/api/my/wrong-items');
    expect(book.status).toBe(200);
    expect(book.body.items.map((w: { itemId: string }) => w.itemId)).toEqual([std.items[3].id]);
    const mastery = await pupil.get('/api/my/mastery');
    expect(mastery.body.length).toBeGreaterThan(0);
    for (const m of mastery.body) expect(m.observations).toBeGreaterThan(0);
  });

  it('one attempt allowed: no second start', async () => {
    const res = await pupil.post(`/api/my/assignments/${a.id}/attempts`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ATTEMPTS_EXHAUSTED');
  });

  it('parents see their own child read-only, not another family', async () => {
    const parent = await t.as('parent_a');
    const list = await parent.get(`/api/students/${t.world.users.studentA1}/assignments`);
    expect(list.status).toBe(200);
    expect(list.body.find((x: { id: string }) => x.id === a.id)).toMatchObject({ bestScore: 8 });
    expect((await parent.get(`/api/attempts/${attemptId}`)).status).toBe(200);
    expect((await parent.post(`/api/attempts/${attemptId}/submit`, { submitKey: 'parent-key-01' })).status).toBe(403);
    const other = await t.as('parent_b');
    expect((await other.get(`/api/students/${t.world.users.studentA1}/assignments`)).status).toBe(404);
    expect((await other.get(`/api/attempts/${attemptId}`)).status).toBe(404);
  });

  it("grading view: one question across pupils; rubric limits; another class's teacher is refused", async () => {
    const overview = await teacher.get(`/api/assignments/${a.id}/grading`);
    expect(overview.status).toBe(200);
    const essayKey = std.items[4].id;
    expect(overview.body.items[0]).toMatchObject({ key: essayKey, pending: 1 });
    const queue = await teacher.get(`/api/assignments/${a.id}/grading/${essayKey}`);
    expect(queue.body.responses).toHaveLength(1);
    expect(queue.body.responses[0].response).toEqual(std.items[4].right);
    const tooMuch = await teacher.put(`/api/attempts/${attemptId}/grades/${essayKey}`, {
      score: 9,
      rubricScores: { content: 7, language: 2 },
    });
    expect(tooMuch.status).toBe(400);
    const other = await t.as('teacher_a2', 'teacher');
    expect((await other.get(`/api/assignments/${a.id}/grading`)).status).toBe(404);
    expect((await other.put(`/api/attempts/${attemptId}/grades/${essayKey}`, { score: 1 })).status).toBe(404);
    expect((await pupil.put(`/api/attempts/${attemptId}/grades/${essayKey}`, { score: 10 })).status).toBe(403);
    const ok = await teacher.put(`/api/attempts/${attemptId}/grades/${essayKey}`, {
      score: 0,
      rubricScores: { content: 5, language: 3 },
      comment: '语句通顺',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ score: 8, attemptScore: 16, attemptStatus: 'graded', pendingManual: 0 });
    const view = await pupil.get(`/api/attempts/${attemptId}`);
    expect(view.body).toMatchObject({ status: 'graded', score: 16 });
    expect(view.body.items.find((i: { key: string }) => i.key === essayKey).result).toMatchObject({ score: 8, comment: '语句通顺' });
    const scored = await t.ctx.db
      .selectFrom('lrs_statements')
      .select('statement')
      .where('registration', '=', attemptId)
      .where('verb', 'like', '%scored')
      .execute();
    expect(scored).toHaveLength(1);
    expect((scored[0].statement as { context: { instructor: { account: { name: string } } } }).context.instructor.account.name).toBe(
      t.world.users.teacherA1,
    );
  });

  it("analysis: distribution, item statistics, options, pupils; exports; another class's teacher is refused", async () => {
    const s2 = await pupil2.post(`/api/my/assignments/${a.id}/attempts`);
    await pupil2.post(`/api/attempts/${s2.body.id}/submit`, { submitKey: 'pupil2-key-0001', responses: answers('wrong') });
    const res = await teacher.get(`/api/assignments/${a.id}/analysis`);
    expect(res.status).toBe(200);
    expect(res.body.test).toMatchObject({ n: 2, maxScore: 20 });
    expect(res.body.histogram).toHaveLength(10);
    expect(res.body.pupils.map((p: { name: string }) => p.name).sort()).toEqual(['张小明', '陈小红'].sort());
    const choice = res.body.items.find((i: { key: string }) => i.key === std.items[0].id);
    expect(choice.correctRate).toBe(0.5);
    expect(choice.options.find((o: { id: string }) => o.id === 'C').count).toBe(1);
    expect(choice.options.find((o: { id: string }) => o.id === 'B')).toMatchObject({ count: 1, isKey: true });
    expect(res.body.knowledgePoints.length).toBeGreaterThan(0);
    expect(res.body.knowledgePoints[0].name).not.toBe('未命名知识点');

    const xlsx = await teacher.get(`/api/assignments/${a.id}/analysis.xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概况', '学生成绩', '题目分析', '知识点']);
    expect(wb.getWorksheet('学生成绩')!.rowCount).toBe(3);
    const pdf = await teacher.request('GET', `/api/assignments/${a.id}/analysis.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(String(pdf.body).slice(0, 5)).toBe('%PDF-');

    const other = await t.as('teacher_a2', 'teacher');
    expect((await other.get(`/api/assignments/${a.id}/analysis`)).status).toBe(404);
    expect((await otherPupil.get(`/api/assignments/${a.id}/analysis`)).status).toBe(403);

    const report = await pupil.get(`/api/assignments/${a.id}/pupils/${t.world.users.studentA1}/report`);
    expect(report.status).toBe(200);
    expect(report.body.pupil).toMatchObject({ score: 16, rank: 1 });
    expect((await pupil.get(`/api/assignments/${a.id}/pupils/${t.world.users.studentA1b}/report`)).status).toBe(404);
  });
});

describe('windows and deadlines', () => {
  it('not yet open: start refused', async () => {
    const a = await assign({ title: '明天的作业', opensAt: inAnHour(), closesAt: new Date(Date.now() + 2 * hour).toISOString() });
    const res = await pupil.post(`/api/my/assignments/${a.id}/attempts`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('HOMEWORK_NOT_OPEN');
  });

  it('a submit after the close time is refused and changes nothing; saved answers are graded later', async () => {
    const a = await assign({ title: '截止测试' });
    const start = await pupil.post(`/api/my/assignments/${a.id}/attempts`);
    await pupil.put(`/api/attempts/${start.body.id}/responses`, { responses: answers('right', [std.items[0].id]) });
    const past = new Date(Date.now() - 5 * 60_000);
    await t.ctx.db
      .updateTable('hw_assignments')
      .set({ closes_at: past, opens_at: new Date(Date.now() - 2 * hour) })
      .where('id', '=', a.id)
      .execute();
    await t.ctx.db.updateTable('hw_attempts').set({ deadline_at: past }).where('id', '=', start.body.id).execute();
    // the process caches assignment settings for a few seconds: drop the copy, as a change through the API does
    forgetAssignment(a.id);
    const res = await pupil.post(`/api/attempts/${start.body.id}/submit`, { submitKey: 'late-key-0001', responses: answers('right') });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('HOMEWORK_CLOSED');
    const saved = await t.ctx.db.selectFrom('hw_responses').select('item_key').where('attempt_id', '=', start.body.id).execute();
    expect(saved.map((r) => r.item_key)).toEqual([std.items[0].id]);
    // reading it closes it with what was saved before the deadline
    const view = await pupil.get(`/api/attempts/${start.body.id}`);
    // the unanswered essay needs no teacher: the attempt is graded
    expect(view.body).toMatchObject({ status: 'graded', score: 2 });
  });
});
