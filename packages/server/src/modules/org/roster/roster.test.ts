import type { TImportJob, TRosterKind } from '@qiming/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, SESSION_COOKIE } from '../../../core/auth/session.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { createTestApp, type Client, type TestApp } from '../../../testing/test-app.ts';
import { commitImport } from './roster-commit.ts';
import {
  buildXlsx,
  fillTemplate,
  fixtureIdCard,
  fixturePhone,
  PARENT_HEADERS,
  readXlsx,
  STUDENT_HEADERS,
  studentRows,
  TEACHER_HEADERS,
  uploadForm,
} from './roster-fixtures.ts';
import { getImportJob, importRoster } from './roster-import.ts';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('a_admin');
});
afterAll(async () => {
  await t?.close();
});

/** A job, or the error body when the request was refused. */
type JobBody = TImportJob & { temporaryPassword?: string; error: { code: string; message: string; details?: any } };
const schoolA = () => t.world.units.schoolA;
const upload = (c: Client, kind: string, file: Buffer, fileName = 'roster.xlsx', schoolId = schoolA()) =>
  c.request<JobBody>('POST', `/api/schools/${schoolId}/roster/imports?kind=${kind}`, uploadForm(file, fileName));
const commit = (c: Client, jobId: string, mode: 'all' | 'valid_only' = 'all') =>
  c.post<JobBody>(`/api/roster/imports/${jobId}/commit`, { mode });
const count = async (table: 'students' | 'teachers' | 'guardianships' | 'import_jobs' | 'users') =>
  Number(
    (
      await t.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const auditCount = async (action: string) =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', action)
        .executeTakeFirstOrThrow()
    ).n,
  );
const studentByNo = (no: string) =>
  t.ctx.db
    .selectFrom('students as st')
    .innerJoin('users as u', 'u.id', 'st.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.must_change_password', 'st.class_id'])
    .where('st.student_no', '=', no)
    .executeTakeFirst();
/** Uploads and commits in one step, expecting a clean file. */
async function importClean(c: Client, kind: TRosterKind, file: Buffer) {
  const up = await upload(c, kind, file);
  expect(up.status).toBe(201);
  expect(up.body.errors).toEqual([]);
  const done = await commit(c, up.body.id);
  expect(done.status).toBe(200);
  expect(done.body.status).toBe('done');
  return done.body;
}
/** The signed-in context of a fixture user, for calling the services directly (as the benchmark does). */
async function contextOf(username: string): Promise<AuthedContext> {
  const c = await t.as(username);
  const actor = await loadActor(t.ctx, decodeURIComponent(c.cookie!.slice(`${SESSION_COOKIE}=`.length)));
  return { ...t.ctx, actor: actor!, ip: '127.0.0.1', requestId: 'test' };
}

