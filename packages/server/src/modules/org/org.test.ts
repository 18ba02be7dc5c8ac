import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const u = () => t.world.units;
const people = () => t.world.users;

describe('schools', () => {
  it('a district admin sees its district only; the city admin sees all', async () => {
    const d1 = await t.as('d1_admin');
    const names = (await d1.get('/api/schools?pageSize=100')).body.items.map((s: { name: string }) => s.name).sort();
    expect(names).toEqual(['实验小学东村教学点', '市南区实验小学', '市南区第二小学'].sort());
    const city = await t.as('city_admin');
    const all = (await city.get('/api/schools?pageSize=100')).body;
    expect(all.total).toBe(4);
    const tp = all.items.find((s: { kind: string }) => s.kind === 'teaching_point');
    expect(tp.centralSchoolName).toBe('市南区实验小学');
    expect(tp.districtName).toBe('市南区');
  });

  it('creates a school in its own district (201), refuses another district (404) and bad input (400, every issue)', async () => {
    const d1 = await t.as('d1_admin');
    const bad = await d1.post('/api/schools', { districtId: u().d1, name: 'x', code: '12' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string[] }) => i.path.at(-1)).sort()).toEqual(['code', 'name']);
    expect((await d1.post('/api/schools', { districtId: u().d2, name: '崂山新学校', code: '2137021299' })).status).toBe(404);
    const ok = await d1.post('/api/schools', { districtId: u().d1, name: '市南区新建小学', code: '2137020299' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ name: '市南区新建小学', districtName: '市南区', classCount: 0 });
    const dup = await d1.post('/api/schools', { districtId: u().d1, name: '另一所', code: '2137020299' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE_CODE');
  });

  it('a school admin cannot create schools (403)', async () => {
    const a = await t.as('a_admin');
    expect((await a.post('/api/schools', { districtId: u().d1, name: '市南区新学校', code: '2137020298' })).status).toBe(403);
  });

  it('teaching points only under a central school', async () => {
    const d1 = await t.as('d1_admin');
    const notCentral = await d1.post(`/api/schools/${u().schoolB}/teaching-points`, { name: '第二小学西村教学点', code: '2137020292' });
    expect(notCentral.status).toBe(409);
    const ok = await d1.post(`/api/schools/${u().schoolA}/teaching-points`, { name: '实验小学西村教学点', code: '2137020293' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'teaching_point', centralSchoolId: u().schoolA });
  });

  it('edits a school and adds a campus; bad input and another district are refused', async () => {
    const d1 = await t.as('d1_admin');
    const bad = await d1.patch(`/api/schools/${u().schoolB}`, { name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].message).toBe('名称至少 2 个字');
    const ok = await d1.patch(`/api/schools/${u().schoolB}`, { address: '市南区香港中路 9 号', isCentral: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ address: '市南区香港中路 9 号', isCentral: true });
    const campus = await d1.post(`/api/schools/${u().schoolB}/campuses`, { name: '东校区' });
    expect(campus.status).toBe(201);
    expect(campus.body).toMatchObject({ kind: 'campus', name: '东校区', parentId: u().schoolB });
    expect((await d1.post(`/api/schools/${u().schoolX}/campuses`, { name: '北校区' })).status).toBe(404);
    // a central school with teaching points cannot stop being central
    const a = await d1.patch(`/api/schools/${u().schoolA}`, { isCentral: false });
    expect(a.status).toBe(409);
    const after = await d1.get(`/api/schools/${u().schoolA}`);
    expect(after.body.isCentral).toBe(true);
  });

  it('the org tree starts at the grant and goes down lazily', async () => {
    const a = await t.as('a_admin');
    const roots = (await a.get('/api/org/units')).body;
    expect(roots.map((r: { name: string }) => r.name)).toEqual(['市南区实验小学']);
    const children = (await a.get(`/api/org/units?parentId=${u().schoolA}`)).body;
    expect(children.map((c: { kind: string }) => c.kind).sort()).toEqual(
      ['campus', 'teaching_point', 'teaching_point'].slice(0, children.length).sort(),
    );
    expect((await a.get(`/api/org/units?parentId=${u().schoolB}`)).status).toBe(404);
  });
  it("a teacher's tree starts at the classes it teaches, not at the school it belongs to", async () => {
    const c = await t.as('teacher_a2', 'teacher');
    const roots = (await c.get('/api/org/units')).body;
    expect(roots.map((r: { kind: string; name: string }) => `${r.kind}:${r.name}`)).toEqual(['class:三年级(2)班']);
  });
});

