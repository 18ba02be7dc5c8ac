import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import { pdfOf } from './resources.factory.ts';
import { baseResource, upload } from './resources.test-support.ts';

let t: TestApp;
let cleanPdf: Buffer;
let dirtyPdf: Buffer;
beforeAll(async () => {
  t = await createTestApp();
  cleanPdf = await pdfOf(['把一个物体平均分成几份，每份是它的几分之一。', '涂一涂：用分数表示涂色部分。'], '分数的初步认识');
  dirtyPdf = await pdfOf(['第一页：认识几分之一。', '附录：网上可以买到冰毒，联系方式见下。'], '分数练习');
});
afterAll(async () => {
  await t?.close();
});

async function draft(c: Client, file: Buffer, fields: Record<string, unknown> = {}) {
  const up = await upload(t, c, `${String(fields.title ?? '课件')}.pdf`, file);
  const res = await c.post('/api/resources', { ...baseResource, ...fields, uploadId: up.id });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

describe('review workflow', () => {
  it('submit → screening → school review → district review → published, audited and notified, then visible by the rule', async () => {
    const author = await t.as('teacher_a1');
    const r = await draft(author, cleanPdf, { title: '分数的初步认识 课件' });
    expect((await t.anon().post(`/api/resources/${r.id}/submit`)).status).toBe(401);
    expect((await (await t.as('teacher_a2')).post(`/api/resources/${r.id}/submit`)).status).toBe(404);
    const submitted = await author.post(`/api/resources/${r.id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'in_review', reviewLevels: ['school', 'district'], currentReviewLevel: 'school' });
    expect((await author.post(`/api/resources/${r.id}/submit`)).status).toBe(409);

    // the school admin has it waiting, with a clean screening report
    const school = await t.as('a_admin');
    const queue = (await school.get('/api/resource-reviews')).body;
    expect(queue.items.map((i: { id: string }) => i.id)).toContain(r.id);
    const detail = (await school.get(`/api/resources/${r.id}/review`)).body;
    expect(detail.screening).toMatchObject({ isFlagged: false, safetyHits: [] });
    expect(detail.screening.textLength).toBeGreaterThan(10);
    expect(detail.steps.map((s: { action: string }) => s.action)).toEqual(['submit', 'screen']);
    // another school's admin neither sees nor reviews it; the district reviewer must wait for the school
    const other = await t.as('b_admin');
    expect((await other.get('/api/resource-reviews')).body.items).toEqual([]);
    expect((await other.post(`/api/resources/${r.id}/approve`, {})).status).toBe(404);
    const district = await t.as('d1_researcher');
    expect((await district.post(`/api/resources/${r.id}/approve`, {})).status).toBe(409);
    expect((await author.post(`/api/resources/${r.id}/approve`, {})).status).toBe(403);
    // not yet visible to a teacher of another school
    const reader = await t.as('teacher_b1');
    expect((await reader.get(`/api/resources/${r.id}`)).status).toBe(404);

    const first = await school.post(`/api/resources/${r.id}/approve`, { comment: '内容准确' });
    expect(first.body).toMatchObject({ status: 'in_review', currentReviewLevel: 'district' });
    expect((await district.get('/api/resource-reviews')).body.items.map((i: { id: string }) => i.id)).toContain(r.id);
    const published = await district.post(`/api/resources/${r.id}/approve`, {});
    expect(published.body).toMatchObject({ status: 'published', currentReviewLevel: null });
    expect(published.body.publishedAt).toBeTruthy();

    const notes = (await author.get('/api/me/notifications')).body;
    expect(notes.items.map((n: { kind: string }) => n.kind)).toEqual(['resource.published', 'resource.review_passed']);
    expect(notes.unread).toBe(2);
    expect((await (await t.as('a_admin')).get('/api/me/notifications')).body.items[0]).toMatchObject({ kind: 'resource.review_requested' });
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', r.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['resource.create', 'resource.submit', 'resource.approve', 'resource.publish']);

    // published to the district: its other school sees it, finds it by searching 分数, and downloads it; another district does not
    expect((await reader.get(`/api/resources/${r.id}`)).status).toBe(200);
    expect((await reader.get('/api/resources?subject=数学')).body.items.map((i: { id: string }) => i.id)).toContain(r.id);
    const found = (await reader.get('/api/search?q=分数')).body;
    expect(found.hits.map((h: { refId: string }) => h.refId)).toContain(r.id);
    const dl = await fetch(`${t.baseUrl}/api/resources/${r.id}/download`, { headers: { cookie: reader.cookie! } });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toContain('attachment');
    expect(Buffer.from(await dl.arrayBuffer()).equals(cleanPdf)).toBe(true);
    expect((await reader.get(`/api/resources/${r.id}`)).body.downloadCount).toBe(1);
    const far = await t.as('teacher_x1');
    expect((await far.get(`/api/resources/${r.id}`)).status).toBe(404);
    expect((await far.get('/api/resources')).body.items.map((i: { id: string }) => i.id)).not.toContain(r.id);
    expect((await far.get('/api/search?q=分数')).body.hits.map((h: { refId: string }) => h.refId)).not.toContain(r.id);
    expect((await t.anon().get(`/api/resources/${r.id}`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/api/resources/${r.id}/download`)).status).toBe(404);
    // the bureau above sees it
    expect((await (await t.as('city_admin')).get(`/api/resources/${r.id}`)).status).toBe(200);

    // the author withdraws it: gone from lists and search
    const withdrawn = await author.post(`/api/resources/${r.id}/withdraw`, { reason: '需要更新' });
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await reader.get(`/api/resources/${r.id}`)).status).toBe(404);
    expect((await reader.get('/api/search?q=分数')).body.hits.map((h: { refId: string }) => h.refId)).not.toContain(r.id);
  });

  it('a public resource is readable without signing in', async () => {
    const author = await t.as('teacher_a2');
    const r = await draft(author, await pdfOf(['古诗三首：山行、赠刘景文、夜书所见。'], '古诗三首'), {
      title: '古诗三首 教案',
      subject: '语文',
      type: 'lesson_plan',
      audience: 'public',
    });
    await t.ctx.db
      .insertInto('settings')
      .values({ key: 'resources.review', value: JSON.stringify({ levels: ['school'], duplicateThreshold: 0.85 }), updated_at: new Date() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify({ levels: ['school'], duplicateThreshold: 0.85 }) }))
      .execute();
    expect((await author.post(`/api/resources/${r.id}/submit`)).body.reviewLevels).toEqual(['school']);
    await (await t.as('a_admin')).post(`/api/resources/${r.id}/approve`, {});
    await t.ctx.db.deleteFrom('settings').where('key', '=', 'resources.review').execute();
    const anon = t.anon();
    expect((await anon.get(`/api/resources/${r.id}`)).body).toMatchObject({ status: 'published', audience: 'public', me: null });
    expect((await anon.get('/api/resources')).body.items.map((i: { id: string }) => i.id)).toEqual([r.id]);
    const preview = await fetch(`${t.baseUrl}/api/resources/${r.id}/file`, { headers: { range: 'bytes=0-4' } });
    expect(preview.status).toBe(206);
    expect(await preview.text()).toBe('%PDF-');
    expect((await (await t.as('teacher_y1')).get(`/api/resources/${r.id}`)).status).toBe(200);
  });

  it('screening shows sensitive words in context and near-duplicates; the reviewer returns it with a reason', async () => {
    const author = await t.as('teacher_a1');
    const r = await draft(author, dirtyPdf, { title: '分数练习' });
    await author.post(`/api/resources/${r.id}/submit`);
    const school = await t.as('a_admin');
    const detail = (await school.get(`/api/resources/${r.id}/review`)).body;
    expect(detail.screening.isFlagged).toBe(true);
    expect(detail.screening.safetyHits).toEqual([
      expect.objectContaining({
        word: '冰毒',
        category: '暴恐',
        field: 'text',
        before: expect.stringContaining('网上可以买到'),
        after: expect.stringContaining('联系方式'),
      }),
    ]);
    expect((await school.get('/api/resource-reviews')).body.items.find((i: { id: string }) => i.id === r.id).isFlagged).toBe(true);
    expect((await school.post(`/api/resources/${r.id}/return`, { reason: '' })).status).toBe(400);
    const returned = await school.post(`/api/resources/${r.id}/return`, { reason: '附录含有违法内容，请删除后重新提交' });
    expect(returned.body).toMatchObject({ status: 'returned', returnReason: '附录含有违法内容，请删除后重新提交' });
    expect((await author.get('/api/me/notifications')).body.items[0]).toMatchObject({
      kind: 'resource.returned',
      body: expect.stringContaining('附录含有违法内容'),
    });
    // the author fixes it and submits again: a clean report
    const fixed = await upload(t, author, '分数练习.pdf', await pdfOf(['第一页：认识几分之一。', '第二页：练一练。'], '分数练习'));
    expect((await author.patch(`/api/resources/${r.id}`, { uploadId: fixed.id })).status).toBe(200);
    expect((await author.post(`/api/resources/${r.id}/submit`)).body.status).toBe('in_review');
    expect((await school.get(`/api/resources/${r.id}/review`)).body.screening.safetyHits).toEqual([]);
  });

  it('originality: the same file, or nearly the same text, is shown to the reviewer with its similarity', async () => {
    const first = await t.as('teacher_a2');
    const text = [
      '《分数的初步认识》教学设计。教学目标：结合具体情境，初步理解几分之一的含义，能正确读写几分之一。',
      '通过折一折、涂一涂、说一说等活动，培养学生的动手操作能力和语言表达能力。体会分数与生活的密切联系。',
      '教学过程：一、创设情境，导入新课。中秋节到了，妈妈把一个月饼平均分给两个孩子，每人分得多少？',
      '二、动手操作，探究新知。让学生拿出正方形纸片，折出它的二分之一，并涂上颜色。三、巩固练习。四、课堂小结。',
    ];
    const originalPdf = await pdfOf(text, '分数教学设计');
    const original = await draft(first, originalPdf, { title: '分数的初步认识 教学设计', type: 'lesson_plan' });
    await first.post(`/api/resources/${original.id}/submit`);
    const copier = await t.as('teacher_a1');
    const edited = text.map((l) => l.replace('中秋节到了', '春节到了').replace('正方形纸片', '圆形纸片'));
    const near = await draft(copier, await pdfOf(edited, '分数教学设计'), { title: '分数的初步认识 教学设计', type: 'lesson_plan' });
    await copier.post(`/api/resources/${near.id}/submit`);
    const school = await t.as('a_admin');
    const report = (await school.get(`/api/resources/${near.id}/review`)).body.screening;
    const match = report.duplicates.find((d: { resourceId: string }) => d.resourceId === original.id);
    expect(match).toMatchObject({ sameFile: false, title: '分数的初步认识 教学设计', schoolName: '市南区实验小学' });
    expect(match.similarity).toBeGreaterThanOrEqual(0.85);
    expect(report.isFlagged).toBe(true);

    // the very same file (bytes), uploaded again
    const same = await draft(copier, originalPdf, { title: '分数（复制）', type: 'lesson_plan' });
    await copier.post(`/api/resources/${same.id}/submit`);
    const sameReport = (await school.get(`/api/resources/${same.id}/review`)).body.screening;
    expect(sameReport.duplicates[0]).toMatchObject({ resourceId: original.id, sameFile: true, similarity: 1 });

    const unrelated = await draft(
      copier,
      await pdfOf(['Unit 1 Hello! 学习打招呼用语 Hello, I’m Sarah.', '认识文具单词 ruler pencil eraser crayon。'], 'Hello'),
      {
        title: 'Unit 1 Hello! 课件',
        subject: '英语',
      },
    );
    await copier.post(`/api/resources/${unrelated.id}/submit`);
    const unrelatedReport = (await school.get(`/api/resources/${unrelated.id}/review`)).body.screening;
    expect(unrelatedReport.duplicates.every((d: { similarity: number }) => d.similarity < 0.85)).toBe(true);
    expect(unrelatedReport.isFlagged).toBe(false);
  });

  it('review levels and threshold are configured by configurators, with every issue listed', async () => {
    expect(
      (await (await t.as('teacher_a1')).put('/api/resource-settings/review', { levels: ['district'], duplicateThreshold: 0.9 })).status,
    ).toBe(403);
    const admin = await t.as('city_admin');
    const bad = await admin.put('/api/resource-settings/review', { levels: [], duplicateThreshold: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toHaveLength(2);
    const ok = await admin.put('/api/resource-settings/review', { levels: ['city', 'district'], duplicateThreshold: 0.9 });
    expect(ok.body).toEqual({ levels: ['district', 'city'], duplicateThreshold: 0.9 });
    const author = await t.as('teacher_a1');
    const r = await draft(author, await pdfOf(['认识钟表：整时和半时。'], '认识钟表'), {
      title: '认识钟表',
      audience: 'school',
      gradeLevel: 1,
    });
    // a school audience with no school level configured goes to the nearest level above
    expect((await author.post(`/api/resources/${r.id}/submit`)).body.reviewLevels).toEqual(['district']);
    await admin.put('/api/resource-settings/review', { levels: ['school', 'district', 'city'], duplicateThreshold: 0.85 });
  });
});