describe('access', () => {
  it('401 without a session', async () => {
    expect((await t.anon().get(`/api/schools/${schoolA()}/roster/template?kind=students`)).status).toBe(401);
    expect(
      (await t.anon().request('POST', `/api/schools/${schoolA()}/roster/imports?kind=students`, uploadForm(Buffer.from('x')))).status,
    ).toBe(401);
    expect((await t.anon().get(`/api/schools/${schoolA()}/roster/export?kind=students`)).status).toBe(401);
  });

  it('400 for an unknown kind, with the issue on kind', async () => {
    const res = await admin.get(`/api/schools/${schoolA()}/roster/template?kind=pupils`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues[0].path).toEqual(['querystring', 'kind']);
    expect((await upload(admin, 'pupils', await buildXlsx(STUDENT_HEADERS, []))).status).toBe(400);
  });

  it('403 for a teacher (no roster.manage)', async () => {
    const teacher = await t.as('teacher_a1');
    expect((await teacher.get(`/api/schools/${schoolA()}/roster/template?kind=students`)).status).toBe(403);
    expect((await upload(teacher, 'students', await buildXlsx(STUDENT_HEADERS, []))).status).toBe(403);
    const job = await upload(admin, 'students', await buildXlsx(STUDENT_HEADERS, studentRows(1, { from: 900 })));
    expect((await teacher.get(`/api/roster/imports/${job.body.id}`)).status).toBe(403);
    expect((await commit(teacher, job.body.id)).status).toBe(403);
  });

  it("404 for another school's administrator: template, upload, job, commit and export", async () => {
    const b = await t.as('b_admin');
    expect((await b.get(`/api/schools/${schoolA()}/roster/template?kind=students`)).status).toBe(404);
    expect((await upload(b, 'students', await buildXlsx(STUDENT_HEADERS, studentRows(1, { from: 901 })))).status).toBe(404);
    expect((await b.get(`/api/schools/${schoolA()}/roster/export?kind=students`)).status).toBe(404);
    const job = await upload(admin, 'students', await buildXlsx(STUDENT_HEADERS, studentRows(1, { from: 902 })));
    expect((await b.get(`/api/roster/imports/${job.body.id}`)).status).toBe(404);
    expect((await commit(b, job.body.id)).status).toBe(404);
    expect(await studentByNo('R00902')).toBeUndefined();
  });

  it('a district above the school reaches its import jobs', async () => {
    const job = await upload(admin, 'students', await buildXlsx(STUDENT_HEADERS, studentRows(1, { from: 903 })));
    const district = await t.as('d1_admin');
    const res = await district.get(`/api/roster/imports/${job.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(job.body.id);
  });
});

describe('template', () => {
  it('has Chinese headers with notes, drop-down lists, a 说明 sheet with an example, and a Chinese file name', async () => {
    const res = await admin.get(`/api/schools/${schoolA()}/roster/template?kind=students`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('市南区实验小学-学生名单导入模板.xlsx')}`,
    );
    const book = await readXlsx(res.body);
    expect([...book.keys()]).toEqual(['学生名单', '说明']);
    const data = book.get('学生名单')!;
    // the header only: an example row in the data sheet would be imported
    expect(data.rows).toEqual([STUDENT_HEADERS]);
    const dv = (data.sheet as unknown as { dataValidations: { model: Record<string, { type: string; formulae: unknown[] }> } })
      .dataValidations.model;
    expect(dv.C2).toMatchObject({ type: 'list', formulae: ['"男,女"'] });
    expect(String(dv.E100.formulae[0])).toContain('三年级');
    expect(String(dv.I2.formulae[0])).toContain('父亲');
    expect(String(data.sheet.getCell('D1').note)).toContain('文本格式');
    expect(String(data.sheet.getCell('A1').note)).toMatch(/^必填/);
    const help = book
      .get('说明')!
      .rows.map((r) => r.join('|'))
      .join('\n');
    expect(help).toContain('示例行');
    expect(help).toContain('37020220170301001X');
    for (const h of STUDENT_HEADERS) expect(help).toContain(h);
  });

  it('exists for teachers and parents with their own columns', async () => {
    for (const [kind, headers] of [
      ['teachers', TEACHER_HEADERS],
      ['parents', PARENT_HEADERS],
    ] as const) {
      const res = await admin.get(`/api/schools/${schoolA()}/roster/template?kind=${kind}`);
      expect(res.status).toBe(200);
      const [first] = (await readXlsx(res.body)).values();
      expect(first.rows[0]).toEqual(headers);
    }
  });
});

