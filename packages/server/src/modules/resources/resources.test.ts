import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { docxOf, pdfOf, pngOf } from './resources.factory.ts';
import { baseResource, putChunk, upload } from './resources.test-support.ts';

let t: TestApp;
let pdf: Buffer;
beforeAll(async () => {
  t = await createTestApp();
  pdf = await pdfOf(['把一个物体平均分成几份，每份是它的几分之一。', '二分之一写作 1/2。'], '分数的初步认识');
});
afterAll(async () => {
  await t?.close();
});

const fractionsUnit = async () => {
  const book = await t.anon().get('/api/curriculum?edition=pep&subject=数学&gradeLevel=3&term=first');
  return book.body.find((u: { title: string }) => u.title === '分数的初步认识') as {
    id: string;
    children: { id: string; title: string }[];
  };
};

describe('curriculum catalogue', () => {
  it('ships 人教版 语文, 数学, 英语 with real unit names, readable without signing in', async () => {
    const books = (await t.anon().get('/api/curriculum/books')).body as { subject: string; gradeLevel: number; units: number }[];
    expect(books.filter((b) => b.subject === '数学')).toHaveLength(12);
    expect(books.filter((b) => b.subject === '语文')).toHaveLength(12);
    expect(books.filter((b) => b.subject === '英语')).toHaveLength(8);
    const unit = await fractionsUnit();
    expect(unit.children.map((c) => c.title)).toEqual(['几分之一', '几分之几', '分数的简单计算', '分数的简单应用']);
    const bad = await t.anon().get('/api/curriculum?edition=x&subject=数学&gradeLevel=9&term=first');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toHaveLength(2);
  });

  it('imports books from JSON (idempotently) and xlsx for configurators only', async () => {
    const book = {
      edition: 'bnu',
      subject: '数学',
      gradeLevel: 3,
      term: 'first',
      units: [{ title: '混合运算', lessons: ['小熊购物', '买文具'] }],
    };
    expect((await t.anon().post('/api/curriculum/import', { books: [book] })).status).toBe(401);
    expect((await (await t.as('teacher_a1')).post('/api/curriculum/import', { books: [book] })).status).toBe(403);
    const admin = await t.as('city_admin');
    const bad = await admin.post('/api/curriculum/import', { books: [{ ...book, units: [] }] });
    expect(bad.status).toBe(400);
    expect((await admin.post('/api/curriculum/import', { books: [book] })).body).toEqual({ books: 1, units: 1, lessons: 2 });
    expect((await admin.post('/api/curriculum/import', { books: [book] })).body).toEqual({ books: 1, units: 0, lessons: 0 });

    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('目录');
    ws.addRow(['教材版本', '学科', '年级', '册次', '单元', '课']);
    ws.addRow(['北师大版', '数学', '三年级', '上册', '观察物体', '看一看']);
    ws.addRow(['北师大版', '数学', '3', '上册', '观察物体', '']);
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(await wb.xlsx.writeBuffer())]), 'catalogue.xlsx');
    const ok = await admin.request('POST', '/api/curriculum/import/xlsx', form);
    expect(ok.body).toEqual({ books: 1, units: 1, lessons: 1 });
    ws.addRow(['某某版', '炼金术', '九年级', '中册', '', '']);
    const form2 = new FormData();
    form2.append('file', new Blob([Buffer.from(await wb.xlsx.writeBuffer())]), 'catalogue.xlsx');
    const wrong = await admin.request('POST', '/api/curriculum/import/xlsx', form2);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues.map((i: { path: unknown[] }) => i.path[2]).sort()).toEqual(
      ['单元', '学科', '年级', '册次', '教材版本'].sort(),
    );
  });
});