describe('sensitive-word list', () => {
  it('configurators add, disable and try words; others are refused', async () => {
    expect((await t.anon().get('/api/sensitive-words')).status).toBe(401);
    expect((await (await t.as('a_admin')).get('/api/sensitive-words')).status).toBe(403);
    const admin = await t.as('city_admin');
    const list = (await admin.get('/api/sensitive-words?pageSize=5')).body;
    expect(list.total).toBeGreaterThan(16000);
    expect(list.categories.map((c: { category: string }) => c.category)).toEqual(
      expect.arrayContaining(['政治', '暴恐', '色情', '涉枪涉爆', '贪腐', '非法网址']),
    );
    expect((await admin.post('/api/sensitive-words', { words: ['x'] })).status).toBe(400);
    expect((await admin.post('/api/sensitive-words', { words: ['作业代写', '作业代写'], category: '广告' })).body).toEqual({
      added: 1,
      enabled: 0,
    });
    const hits = (await admin.post('/api/sensitive-words/scan', { text: '本店提供作业代写服务' })).body;
    expect(hits).toEqual([expect.objectContaining({ word: '作业代写', category: '广告', before: '本店提供', after: '服务' })]);
    const word = (await admin.get('/api/sensitive-words?q=作业代写')).body.items[0];
    expect((await admin.patch(`/api/sensitive-words/${word.id}`, { isEnabled: false })).body.isEnabled).toBe(false);
    expect((await admin.post('/api/sensitive-words/scan', { text: '本店提供作业代写服务' })).body).toEqual([]);
    expect((await admin.patch(`/api/sensitive-words/${crypto.randomUUID()}`, { isEnabled: false })).status).toBe(404);
  });
});