describe('students import', () => {
  it('round trip: download the template, fill 30 pupils, upload (0 errors), commit, see them', async () => {
    const uploadsBefore = await auditCount('roster.import.upload');
    const commitsBefore = await auditCount('roster.import.commit');
    const tpl = await admin.get(`/api/schools/${schoolA()}/roster/template?kind=students`);
    const file = await fillTemplate(tpl.body, studentRows(30, { prefix: 'T', classNo: 2 }));

    const up = await upload(admin, 'students', file, '三年级学生.xlsx');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      kind: 'students',
      status: 'validated',
      fileName: '三年级学生.xlsx',
      totalRows: 30,
      validRows: 30,
      errorCount: 0,
      errors: [],
    });

    const done = await commit(admin, up.body.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', processedRows: 30, createdRows: 30, updatedRows: 0, failureMessage: null });
    expect(done.body.finishedAt).not.toBeNull();
    const password = done.body.temporaryPassword!;
    expect(password).toHaveLength(12);

    const list = await admin.get(`/api/schools/${schoolA()}/students?classId=${t.world.units.classA2}&pageSize=100`);
    expect(list.status).toBe(200);
    const nos = list.body.items.map((s: { studentNo: string }) => s.studentNo);
    for (let i = 1; i <= 30; i++) expect(nos).toContain(`T${String(i).padStart(5, '0')}`);
    const first = list.body.items.find((s: { studentNo: string }) => s.studentNo === 'T00001');
    expect(first).toMatchObject({
      name: '学生1号',
      gender: 'male',
      className: '三年级(2)班',
      idCard: fixtureIdCard(1),
      birthDate: '2017-01-01',
    });

    const detail = await admin.get(`/api/students/${first.id}`);
    expect(detail.body.guardians).toEqual([
      expect.objectContaining({ name: '家长1号', phone: fixturePhone(1), relation: 'mother', isPrimary: true }),
    ]);
    expect(detail.body.classHistory).toEqual([expect.objectContaining({ classId: t.world.units.classA2, reason: '入学', to: null })]);

    // the new pupil and the new parent sign in with the job's one temporary password, and must change it
    for (const username of ['sT00001', `p${fixturePhone(1)}`]) {
      const login = await t.anon().post('/api/auth/login', { username, password });
      expect(login.status).toBe(200);
      expect(login.body.mustChangePassword).toBe(true);
    }
    const hashes = await t.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', 'in', ['sT00001', 'sT00002', `p${fixturePhone(2)}`])
      .execute();
    expect(new Set(hashes.map((h) => h.password_hash)).size).toBe(1);

    // the job shows the result, but the password only ever in the commit response
    const job = await admin.get(`/api/roster/imports/${up.body.id}`);
    expect(job.body).toMatchObject({ status: 'done', createdRows: 30 });
    expect(job.body.temporaryPassword).toBeUndefined();
    expect(JSON.stringify(await t.ctx.db.selectFrom('import_jobs').selectAll().where('id', '=', up.body.id).execute())).not.toContain(
      password,
    );
    expect(await auditCount('roster.import.upload')).toBe(uploadsBefore + 1);
    expect(await auditCount('roster.import.commit')).toBe(commitsBefore + 1);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('summary')
      .where('action', '=', 'roster.import.commit')
      .where('target_id', '=', up.body.id)
      .executeTakeFirstOrThrow();
    expect(audit.summary).toMatchObject({ kind: 'students', created: 30, updated: 0, newAccounts: 60 });
  });

  it('re-importing the same file updates and creates no duplicates', async () => {
    const file = await buildXlsx(STUDENT_HEADERS, studentRows(5, { from: 100 }));
    const first = await importClean(admin, 'students', file);
    expect(first).toMatchObject({ createdRows: 5, updatedRows: 0 });
    const [students, users, links] = [await count('students'), await count('users'), await count('guardianships')];
    const again = await importClean(admin, 'students', file);
    expect(again).toMatchObject({ createdRows: 0, updatedRows: 5 });
    // nothing new, so no password to hand out
    expect(again.temporaryPassword).toBeUndefined();
    expect([await count('students'), await count('users'), await count('guardianships')]).toEqual([students, users, links]);
  });

  it('an existing 学号 with a new class moves the pupil and keeps the class history', async () => {
    await importClean(admin, 'students', await buildXlsx(STUDENT_HEADERS, studentRows(1, { from: 200, classNo: 1 })));
    const rows = studentRows(1, { from: 200, classNo: 2 });
    rows[0][1] = '学生二百号';
    const moved = await importClean(admin, 'students', await buildXlsx(STUDENT_HEADERS, rows));
    expect(moved).toMatchObject({ createdRows: 0, updatedRows: 1 });
    const st = await studentByNo('R00200');
    expect(st).toMatchObject({ display_name: '学生二百号', class_id: t.world.units.classA2 });
    const detail = await admin.get(`/api/students/${st!.id}`);
    expect(
      detail.body.classHistory.map((h: { classId: string; reason: string; to: string | null }) => [h.classId, h.reason, h.to === null]),
    ).toEqual([
      [t.world.units.classA1, '入学', false],
      [t.world.units.classA2, '名单导入调班', true],
    ]);
    const grant = await t.ctx.db
      .selectFrom('role_grants')
      .select('scope_id')
      .where('user_id', '=', st!.id)
      .where('role', '=', 'student')
      .executeTakeFirstOrThrow();
    expect(grant.scope_id).toBe(t.world.units.classA2);
  });

  it('accepts a 班级 column (三年级(2)班) instead of 年级 + 班号, and siblings share one parent account', async () => {
    const headers = ['学号', '姓名', '身份证号', '班级', '监护人姓名', '监护人手机', '与学生关系'];
    const file = await buildXlsx(headers, [
      ['C00001', '王大宝', fixtureIdCard(300, 'male'), '三年级(2)班', '王爸爸', fixturePhone(300), '爸爸'],
      ['C00002', '王二宝', fixtureIdCard(301, 'female'), '三年级（1）班', '王爸爸', `+86 ${fixturePhone(300)}`, '父亲'],
    ]);
    const done = await importClean(admin, 'students', file);
    expect(done.createdRows).toBe(2);
    const [a, b] = [await studentByNo('C00001'), await studentByNo('C00002')];
    expect([a!.class_id, b!.class_id]).toEqual([t.world.units.classA2, t.world.units.classA1]);
    const parents = await t.ctx.db.selectFrom('guardianships').select('parent_id').where('student_id', 'in', [a!.id, b!.id]).execute();
    expect(parents).toHaveLength(2);
    expect(new Set(parents.map((p) => p.parent_id)).size).toBe(1);
    // gender came from the 身份证号
    expect((await admin.get(`/api/students/${b!.id}`)).body.gender).toBe('female');
  });

  it('a guardian phone already on the platform reuses that account (a teacher can be a parent)', async () => {
    const teacherPhone = '13900000777';
    await t.ctx.db
      .updateTable('users')
      .set({ phone_enc: t.ctx.cipher.encrypt(teacherPhone), phone_bidx: t.ctx.cipher.blindIndex(teacherPhone) })
      .where('id', '=', t.world.users.teacherA1)
      .execute();
    const row = studentRows(1, { from: 310 })[0];
    row[7] = teacherPhone;
    await importClean(admin, 'students', await buildXlsx(STUDENT_HEADERS, [row]));
    const st = await studentByNo('R00310');
    const links = await t.ctx.db.selectFrom('guardianships').select('parent_id').where('student_id', '=', st!.id).execute();
    expect(links).toEqual([{ parent_id: t.world.users.teacherA1 }]);
    const roles = await t.ctx.db.selectFrom('role_grants').select('role').where('user_id', '=', t.world.users.teacherA1).execute();
    expect(roles.map((r) => r.role)).toContain('parent');
  });
});