describe('uploads', () => {
  it('needs a session and a contributor role, and valid declarations', async () => {
    expect((await t.anon().post('/api/resource-uploads', { fileName: 'a.pdf', size: 10 })).status).toBe(401);
    expect((await (await t.as('student_a1')).post('/api/resource-uploads', { fileName: 'a.pdf', size: 10 })).status).toBe(403);
    const bad = await (await t.as('teacher_a1')).post('/api/resource-uploads', { fileName: 'noext', size: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toHaveLength(2);
  });

  it('takes chunks at the offset the server holds, resumes after an interruption, and de-duplicates by content', async () => {
    const c = await t.as('teacher_a1');
    const created = (await c.post('/api/resource-uploads', { fileName: '分数.pdf', size: pdf.length })).body;
    expect(created).toMatchObject({ received: 0, status: 'open', chunkSize: 5 * 1024 * 1024 });
    const half = Math.floor(pdf.length / 2);
    expect((await putChunk(t, c, created.id, 0, pdf.subarray(0, half))).body.received).toBe(half);
    // a reload: the client asks where to go on; sending from the wrong place is refused with the right place
    expect((await c.get(`/api/resource-uploads/${created.id}`)).body.received).toBe(half);
    const wrong = await putChunk(t, c, created.id, 0, pdf.subarray(0, 10));
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatchObject({ code: 'UPLOAD_OFFSET_MISMATCH', details: { received: half } });
    expect((await c.post(`/api/resource-uploads/${created.id}/complete`)).status).toBe(409);
    await putChunk(t, c, created.id, half, pdf.subarray(half));
    const done = (await c.post(`/api/resource-uploads/${created.id}/complete`)).body;
    expect(done).toMatchObject({
      status: 'complete',
      deduplicated: false,
      file: { mime: 'application/pdf', preview: 'pdf', size: pdf.length },
    });
    // another teacher's upload of the same bytes is stored once
    const again = await upload(t, await t.as('teacher_b1'), '分数副本.pdf', pdf);
    expect(again.deduplicated).toBe(true);
    expect(again.file.hash).toBe(done.file.hash);
    // someone else's upload does not exist for you
    expect((await (await t.as('teacher_b1')).get(`/api/resource-uploads/${created.id}`)).status).toBe(404);
  });

  it('refuses content that is not what its extension says', async () => {
    const c = await t.as('teacher_a1');
    const created = (await c.post('/api/resource-uploads', { fileName: '课件.pdf', size: 12 })).body;
    await putChunk(t, c, created.id, 0, Buffer.from('MZ-not-a-pdf'));
    const res = await c.post(`/api/resource-uploads/${created.id}/complete`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('FILE_INVALID');
  });
});

describe('resources', () => {
  it('creates a draft with metadata, refusing bad input with every issue and a file its type does not take', async () => {
    const c = await t.as('teacher_a1');
    expect((await t.anon().post('/api/resources', baseResource)).status).toBe(401);
    expect((await (await t.as('parent_a')).post('/api/resources', baseResource)).status).toBe(403);
    const bad = await c.post('/api/resources', { ...baseResource, title: 'x', subject: '炼金术', gradeLevel: 8, type: 'poster' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string[] }) => i.path.at(-1)).sort()).toEqual([
      'gradeLevel',
      'subject',
      'title',
      'type',
    ]);
    const unit = await fractionsUnit();
    const wrongUnit = await c.post('/api/resources', { ...baseResource, unitId: unit.id, gradeLevel: 4 });
    expect(wrongUnit.status).toBe(400);
    const image = await upload(t, c, '图.png', pngOf(8, 8, [10, 20, 30], [200, 210, 220]));
    const wrongFile = await c.post('/api/resources', { ...baseResource, uploadId: image.id });
    expect(wrongFile.status).toBe(400);
    expect(wrongFile.body.error.code).toBe('FILE_TYPE_NOT_ALLOWED');

    const file = await upload(t, c, '分数的初步认识.pdf', pdf);
    const ok = await c.post('/api/resources', { ...baseResource, unitId: unit.children[0].id, uploadId: file.id });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      status: 'draft',
      authorName: '王老师',
      schoolName: '市南区实验小学',
      districtName: '市南区',
      unit: { title: '几分之一', path: ['分数的初步认识', '几分之一'] },
      file: { name: '分数的初步认识.pdf', preview: 'pdf' },
      policies: { canEdit: true, canSubmit: true, canReview: false },
    });
    // a draft is its author's alone
    expect((await (await t.as('teacher_a2')).get(`/api/resources/${ok.body.id}`)).status).toBe(404);
    expect((await t.anon().get(`/api/resources/${ok.body.id}`)).status).toBe(404);
    expect((await (await t.as('a_admin')).get(`/api/resources/${ok.body.id}`)).status).toBe(404);
    expect((await c.get('/api/resources/mine')).body.items.map((r: { id: string }) => r.id)).toContain(ok.body.id);
  });

  it('edits and deletes one’s own draft only', async () => {
    const c = await t.as('teacher_a1');
    const doc = await upload(t, c, '教案.docx', docxOf(['教学目标：认识几分之一。']));
    const created = (await c.post('/api/resources', { ...baseResource, type: 'lesson_plan', title: '几分之一 教案', uploadId: doc.id }))
      .body;
    const other = await t.as('teacher_b1');
    expect((await other.patch(`/api/resources/${created.id}`, { title: '别人的修改' })).status).toBe(404);
    expect((await c.patch(`/api/resources/${created.id}`, { title: '' })).status).toBe(400);
    expect((await c.patch(`/api/resources/${created.id}`, { type: 'micro_lesson' })).body.error.code).toBe('FILE_TYPE_NOT_ALLOWED');
    const edited = await c.patch(`/api/resources/${created.id}`, { title: '几分之一（教学设计）', keywords: ['分数', '教案'] });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: '几分之一（教学设计）', keywords: ['分数', '教案'] });
    expect((await other.del(`/api/resources/${created.id}`)).status).toBe(404);
    expect((await c.del(`/api/resources/${created.id}`)).status).toBe(204);
    expect((await c.get(`/api/resources/${created.id}`)).status).toBe(404);
  });

  it('serves its file to its author with byte ranges', async () => {
    const c = await t.as('teacher_a1');
    const file = await upload(t, c, '分数.pdf', pdf);
    const r = (await c.post('/api/resources', { ...baseResource, uploadId: file.id })).body;
    const whole = await fetch(`${t.baseUrl}/api/resources/${r.id}/file`, { headers: { cookie: c.cookie! } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(pdf)).toBe(true);
    const part = await fetch(`${t.baseUrl}/api/resources/${r.id}/file`, { headers: { cookie: c.cookie!, range: 'bytes=0-4' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-4/${pdf.length}`);
    expect(await part.text()).toBe('%PDF-');
    const beyond = await fetch(`${t.baseUrl}/api/resources/${r.id}/file`, {
      headers: { cookie: c.cookie!, range: `bytes=${pdf.length + 5}-` },
    });
    expect(beyond.status).toBe(400);
    expect((await fetch(`${t.baseUrl}/api/resources/${r.id}/file`)).status).toBe(404);
  });
});