describe('classes', () => {
  it('creates a class with a default Chinese name, and refuses a duplicate class number', async () => {
    const a = await t.as('a_admin');
    const res = await a.post(`/api/schools/${u().schoolA}/classes`, { gradeLevel: 2, classNo: 3, entryYear: 2025 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: '二年级(3)班', gradeLevel: 2, schoolName: '市南区实验小学', unitName: '本部', studentCount: 0 });
    const dup = await a.post(`/api/schools/${u().schoolA}/classes`, { gradeLevel: 2, classNo: 3, entryYear: 2025 });
    expect(dup.status).toBe(409);
    const bad = await a.post(`/api/schools/${u().schoolA}/classes`, { gradeLevel: 9, classNo: 0, entryYear: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toHaveLength(3);
  });

  it('another school admin cannot touch the class (404); a teacher cannot manage (403)', async () => {
    const b = await t.as('b_admin');
    expect((await b.get(`/api/classes/${u().classA1}`)).status).toBe(404);
    expect((await b.patch(`/api/classes/${u().classA1}`, { name: '改名' })).status).toBe(404);
    const teacher = await t.as('teacher_a1');
    expect((await teacher.patch(`/api/classes/${u().classA1}`, { name: '改名' })).status).toBe(403);
  });

  it('assigns subject teachers from the same school only, and sets the head teacher', async () => {
    const a = await t.as('a_admin');
    const other = await a.post(`/api/classes/${u().classA2}/teachers`, { teacherId: people().teacherB1, subject: '数学' });
    expect(other.status).toBe(400);
    const bad = await a.post(`/api/classes/${u().classA2}/teachers`, { teacherId: people().teacherA1, subject: '炼金术' });
    expect(bad.status).toBe(400);
    const ok = await a.post(`/api/classes/${u().classA2}/teachers`, { teacherId: people().teacherA1, subject: '数学' });
    expect(ok.status).toBe(200);
    expect(ok.body.teachers.map((x: { subject: string; teacher: { name: string } }) => `${x.subject}:${x.teacher.name}`).sort()).toEqual([
      '数学:王老师',
      '语文:李老师',
    ]);
    const head = await a.put(`/api/classes/${u().classA2}/head-teacher`, { teacherId: people().teacherA2 });
    expect(head.body.headTeacher).toEqual({ id: people().teacherA2, name: '李老师' });
    // the teacher now reaches the class
    const teacher = await t.as('teacher_a1', 'teacher');
    expect((await teacher.get(`/api/classes/${u().classA2}/students`)).status).toBe(200);
    const assignment = ok.body.teachers.find((x: { subject: string }) => x.subject === '数学');
    const removed = await a.del(`/api/classes/${u().classA2}/teachers/${assignment.assignmentId}`);
    expect(removed.body.teachers).toHaveLength(1);
  });

  it('a class with pupils cannot be deleted; an empty one can', async () => {
    const a = await t.as('a_admin');
    const full = await a.del(`/api/classes/${u().classA1}`);
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('CLASS_NOT_EMPTY');
    const empty = await a.post(`/api/schools/${u().schoolA}/classes`, { gradeLevel: 6, classNo: 9, entryYear: 2021 });
    expect((await a.del(`/api/classes/${empty.body.id}`)).status).toBe(204);
    expect((await a.get(`/api/classes/${empty.body.id}`)).status).toBe(404);
  });
});

describe('students and guardians', () => {
  it('enrols a pupil with a valid 身份证号 and refuses a bad checksum', async () => {
    const a = await t.as('a_admin');
    const bad = await a.post(`/api/schools/${u().schoolA}/students`, {
      name: '林小雨',
      gender: 'female',
      studentNo: 'A0100',
      idCard: '370202201801010012',
      classId: u().classA1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/校验位/);
    const ok = await a.post(`/api/schools/${u().schoolA}/students`, {
      name: '林小雨',
      gender: 'female',
      studentNo: 'A0100',
      idCard: '370202201801010021',
      classId: u().classA1,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ name: '林小雨', className: '三年级(1)班', birthDate: '2018-01-01', idCard: '370202201801010021' });
    const dup = await a.post(`/api/schools/${u().schoolA}/students`, {
      name: '林小雨二',
      gender: 'female',
      studentNo: 'A0100',
      idCard: '370202201801010048',
      classId: u().classA1,
    });
    expect(dup.body.error.code).toBe('DUPLICATE_STUDENT_NO');
    const wrongSchool = await a.post(`/api/schools/${u().schoolA}/students`, {
      name: '林小风',
      gender: 'male',
      studentNo: 'A0101',
      idCard: '370202201801010048',
      classId: u().classB1,
    });
    expect(wrongSchool.status).toBe(400);
  });

  it('masks 身份证号 for a subject teacher and shows it to the head teacher and school admin', async () => {
    const teacher = await t.as('teacher_a1', 'teacher');
    const masked = await teacher.get(`/api/classes/${u().classA1}/students`);
    const zhang = masked.body.find((s: { name: string }) => s.name === '张小明');
    expect(zhang.idCard).toBe('3702**********0013');
    const head = await t.as('teacher_a1', 'head_teacher');
    expect((await head.get(`/api/students/${people().studentA1}`)).body.idCard).toBe('370202201705010013');
    // stored encrypted: the plain number appears nowhere in the table
    const raw = await t.ctx.db.selectFrom('users').select(['id_card_enc']).where('id', '=', people().studentA1).executeTakeFirstOrThrow();
    expect(raw.id_card_enc).not.toContain('370202');
  });

  it('moves a pupil to another class and keeps the history', async () => {
    const a = await t.as('a_admin');
    const noReason = await a.post(`/api/students/${people().studentA1b}/move`, { classId: u().classA2, reason: '' });
    expect(noReason.status).toBe(400);
    const otherSchool = await a.post(`/api/students/${people().studentA1b}/move`, { classId: u().classB1, reason: '家长申请' });
    expect(otherSchool.status).toBe(400);
    const ok = await a.post(`/api/students/${people().studentA1b}/move`, { classId: u().classA2, reason: '家长申请' });
    expect(ok.status).toBe(200);
    expect(ok.body.className).toBe('三年级(2)班');
    expect(
      ok.body.classHistory.map((h: { className: string; to: string | null; reason: string }) => [h.className, h.to === null, h.reason]),
    ).toEqual([
      ['三年级(1)班', false, '入学'],
      ['三年级(2)班', true, '家长申请'],
    ]);
    // the pupil's own scope follows the move
    const pupil = await t.as('student_a1b');
    expect((await pupil.get('/api/me/home')).body.classes.map((c: { name: string }) => c.name)).toEqual(['三年级(2)班']);
  });

  it('links a guardian by phone, reusing an existing parent account', async () => {
    const a = await t.as('a_admin');
    const bad = await a.post(`/api/students/${people().studentA1b}/guardians`, { name: '陈妈妈', phone: '12345', relation: 'mother' });
    expect(bad.status).toBe(400);
    const ok = await a.post(`/api/students/${people().studentA1b}/guardians`, {
      name: '张爸爸',
      phone: '138-0000-0001',
      relation: 'father',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.guardians.map((g: { name: string }) => g.name)).toContain('张爸爸');
    expect(ok.body.guardians.find((g: { name: string }) => g.name === '张爸爸').phone).toBe('13800000001');
    const parent = await t.as('parent_a');
    expect((await parent.get('/api/me/home')).body.children).toHaveLength(3);
  });

  it('a parent sees only their own children', async () => {
    const parent = await t.as('parent_a');
    expect((await parent.get(`/api/students/${people().studentA1}`)).status).toBe(200);
    expect((await parent.get(`/api/students/${people().studentB1}`)).status).toBe(404);
    expect((await parent.get(`/api/classes/${u().classA1}/students`)).status).toBe(403);
    const other = await t.as('parent_b');
    expect((await other.get(`/api/students/${people().studentA1}`)).status).toBe(404);
  });

  it('a teacher lists only pupils of the classes it teaches', async () => {
    const teacher = await t.as('teacher_a2', 'teacher');
    expect((await teacher.get(`/api/classes/${u().classA1}/students`)).status).toBe(404);
    expect((await teacher.get(`/api/classes/${u().classA2}/students`)).status).toBe(200);
  });

  it('creates a teacher account with the school-level teacher role', async () => {
    const a = await t.as('a_admin');
    const bad = await a.post(`/api/schools/${u().schoolA}/teachers`, { name: '周', gender: 'x', staffNo: '!', phone: '1', subjects: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.length).toBeGreaterThanOrEqual(4);
    const ok = await a.post(`/api/schools/${u().schoolA}/teachers`, {
      name: '周老师',
      gender: 'female',
      staffNo: 'T9001',
      phone: '13912345678',
      subjects: ['英语'],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.phone).toBe('13912345678');
    const list = await a.get(`/api/schools/${u().schoolA}/teachers?q=周老师`);
    expect(list.body.items.map((x: { staffNo: string }) => x.staffNo)).toEqual(['T9001']);
    const grants = await t.ctx.db.selectFrom('role_grants').select('role').where('user_id', '=', ok.body.id).execute();
    expect(grants.map((g) => g.role)).toEqual(['teacher']);
  });

  it("corrects a teacher's record; bad input, a taken 工号 and other schools change nothing", async () => {
    const a = await t.as('a_admin');
    const id = people().teacherA2;
    const before = (await a.get(`/api/schools/${u().schoolA}/teachers?q=李老师`)).body.items[0];
    expect((await t.anon().patch(`/api/teachers/${id}`, { name: '李明' })).status).toBe(401);
    const empty = await a.patch(`/api/teachers/${id}`, {});
    expect(empty.status).toBe(400);
    expect((await a.patch(`/api/teachers/${id}`, { name: '李明', phone: '123' })).status).toBe(400);
    expect((await a.patch(`/api/teachers/${id}`, { subjects: [] })).status).toBe(400);
    const taken = await a.patch(`/api/teachers/${id}`, { name: '李明', staffNo: 'T9001' });
    expect(taken.status).toBe(409);
    expect((await (await t.as('b_admin')).patch(`/api/teachers/${id}`, { name: '李明' })).status).toBe(404);
    expect((await (await t.as('teacher_a1')).patch(`/api/teachers/${id}`, { name: '李明' })).status).toBe(403);
    expect((await a.get(`/api/schools/${u().schoolA}/teachers?q=李老师`)).body.items[0]).toEqual(before);

    const ok = await a.patch(`/api/teachers/${id}`, {
      name: '李明',
      gender: 'male',
      staffNo: 'T2002',
      phone: '13800001111',
      subjects: ['语文', '道德与法治'],
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      name: '李明',
      gender: 'male',
      staffNo: 'T2002',
      phone: '13800001111',
      subjects: ['语文', '道德与法治'],
    });
    const cleared = await a.patch(`/api/teachers/${id}`, { phone: null });
    expect(cleared.body).toMatchObject({ name: '李明', phone: null, staffNo: 'T2002' });
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['summary'])
      .where('action', '=', 'roster.teacher.update')
      .where('target_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((r) => r.summary)).toEqual([{ fields: ['name', 'gender', 'staffNo', 'phone', 'subjects'] }, { fields: ['phone'] }]);
    expect(JSON.stringify(audit)).not.toContain('13800001111');
  });

  it('every change above is in the audit log with actor and target', async () => {
    const rows = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'target_id'])
      .where('action', 'like', 'roster.%')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'roster.student.create',
        'roster.student.move',
        'roster.guardian.link',
        'roster.teacher.create',
        'roster.teacher.update',
      ]),
    );
    expect(rows.every((r) => r.actor_name === 'a_admin' && r.target_id)).toBe(true);
  });
});

describe('personal space', () => {
  it('shows a teacher their classes with subjects and the head-teacher mark', async () => {
    const c = await t.as('teacher_a1');
    const home = (await c.get('/api/me/home')).body;
    expect(home.school.name).toBe('市南区实验小学');
    const a1 = home.classes.find((x: { name: string }) => x.name === '三年级(1)班');
    expect(a1).toMatchObject({ subjects: ['数学'], isHeadTeacher: true });
  });

  it('shows an administrator counts for their scope', async () => {
    const c = await t.as('d2_admin');
    const home = (await c.get('/api/me/home')).body;
    const stats = Object.fromEntries(home.stats.map((s: { key: string; value: number }) => [s.key, s.value]));
    expect(stats).toMatchObject({ schools: 1, classes: 1, students: 1 });
    // the chart's distribution adds up to the card's count, one bar per grade that has pupils
    expect(home.studentsByGrade).toHaveLength(1);
    expect(home.studentsByGrade[0].count).toBe(1);
    expect(home.studentsByGrade[0].grade).toBeGreaterThanOrEqual(1);
    const teacher = (await (await t.as('teacher_a1')).get('/api/me/home')).body;
    expect(teacher.studentsByGrade).toEqual([]);
  });
});