describe('validation errors', () => {
  // rows 2…: one problem each (row 2 is valid), then the same file committed both ways
  const rows = (): unknown[][] => {
    const ok = (n: number) => studentRows(1, { from: n, prefix: 'E' })[0];
    const r: unknown[][] = [];
    r.push(ok(400)); // 2 valid
    r.push(Object.assign(ok(401), { 1: '' })); // 3 姓名 required
    r.push(Object.assign(ok(402), { 0: 'E-402' })); // 4 学号 format
    r.push(Object.assign(ok(403), { 0: 'E00400' })); // 5 学号 duplicate in file
    r.push(Object.assign(ok(404), { 0: 'A0001', 1: '别的孩子' })); // 6 学号 of another pupil of the school
    r.push(Object.assign(ok(405), { 3: fixtureIdCard(405).slice(0, 17) + (fixtureIdCard(405).endsWith('1') ? '2' : '1') })); // 7 checksum
    r.push(Object.assign(ok(406), { 3: fixtureIdCard(400) })); // 8 身份证号 duplicate in file
    r.push(Object.assign(ok(407), { 3: '370202201705010013', 2: '男' })); // 9 身份证号 of an existing account
    r.push(Object.assign(ok(408), { 5: 9 })); // 10 unknown class
    r.push(Object.assign(ok(409), { 7: '1234567' })); // 11 invalid guardian phone
    r.push(Object.assign(ok(410), { 7: '' })); // 12 guardian phone missing
    r.push(Object.assign(ok(411), { 8: '表哥' })); // 13 unknown relation
    r.push(Object.assign(ok(412), { 2: '男' })); // 14 性别 contradicts the 身份证号 (412: a girl's)
    r.push(Object.assign(ok(414), { 4: '七年级' })); // 15 年级
    r.push(Object.assign(ok(415), { 3: '' })); // 16 new pupil without 身份证号
    r.push(ok(416)); // 17 valid
    return r;
  };

  it('lists every error by row and column; mode all writes nothing; valid_only writes only the good rows', async () => {
    const data = rows();
    const up = await upload(admin, 'students', await buildXlsx(STUDENT_HEADERS, data));
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ status: 'validated', totalRows: 16, validRows: 2 });
    const found = up.body.errors.map((e) => [e.row, e.column, e.code]);
    expect(found).toEqual([
      [3, '姓名', 'required'],
      [4, '学号', 'invalid_student_no'],
      [5, '学号', 'duplicate_student_no'],
      [6, '学号', 'student_no_taken'],
      [7, '身份证号', 'invalid_id_card'],
      [8, '身份证号', 'duplicate_id_card'],
      [9, '身份证号', 'id_card_taken'],
      [10, '班号', 'unknown_class'],
      [11, '监护人手机', 'invalid_phone'],
      [12, '监护人手机', 'required'],
      [13, '与学生关系', 'unknown_relation'],
      [14, '性别', 'gender_mismatch'],
      [15, '年级', 'invalid_grade'],
      [16, '身份证号', 'required'],
    ]);
    expect(up.body.errorCount).toBe(14);
    const byRow = new Map(up.body.errors.map((e) => [e.row, e.message]));
    expect(byRow.get(5)).toBe('学号与第 2 行重复');
    expect(byRow.get(7)).toContain('校验位');
    expect(byRow.get(9)).toContain('学号 A0001');
    expect(byRow.get(10)).toBe('本校没有三年级(9)班，请先在“班级”中建班');
    expect(byRow.get(13)).toContain('父亲');

    const students = await count('students');
    const refused = await commit(admin, up.body.id, 'all');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('IMPORT_HAS_ERRORS');
    expect(refused.body.error.details.errorCount).toBe(14);
    expect(await count('students')).toBe(students);
    expect((await admin.get(`/api/roster/imports/${up.body.id}`)).body.status).toBe('validated');

    const partial = await commit(admin, up.body.id, 'valid_only');
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ status: 'done', createdRows: 2, processedRows: 16 });
    expect(await count('students')).toBe(students + 2);
    expect(await studentByNo('E00400')).toBeDefined();
    expect(await studentByNo('E00416')).toBeDefined();
    expect(await studentByNo('E00401')).toBeUndefined();
    expect((await studentByNo('A0001'))!.display_name).toBe('张小明');
  });

  it('teachers: subjects, phone, duplicates, gender', async () => {
    const file = await buildXlsx(TEACHER_HEADERS, [
      ['W001', '周老师', '女', '13700009001', '语文、道德与法治', ''],
      ['W002', '吴老师', '男', '13700009002', '书法', ''],
      ['W003', '郑老师', '男', '139', '数学', ''],
      ['W001', '冯老师', '男', '13700009004', '数学', ''],
      ['W005', '陈老师', '', '13700009005', '数学', ''],
      ['W006', '褚老师', '男', '13700009001', '科学', ''],
    ]);
    const up = await upload(admin, 'teachers', file);
    expect(up.body.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, '任教学科', 'unknown_subject'],
      [4, '手机号', 'invalid_phone'],
      [5, '工号', 'duplicate_staff_no'],
      [6, '性别', 'required'],
      [7, '手机号', 'duplicate_phone'],
    ]);
    expect(up.body.errors[0].message).toContain('书法');
  });

  it('parents: unknown 学号, relation, primary contact twice', async () => {
    const file = await buildXlsx(PARENT_HEADERS, [
      ['A0001', '张妈妈', '13700009101', '母亲', '是'],
      ['NOPE01', '某家长', '13700009102', '父亲', '否'],
      ['A0001', '张奶奶', '13700009103', '奶奶', '是'],
      ['A0001', '张妈妈', '13700009101', '母亲', '否'],
      ['A0002', '陈某', '13700009104', '舅舅', '也许'],
    ]);
    const up = await upload(admin, 'parents', file);
    expect(up.body.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, '学生学号', 'unknown_student'],
      [4, '是否主要联系人', 'duplicate_primary'],
      [5, '手机号', 'duplicate_guardian'],
      [6, '与学生关系', 'unknown_relation'],
      [6, '是否主要联系人', 'invalid_value'],
    ]);
  });
});

