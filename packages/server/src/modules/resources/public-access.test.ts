import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import { baseResource, upload } from './resources.test-support.ts';

/**
 * What a visitor who has not signed in (社会公众) reaches: everything published to the public —
 * lists, search, detail, preview, download, comments, related resources, 资源目录 — and nothing
 * published to a school, district or city; and every action that needs an account answers 401.
 */
let t: TestApp;
let author: Client;
let publicId: string;
let districtId: string;
let schoolId: string;
let publicText: Buffer;
let seq = 0;

const ids = (items: { id: string }[]) => items.map((i) => i.id);

async function publish(fields: Record<string, unknown>, file?: Buffer): Promise<string> {
  const data = file ?? Buffer.from(`${String(fields.title)}\n认识几分之一，会读写简单的分数。第 ${++seq} 份。`);
  const up = await upload(t, author, `plan-${++seq}.txt`, data);
  const created = await author.post('/api/resources', { ...baseResource, type: 'lesson_plan', ...fields, uploadId: up.id });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  expect((await author.post(`/api/resources/${id}/submit`)).status).toBe(200);
  // school → district, and the city as well for the public
  let status = 'in_review';
  for (const reviewer of ['a_admin', 'd1_researcher', 'city_admin']) {
    if (status === 'published') break;
    const res = await (await t.as(reviewer)).post(`/api/resources/${id}/approve`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    status = res.body.status as string;
  }
  expect(status).toBe('published');
  return id;
}

beforeAll(async () => {
  t = await createTestApp();
  author = await t.as('teacher_a1');
  publicText = Buffer.from('分数的意义 公开教案\n把单位“1”平均分成若干份，表示这样一份或几份的数叫分数。');
  publicId = await publish({ title: '分数的意义 公开教案', audience: 'public' }, publicText);
  districtId = await publish({ title: '分数的意义 区级教案', audience: 'district' });
  schoolId = await publish({ title: '分数的意义 校本教案', audience: 'school' });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('a visitor who has not signed in', () => {
  it('lists, searches and opens public resources only', async () => {
    const anon = t.anon();
    const listed = await anon.get('/api/resources?subject=数学');
    expect(listed.status).toBe(200);
    expect(ids(listed.body.items)).toEqual([publicId]);
    const found = await anon.get(`/api/search?q=${encodeURIComponent('分数的意义')}`);
    expect(found.status).toBe(200);
    expect(found.body.hits.map((h: { refId: string }) => h.refId)).toEqual([publicId]);
    expect(found.body.facets.subject).toEqual([{ value: '数学', label: '数学', count: 1 }]);
    const suggested = await anon.get(`/api/search/suggest?q=${encodeURIComponent('分数')}`);
    expect(suggested.status).toBe(200);
    expect(JSON.stringify(suggested.body)).not.toContain('区级');
    expect(JSON.stringify(suggested.body)).not.toContain('校本');

    // queued for the upper level: the school sees it, a visitor does not
    expect((await (await t.as('a_admin')).post(`/api/resources/${publicId}/push`)).status).toBe(201);
    const asSchool = (await (await t.as('a_admin')).get(`/api/resources/${publicId}`)).body;
    expect(asSchool.push).toMatchObject({ status: 'queued' });
    expect(asSchool.ownerId).toBe((await author.get('/api/me')).body.id);
    const detail = await anon.get(`/api/resources/${publicId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      audience: 'public',
      me: null,
      push: null,
      ownerId: null,
      policies: { canEdit: false, canPush: false, canReview: false },
    });
    for (const hidden of [districtId, schoolId]) {
      expect((await anon.get(`/api/resources/${hidden}`)).status).toBe(404);
      expect((await anon.get(`/api/resources/${hidden}/comments`)).status).toBe(404);
      expect((await anon.get(`/api/resources/${hidden}/related`)).status).toBe(404);
      expect((await fetch(`${t.baseUrl}/api/resources/${hidden}/file`)).status).toBe(404);
      expect((await fetch(`${t.baseUrl}/api/resources/${hidden}/download`)).status).toBe(404);
    }
    // related resources of a public one are public ones too (the district and school plans are its nearest)
    expect(ids((await anon.get(`/api/resources/${publicId}/related`)).body)).toEqual([]);
    const counts = (await anon.get('/api/resources/catalogue-counts?subject=数学')).body;
    expect(counts.total).toBe(1);
  });

  it('previews and downloads a public file, counted like anyone’s', async () => {
    const preview = await fetch(`${t.baseUrl}/api/resources/${publicId}/file`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-disposition')).toContain('inline');
    expect(Buffer.from(await preview.arrayBuffer()).equals(publicText)).toBe(true);
    const dl = await fetch(`${t.baseUrl}/api/resources/${publicId}/download`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toContain('attachment');
    expect(Buffer.from(await dl.arrayBuffer()).equals(publicText)).toBe(true);
    const after = (await t.anon().get(`/api/resources/${publicId}`)).body;
    expect(after.downloadCount).toBe(1);
    expect(after.viewCount).toBe(1);
  });

  it('reads published comments but not held ones, and must sign in to favourite, rate or comment', async () => {
    const reader = await t.as('teacher_b1');
    expect((await reader.post(`/api/resources/${publicId}/comments`, { body: '例题选得好，课堂上很好用' })).status).toBe(201);
    const held = await reader.post(`/api/resources/${publicId}/comments`, { body: '网上可以买到冰毒' });
    expect(held.body.status).toBe('held');
    const comments = (await t.anon().get(`/api/resources/${publicId}/comments`)).body;
    expect(comments.items.map((c: { body: string }) => c.body)).toEqual(['例题选得好，课堂上很好用']);
    expect(comments.canModerate).toBe(false);

    const anon = t.anon();
    expect((await anon.put(`/api/resources/${publicId}/favourite`)).status).toBe(401);
    expect((await anon.put(`/api/resources/${publicId}/rating`, { stars: 5 })).status).toBe(401);
    expect((await anon.post(`/api/resources/${publicId}/comments`, { body: '很好' })).status).toBe(401);
    expect((await anon.get('/api/resources/favourites')).status).toBe(401);
    expect((await anon.get('/api/resources/for-me')).status).toBe(401);
    expect((await anon.get(`/api/resources/${publicId}/usage`)).status).toBe(401);
    expect((await anon.get('/api/resources/mine')).status).toBe(401);
  });

  it('browses public 资源目录, each showing only its public items', async () => {
    const admin = await t.as('a_admin');
    const open = await admin.post('/api/resource-collections', {
      kind: 'directory',
      title: '三年级数学 分数 资源目录',
      subject: '数学',
      gradeLevel: 3,
      audience: 'public',
    });
    expect(open.status).toBe(201);
    const closed = await admin.post('/api/resource-collections', { kind: 'directory', title: '校内 分数 资源目录', audience: 'school' });
    for (const r of [publicId, districtId, schoolId]) {
      expect((await admin.post(`/api/resource-collections/${open.body.id}/items`, { resourceId: r })).status).toBe(200);
    }
    const anon = t.anon();
    const listed = (await anon.get('/api/resource-collections')).body as { id: string; itemCount: number; canEdit: boolean }[];
    expect(listed.map((c) => c.id)).toEqual([open.body.id]);
    expect(listed[0]).toMatchObject({ itemCount: 1, canEdit: false });
    const detail = (await anon.get(`/api/resource-collections/${open.body.id}`)).body;
    expect(ids(detail.items)).toEqual([publicId]);
    expect((await anon.get(`/api/resource-collections/${closed.body.id}`)).status).toBe(404);
    expect((await anon.get('/api/resource-collections?mine=true')).status).toBe(401);
    expect((await anon.post(`/api/resource-collections/${open.body.id}/items`, { resourceId: publicId })).status).toBe(401);
  });
});