describe('files', () => {
  it('anything but .xlsx is FILE_INVALID and writes nothing', async () => {
    const jobs = await count('import_jobs');
    const cases: [Buffer, string][] = [
      [Buffer.from('学号,姓名\nA1,张三\n'), 'roster.csv'],
      [Buffer.from('学号,姓名\nA1,张三\n'), 'roster.xlsx'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]), 'roster.xls'],
      [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), 'broken.xlsx'],
      [await buildXlsx(['名字', '年龄'], [['张三', 9]]), 'other.xlsx'],
    ];
    for (const [file, name] of cases) {
      const res = await upload(admin, 'students', file, name);
      expect(res.status, name).toBe(400);
      expect(res.body.error.code).toBe('FILE_INVALID');
    }
    const missing = await upload(admin, 'students', await buildXlsx(['学号', '姓名', '性别'], [['A9', '张三', '男']]));
    expect(missing.body.error.message).toContain('年级');
    const noFile = await admin.request(
      'POST',
      `/api/schools/${schoolA()}/roster/imports?kind=students`,
      uploadForm(Buffer.from('x'), 'a.xlsx', 'other'),
    );
    expect(noFile.body.error.code).toBe('FILE_INVALID');
    expect(await count('import_jobs')).toBe(jobs);
  });

  it('a header below a title line and blank rows are fine', async () => {
    const file = await buildXlsx(['2026 年秋季新生名单'], [[], STUDENT_HEADERS, ...studentRows(2, { from: 500 }), [], ['   ']]);
    const up = await upload(admin, 'students', file);
    expect(up.body).toMatchObject({ totalRows: 2, validRows: 2, errorCount: 0 });
  });

  it('more rows than allowed is FILE_TOO_LARGE', async () => {
    const ctx = await contextOf('a_admin');
    const file = await buildXlsx(STUDENT_HEADERS, studentRows(6, { from: 510 }));
    await expect(importRoster(ctx, schoolA(), 'students', file, { maxRows: 5 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });
});

describe('commit', () => {
  it('a double commit is refused and writes once', async () => {
    const up = await upload(admin, 'students', await buildXlsx(STUDENT_HEADERS, studentRows(3, { from: 600 })));
    const students = await count('students');
    const [a, b] = await Promise.all([commit(admin, up.body.id), commit(admin, up.body.id)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.error.code).toBe('IMPORT_STATE_INVALID');
    const again = await commit(admin, up.body.id, 'valid_only');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('IMPORT_STATE_INVALID');
    expect(await count('students')).toBe(students + 3);
  });

  it('only the uploader gets the temporary password', async () => {
    const up = await upload(admin, 'students', await buildXlsx(STUDENT_HEADERS, studentRows(1, { from: 620 })));
    const district = await t.as('d1_admin');
    const res = await commit(district, up.body.id);
    expect(res.body.status).toBe('done');
    expect(res.body.createdRows).toBe(1);
    expect(res.body.temporaryPassword).toBeUndefined();
  });

  it('runs in the background for large jobs: validating, then importing, with progress', async () => {
    const ctx = await contextOf('a_admin');
    const file = await buildXlsx(STUDENT_HEADERS, studentRows(25, { from: 700 }));
    const job = await importRoster(ctx, schoolA(), 'students', file, { background: true, chunkRows: 10 });
    expect(job.status).toBe('validating');
    const poll = async (until: string[]) => {
      for (let i = 0; i < 200; i++) {
        const j = await admin.get(`/api/roster/imports/${job.id}`);
        if (until.includes(j.body.status)) return j.body as TImportJob;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('job did not finish');
    };
    expect(await poll(['validated'])).toMatchObject({ totalRows: 25, validRows: 25, processedRows: 25 });
    const started = await commitImport(ctx, job.id, 'all', { background: true });
    expect(started.status).toBe('importing');
    expect(started.temporaryPassword).toHaveLength(12);
    expect(await poll(['done', 'failed'])).toMatchObject({ status: 'done', createdRows: 25, processedRows: 25 });
    expect(await getImportJob(ctx, job.id)).toMatchObject({ status: 'done' });
  });

  it('a failing batch leaves nothing of itself and marks the job failed; earlier batches stay', async () => {
    const ctx = await contextOf('a_admin');
    const file = await buildXlsx(STUDENT_HEADERS, studentRows(20, { from: 800 }));
    const job = await importRoster(ctx, schoolA(), 'students', file, { chunkRows: 10 });
    expect(job.validRows).toBe(20);
    // after validation someone else registers the second batch's first 身份证号
    const taken = fixtureIdCard(810);
    await t.ctx.db
      .updateTable('users')
      .set({ id_card_enc: t.ctx.cipher.encrypt(taken), id_card_bidx: t.ctx.cipher.blindIndex(taken) })
      .where('username', '=', 'parent_b')
      .execute();
    const students = await count('students');
    const res = await commitImport(ctx, job.id, 'all');
    expect(res.status).toBe('failed');
    expect(res.failureMessage).toContain('第 12–21 行');
    expect(res).toMatchObject({ createdRows: 10 });
    expect(await count('students')).toBe(students + 10);
    expect(await studentByNo('R00811')).toBeUndefined();
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['outcome'])
      .where('action', '=', 'roster.import.commit')
      .where('target_id', '=', job.id)
      .execute();
    expect(audit).toEqual([{ outcome: 'failure' }]);
  });
});

describe('teachers and parents import', () => {
  it('creates teachers with the school-level teacher grant, then updates them by 工号', async () => {
    const rows = [
      ['Z001', '蒋老师', '女', '13700008001', '数学, 科学', fixtureIdCard(900, 'female', 1990)],
      ['Z002', '沈老师', '男', '13700008002', '英语', ''],
    ];
    const done = await importClean(admin, 'teachers', await buildXlsx(TEACHER_HEADERS, rows));
    expect(done).toMatchObject({ createdRows: 2 });
    const list = await admin.get(`/api/schools/${schoolA()}/teachers?q=Z001`);
    expect(list.body.items[0]).toMatchObject({
      name: '蒋老师',
      gender: 'female',
      subjects: ['数学', '科学'],
      phone: '13700008001',
      username: 'tZ001',
    });
    const grant = await t.ctx.db
      .selectFrom('role_grants')
      .select(['role', 'scope_id', 'scope_path'])
      .where('user_id', '=', list.body.items[0].id)
      .execute();
    expect(grant).toEqual([{ role: 'teacher', scope_id: schoolA(), scope_path: null }]);
    rows[1][3] = '13700008012';
    rows[1][4] = '英语、音乐';
    const again = await importClean(admin, 'teachers', await buildXlsx(TEACHER_HEADERS, rows));
    expect(again).toMatchObject({ createdRows: 0, updatedRows: 2 });
    const shen = (await admin.get(`/api/schools/${schoolA()}/teachers?q=Z002`)).body.items[0];
    expect(shen).toMatchObject({ phone: '13700008012', subjects: ['英语', '音乐'] });
  });

  it('links guardians to existing pupils and moves the primary contact', async () => {
    const studentA1 = t.world.users.studentA1;
    const done = await importClean(admin, 'parents', await buildXlsx(PARENT_HEADERS, [['A0001', '张妈妈', '13700007001', '母亲', '是']]));
    expect(done).toMatchObject({ createdRows: 1, updatedRows: 0 });
    expect(done.temporaryPassword).toHaveLength(12);
    const detail = (await admin.get(`/api/students/${studentA1}`)).body;
    const byName = new Map(detail.guardians.map((g: { name: string; isPrimary: boolean }) => [g.name, g.isPrimary]));
    expect(byName.get('张妈妈')).toBe(true);
    expect(byName.get('张爸爸')).toBe(false);
    // the existing father, by his phone: an update of the link, no new account
    const again = await importClean(admin, 'parents', await buildXlsx(PARENT_HEADERS, [['A0001', '张爸爸', '13800000001', '父亲', '是']]));
    expect(again).toMatchObject({ createdRows: 0, updatedRows: 1 });
    expect(again.temporaryPassword).toBeUndefined();
    const after = (await admin.get(`/api/students/${studentA1}`)).body;
    expect(after.guardians.filter((g: { isPrimary: boolean }) => g.isPrimary).map((g: { name: string }) => g.name)).toEqual(['张爸爸']);
  });
});

describe('export', () => {
  it('exports with the import columns, and the export imports again cleanly (updates only)', async () => {
    for (const kind of ['students', 'teachers', 'parents'] as const) {
      const res = await admin.get(`/api/schools/${schoolA()}/roster/export?kind=${kind}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
      const book = await readXlsx(res.body);
      const [data] = book.values();
      expect(data.rows[0]).toEqual(kind === 'students' ? STUDENT_HEADERS : kind === 'teachers' ? TEACHER_HEADERS : PARENT_HEADERS);
      expect(data.rows.length).toBeGreaterThan(1);
      const up = await upload(admin, kind, res.body, 'export.xlsx');
      expect(up.body.errors, kind).toEqual([]);
      const done = await commit(admin, up.body.id);
      expect(done.body, kind).toMatchObject({ status: 'done', createdRows: 0, updatedRows: data.rows.length - 1 });
    }
    const students = await admin.get(`/api/schools/${schoolA()}/roster/export?kind=students`);
    const row = (await readXlsx(students.body)).get('学生名单')!.rows.find((r) => r[0] === 'A0001')!;
    expect(row).toEqual(['A0001', '张小明', '男', '370202201705010013', '三年级', '1', '张爸爸', '13800000001', '父亲']);
  });

  it('masks 身份证号 and phones for a role without pii.read; such a file still re-imports (masked means unchanged)', async () => {
    const researcher = await t.as('d1_researcher');
    const res = await researcher.get(`/api/schools/${schoolA()}/roster/export?kind=students`);
    expect(res.status).toBe(200);
    const rows = (await readXlsx(res.body)).get('学生名单')!.rows;
    const a1 = rows.find((r) => r[0] === 'A0001')!;
    expect(a1[3]).toBe('3702**********0013');
    expect(a1[7]).toBe('138****0001');
    expect(res.body.toString('latin1')).not.toContain('370202201705010013');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('summary')
      .where('action', '=', 'roster.export')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audit.summary).toMatchObject({ kind: 'students', masked: true });

    const district = await t.as('d1_admin');
    const up = await upload(district, 'students', res.body);
    expect(up.body.errors).toEqual([]);
    const done = await commit(district, up.body.id);
    expect(done.body).toMatchObject({ status: 'done', createdRows: 0 });
    const full = (await readXlsx((await admin.get(`/api/schools/${schoolA()}/roster/export?kind=students`)).body)).get('学生名单')!.rows;
    expect(full.find((r) => r[0] === 'A0001')![3]).toBe('370202201705010013');
  });

  it("a teacher cannot export the whole school (404), others' schools stay hidden", async () => {
    const teacher = await t.as('teacher_a2', 'teacher');
    expect((await teacher.get(`/api/schools/${schoolA()}/roster/export?kind=students`)).status).toBe(404);
    const x = await t.as('x_admin');
    expect((await x.get(`/api/schools/${schoolA()}/roster/export?kind=teachers`)).status).toBe(404);
  });
});

describe('interrupted jobs', () => {
  it('a job whose process stopped is failed after 10 minutes without progress, with a message saying what to do', async () => {
    const { failStalledImports } = await import('./index.ts');
    const stale = crypto.randomUUID();
    const fresh = crypto.randomUUID();
    for (const [id, minutes] of [
      [stale, 11],
      [fresh, 1],
    ] as const) {
      await t.ctx.db
        .insertInto('import_jobs')
        .values({
          id,
          school_id: t.world.units.schoolA,
          kind: 'students',
          status: 'importing',
          file_name: 'x.xlsx',
          file_hash: id,
          created_by: t.world.users.aAdmin,
          created_at: new Date(),
          updated_at: new Date(Date.now() - minutes * 60_000),
        })
        .execute();
    }
    expect(await failStalledImports(t.ctx.db)).toBe(1);
    const res = await admin.get(`/api/roster/imports/${stale}`);
    expect(res.body).toMatchObject({ status: 'failed' });
    expect(res.body.failureMessage).toMatch(/中断.*重新上传/);
    expect((await admin.get(`/api/roster/imports/${fresh}`)).body.status).toBe('importing');
  });
});
