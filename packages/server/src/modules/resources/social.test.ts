import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import { baseResource, upload } from './resources.test-support.ts';

/**
 * Favourites, ratings, comments, 资源目录, statistics and the push queue through real HTTP.
 * School A (teacher_a1, a_admin) and school B (teacher_b1, b_admin) are in district 1; school X
 * (teacher_x1, x_admin) is in district 2. `schoolOnly` is published to school A only,
 * `districtWide` to district 1.
 */
let t: TestApp;
let author: Client;
let schoolOnly: string;
let districtWide: string;
let otherPlan: string;
let draftId: string;
let lessonId: string;
let otherLessonId: string;

const bad = 'not-a-uuid';
let seq = 0;

async function publish(c: Client, fields: Record<string, unknown>): Promise<string> {
  const text = `${String(fields.title)}\n把一个物体平均分成几份，每份是它的几分之一。第 ${++seq} 份练习。`;
  const up = await upload(t, c, `plan-${seq}.txt`, Buffer.from(text));
  const created = await c.post('/api/resources', { ...baseResource, type: 'lesson_plan', ...fields, uploadId: up.id });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  expect((await c.post(`/api/resources/${id}/submit`)).status).toBe(200);
  const school = await t.as('a_admin');
  const first = await school.post(`/api/resources/${id}/approve`, {});
  if (first.body.status !== 'published') await (await t.as('d1_researcher')).post(`/api/resources/${id}/approve`, {});
  return id;
}

beforeAll(async () => {
  t = await createTestApp();
  author = await t.as('teacher_a1');
  const book = (await t.anon().get('/api/curriculum?edition=pep&subject=数学&gradeLevel=3&term=first')).body as {
    title: string;
    children: { id: string }[];
  }[];
  const unit = book.find((u) => u.title === '分数的初步认识')!;
  lessonId = unit.children[0].id;
  otherLessonId = unit.children[1].id;
  schoolOnly = await publish(author, { title: '几分之一 校本教案', audience: 'school', unitId: lessonId });
  districtWide = await publish(author, { title: '几分之一 区级教案', audience: 'district', unitId: lessonId });
  otherPlan = await publish(author, { title: '几分之几 教学设计', audience: 'district', unitId: otherLessonId });
  const draft = await author.post('/api/resources', { ...baseResource, title: '尚未提交的草稿' });
  draftId = draft.body.id;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('favourites', () => {
  it('401 → 400 → 403/404 → 200, idempotent, counted, listed', async () => {
    expect((await t.anon().put(`/api/resources/${districtWide}/favourite`)).status).toBe(401);
    const reader = await t.as('teacher_b1');
    const badRes = await reader.put(`/api/resources/${bad}/favourite`);
    expect(badRes.status).toBe(400);
    expect(badRes.body.error.code).toBe('VALIDATION_FAILED');
    expect((await (await t.as('student_a1')).put(`/api/resources/${districtWide}/favourite`)).status).toBe(403);
    // another school's teacher must not see a school-level resource; another district's not a district one
    expect((await reader.put(`/api/resources/${schoolOnly}/favourite`)).status).toBe(404);
    expect((await (await t.as('teacher_x1')).put(`/api/resources/${districtWide}/favourite`)).status).toBe(404);
    expect((await author.put(`/api/resources/${draftId}/favourite`)).status).toBe(409);

    expect((await reader.put(`/api/resources/${districtWide}/favourite`)).body).toEqual({ isFavourite: true, favouriteCount: 1 });
    expect((await reader.put(`/api/resources/${districtWide}/favourite`)).body).toEqual({ isFavourite: true, favouriteCount: 1 });
    expect((await reader.get(`/api/resources/${districtWide}`)).body.me).toEqual({ isFavourite: true, rating: null });
    const mine = (await reader.get('/api/resources/favourites')).body;
    expect(mine.items.map((i: { id: string }) => i.id)).toEqual([districtWide]);
    expect((await reader.del(`/api/resources/${districtWide}/favourite`)).body).toEqual({ isFavourite: false, favouriteCount: 0 });
    expect((await reader.get('/api/resources/favourites')).body.total).toBe(0);
  });
});

describe('ratings', () => {
  it('one rating per user (1–5), replaced when given again, never one’s own', async () => {
    expect((await t.anon().put(`/api/resources/${districtWide}/rating`, { stars: 4 })).status).toBe(401);
    const reader = await t.as('teacher_b1');
    const six = await reader.put(`/api/resources/${districtWide}/rating`, { stars: 6 });
    expect(six.status).toBe(400);
    expect(six.body.error.details.issues[0].message).toBe('评分为 1–5 星');
    expect((await reader.put(`/api/resources/${districtWide}/rating`, { stars: 0 })).status).toBe(400);
    expect((await (await t.as('parent_a')).put(`/api/resources/${districtWide}/rating`, { stars: 4 })).status).toBe(403);
    expect((await reader.put(`/api/resources/${schoolOnly}/rating`, { stars: 4 })).status).toBe(404);
    expect((await author.put(`/api/resources/${districtWide}/rating`, { stars: 5 })).status).toBe(403);

    expect((await reader.put(`/api/resources/${districtWide}/rating`, { stars: 4 })).body).toEqual({
      stars: 4,
      ratingAverage: 4,
      ratingCount: 1,
    });
    expect((await reader.put(`/api/resources/${districtWide}/rating`, { stars: 2 })).body).toEqual({
      stars: 2,
      ratingAverage: 2,
      ratingCount: 1,
    });
    const second = await (await t.as('teacher_a2')).put(`/api/resources/${districtWide}/rating`, { stars: 5 });
    expect(second.body).toEqual({ stars: 5, ratingAverage: 3.5, ratingCount: 2 });
    expect((await reader.get(`/api/resources/${districtWide}`)).body).toMatchObject({
      ratingAverage: 3.5,
      ratingCount: 2,
      me: { rating: 2 },
    });
  });
});

describe('comments', () => {
  it('screens each comment: clean ones show at once, ones with listed words are held for moderators', async () => {
    expect((await t.anon().post(`/api/resources/${districtWide}/comments`, { body: '很好用' })).status).toBe(401);
    const reader = await t.as('teacher_b1');
    const short = await reader.post(`/api/resources/${districtWide}/comments`, { body: '好' });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].message).toBe('评论至少 2 个字');
    expect((await (await t.as('student_b1')).post(`/api/resources/${districtWide}/comments`, { body: '很好用' })).status).toBe(403);
    expect((await reader.post(`/api/resources/${schoolOnly}/comments`, { body: '很好用' })).status).toBe(404);
    expect((await reader.get(`/api/resources/${schoolOnly}/comments`)).status).toBe(404);
    expect((await t.anon().get(`/api/resources/${districtWide}/comments`)).status).toBe(404);

    const clean = await reader.post(`/api/resources/${districtWide}/comments`, { body: '教学设计思路清晰，学习了！' });
    expect(clean.status).toBe(201);
    expect(clean.body).toMatchObject({ status: 'published', hits: [], authorName: '赵老师', canDelete: true, canPublish: false });
    const held = await reader.post(`/api/resources/${districtWide}/comments`, { body: '更多资料请加群，网上可以买到冰毒' });
    expect(held.status).toBe(201);
    expect(held.body.status).toBe('held');
    expect(held.body.hits[0]).toMatchObject({ word: '冰毒', before: '资料请加群，网上可以买到', after: '' });

    // others see only the published one; the author of the resource is told of it
    const asOther = (await (await t.as('teacher_a2')).get(`/api/resources/${districtWide}/comments`)).body;
    expect(asOther.items.map((c: { id: string }) => c.id)).toEqual([clean.body.id]);
    expect(asOther.canModerate).toBe(false);
    expect((await reader.get(`/api/resources/${districtWide}/comments`)).body.items).toHaveLength(2);
    expect((await author.get('/api/me/notifications')).body.items[0]).toMatchObject({ kind: 'resource.commented' });

    // the school's administrator moderates: sees the held one with its words, publishes or deletes
    const admin = await t.as('a_admin');
    const modView = (await admin.get(`/api/resources/${districtWide}/comments`)).body;
    expect(modView.canModerate).toBe(true);
    const heldView = modView.items.find((c: { id: string }) => c.id === held.body.id);
    expect(heldView).toMatchObject({ status: 'held', canPublish: true });
    expect(heldView.hits[0].word).toBe('冰毒');
    expect((await (await t.as('x_admin')).post(`/api/resource-comments/${held.body.id}/publish`)).status).toBe(404);
    expect((await (await t.as('teacher_a2')).del(`/api/resource-comments/${clean.body.id}`)).status).toBe(404);
    expect((await admin.del(`/api/resource-comments/${held.body.id}`)).status).toBe(204);
    expect((await admin.post(`/api/resource-comments/${held.body.id}/publish`)).status).toBe(404);
    expect((await reader.get(`/api/resources/${districtWide}`)).body.commentCount).toBe(1);
    expect((await reader.del(`/api/resource-comments/${clean.body.id}`)).status).toBe(204);
    expect((await reader.get(`/api/resources/${districtWide}`)).body.commentCount).toBe(0);
  });

  it('a moderator publishes a held comment after reading it in context', async () => {
    const reader = await t.as('teacher_b1');
    const held = await reader.post(`/api/resources/${districtWide}/comments`, { body: '这节课讲到了受贿罪的危害，很有教育意义' });
    expect(held.body.status).toBe('held');
    const published = await (await t.as('a_admin')).post(`/api/resource-comments/${held.body.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    expect(
      (await (await t.as('teacher_a2')).get(`/api/resources/${districtWide}/comments`)).body.items.map((c: { id: string }) => c.id),
    ).toContain(held.body.id);
    expect((await (await t.as('a_admin')).post(`/api/resource-comments/${held.body.id}/publish`)).status).toBe(409);
  });
});

describe('资源目录 and collections', () => {
  it('401 → 400 → 403/404 → 2xx; items follow each viewer’s visibility', async () => {
    expect((await t.anon().post('/api/resource-collections', { title: '分数专题' })).status).toBe(401);
    const admin = await t.as('a_admin');
    const badBody = await admin.post('/api/resource-collections', { title: 'x', audience: 'everyone' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.details.issues).toHaveLength(2);
    expect((await (await t.as('student_a1')).post('/api/resource-collections', { title: '分数专题' })).status).toBe(403);
    expect((await author.post('/api/resource-collections', { kind: 'directory', title: '三年级数学资源目录' })).status).toBe(403);

    const dir = await admin.post('/api/resource-collections', {
      kind: 'directory',
      title: '三年级数学资源目录',
      subject: '数学',
      gradeLevel: 3,
      community: '实验小学数学组',
      audience: 'district',
    });
    expect(dir.status).toBe(201);
    const id = dir.body.id as string;
    expect((await admin.post(`/api/resource-collections/${id}/items`, { resourceId: schoolOnly })).status).toBe(200);
    expect((await admin.post(`/api/resource-collections/${id}/items`, { resourceId: districtWide, note: '第一课时' })).body.itemCount).toBe(
      2,
    );
    expect((await admin.post(`/api/resource-collections/${id}/items`, { resourceId: draftId })).status).toBe(400);

    // a teacher of school B sees the directory but not the school-only item; district 2 sees nothing
    const reader = await t.as('teacher_b1');
    const seen = (await reader.get(`/api/resource-collections/${id}`)).body;
    expect(seen.items.map((i: { id: string; note: string }) => [i.id, i.note])).toEqual([[districtWide, '第一课时']]);
    expect(seen).toMatchObject({ itemCount: 1, canEdit: false, community: '实验小学数学组' });
    expect((await reader.get('/api/resource-collections?kind=directory&subject=数学')).body.map((c: { id: string }) => c.id)).toContain(id);
    expect((await reader.get('/api/resource-collections?community=实验小学数学组')).body).toHaveLength(1);
    const foreign = await t.as('teacher_x1');
    expect((await foreign.get(`/api/resource-collections/${id}`)).status).toBe(404);
    expect((await foreign.get('/api/resource-collections')).body.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await t.anon().get(`/api/resource-collections/${id}`)).status).toBe(404);
    expect((await reader.patch(`/api/resource-collections/${id}`, { title: '改名' })).status).toBe(403);
    expect((await foreign.del(`/api/resource-collections/${id}`)).status).toBe(404);

    // a teacher's own collection, and the editor's changes
    const mine = await reader.post('/api/resource-collections', { title: '我的分数专题', audience: 'school' });
    expect(mine.status).toBe(201);
    expect(mine.body.kind).toBe('collection');
    expect((await reader.get('/api/resource-collections?mine=true')).body.map((c: { id: string }) => c.id)).toEqual([mine.body.id]);
    expect((await admin.patch(`/api/resource-collections/${id}`, { title: '三年级数学资源目录（上册）' })).body.title).toBe(
      '三年级数学资源目录（上册）',
    );
    expect((await admin.del(`/api/resource-collections/${id}/items/${schoolOnly}`)).body.itemCount).toBe(1);
    expect((await admin.del(`/api/resource-collections/${id}/items/${schoolOnly}`)).status).toBe(404);
    expect((await admin.del(`/api/resource-collections/${id}`)).status).toBe(204);
    expect((await admin.get(`/api/resource-collections/${id}`)).status).toBe(404);
  });

  it('the editor reorders the items: 401 → 400 → 403/404 → 200, items the editor cannot see keep their place after', async () => {
    const admin = await t.as('a_admin');
    const dir = await admin.post('/api/resource-collections', { kind: 'directory', title: '几分之一 教学资源', audience: 'district' });
    const id = dir.body.id as string;
    for (const r of [schoolOnly, districtWide]) await admin.post(`/api/resource-collections/${id}/items`, { resourceId: r });
    const order = `/api/resource-collections/${id}/order`;
    expect((await t.anon().put(order, { resourceIds: [districtWide] })).status).toBe(401);
    const dup = await admin.put(order, { resourceIds: [districtWide, districtWide] });
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.issues[0].message).toBe('同一资源只能出现一次');
    expect((await admin.put(order, { resourceIds: [] })).status).toBe(400);
    expect((await admin.put(order, { resourceIds: [draftId] })).status).toBe(400);
    const reader = await t.as('teacher_b1');
    expect((await reader.put(order, { resourceIds: [districtWide] })).status).toBe(403);
    expect((await (await t.as('teacher_x1')).put(order, { resourceIds: [districtWide] })).status).toBe(404);
    expect((await (await t.as('student_a1')).put(order, { resourceIds: [districtWide] })).status).toBe(403);

    const swapped = await admin.put(order, { resourceIds: [districtWide, schoolOnly] });
    expect(swapped.status).toBe(200);
    expect(swapped.body.items.map((i: { id: string }) => i.id)).toEqual([districtWide, schoolOnly]);
    // the school-only plan is not the district reader's to see: it stays, after what was listed
    const plan = otherPlan;
    await admin.post(`/api/resource-collections/${id}/items`, { resourceId: plan });
    expect((await admin.put(order, { resourceIds: [plan, districtWide] })).body.items.map((i: { id: string }) => i.id)).toEqual([
      plan,
      districtWide,
      schoolOnly,
    ]);
    expect((await reader.get(`/api/resource-collections/${id}`)).body.items.map((i: { id: string }) => i.id)).toEqual([plan, districtWide]);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => a.action).filter((a) => a === 'resource.collection_reorder')).toHaveLength(2);
  });
});

describe('browsing', () => {
  it('counts per unit follow visibility; a teacher gets their subjects and grades; related resources', async () => {
    const q = '/api/resources/catalogue-counts?subject=数学&gradeLevel=3&term=first&edition=pep';
    expect((await t.anon().get(`${q}&type=lecture`)).status).toBe(400);
    expect((await t.anon().get(q)).body).toEqual({ total: 0, units: [] });
    const own = (await author.get(q)).body;
    expect(own.total).toBe(3);
    expect(own.units).toEqual(expect.arrayContaining([{ unitId: lessonId, count: 2 }]));
    const reader = (await (await t.as('teacher_b1')).get(q)).body;
    expect(reader.total).toBe(2);
    expect(reader.units.find((u: { unitId: string }) => u.unitId === lessonId).count).toBe(1);

    expect((await t.anon().get('/api/resources/for-me')).status).toBe(401);
    expect((await (await t.as('student_a1')).get('/api/resources/for-me')).status).toBe(403);
    const forMe = (await (await t.as('teacher_a2')).get('/api/resources/for-me')).body;
    expect(forMe.pairs).toEqual([{ subject: '语文', gradeLevel: 3 }]);
    expect(forMe.items).toEqual([]);
    const maths = (await author.get('/api/resources/for-me')).body;
    expect(maths.pairs).toEqual([{ subject: '数学', gradeLevel: 3 }]);
    expect(maths.items.length).toBe(3);

    expect((await t.anon().get(`/api/resources/${bad}/related`)).status).toBe(400);
    expect((await (await t.as('teacher_b1')).get(`/api/resources/${schoolOnly}/related`)).status).toBe(404);
    const related = (await author.get(`/api/resources/${schoolOnly}/related`)).body.map((r: { title: string }) => r.title);
    expect(related[0]).toBe('几分之一 区级教案');
    expect(related).not.toContain('几分之一 校本教案');
  });
});

describe('statistics', () => {
  it('per unit for its administrators and reviewers, per resource for its author and managers', async () => {
    const reader = await t.as('teacher_b1');
    await reader.get(`/api/resources/${districtWide}/download`);
    await reader.get(`/api/resources/${districtWide}/download`);
    expect((await t.anon().get('/api/resource-stats')).status).toBe(401);
    const district = await t.as('d1_admin');
    const short = await district.get('/api/resource-stats?days=3');
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].message).toBe('统计天数为 7–365');
    expect((await author.get('/api/resource-stats')).status).toBe(403);
    expect((await (await t.as('a_admin')).get(`/api/resource-stats?unitId=${t.world.units.schoolX}`)).status).toBe(404);

    const s = (await district.get('/api/resource-stats?days=30')).body;
    expect(s.scopeName).toBe('市南区');
    expect(s.totals).toMatchObject({ published: 3, contributors: 1, downloads: 2 });
    expect(s.daily).toHaveLength(30);
    expect(s.daily.at(-1).downloads).toBe(2);
    expect(s.byType.find((x: { type: string }) => x.type === 'lesson_plan').count).toBe(3);
    expect(s.byUnit.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['市南区实验小学', '市南区第二小学']));
    expect(s.byUnit.find((u: { name: string }) => u.name === '市南区实验小学')).toMatchObject({ published: 3, downloads: 2 });
    expect(s.topResources[0]).toMatchObject({ id: districtWide, downloads: 2 });
    const scopes = (await district.get('/api/resource-stats/scopes')).body.map((u: { name: string }) => u.name);
    expect(scopes).toEqual(expect.arrayContaining(['市南区', '市南区实验小学', '市南区第二小学']));
    expect(scopes).not.toContain('崂山区第一小学');
    const school = (await (await t.as('a_admin')).get(`/api/resource-stats?unitId=${t.world.units.schoolA}`)).body;
    expect(school.totals.published).toBe(3);
    const reviewer = await t.as('d1_researcher');
    expect((await reviewer.get(`/api/resource-stats?unitId=${t.world.units.schoolB}`)).body.totals.published).toBe(0);

    expect((await t.anon().get(`/api/resources/${districtWide}/usage`)).status).toBe(401);
    expect((await author.get(`/api/resources/${bad}/usage`)).status).toBe(400);
    expect((await reader.get(`/api/resources/${districtWide}/usage`)).status).toBe(403);
    expect((await (await t.as('teacher_x1')).get(`/api/resources/${districtWide}/usage`)).status).toBe(404);
    const usage = (await author.get(`/api/resources/${districtWide}/usage`)).body;
    expect(usage.totals.downloads).toBe(2);
    expect(usage.bySchool).toEqual([{ schoolName: '市南区第二小学', downloads: 2 }]);
    expect(usage.daily).toHaveLength(30);
  });
});

describe('push upward (报送)', () => {
  it('401 → 400 → 403/404 → 201, one queued mark per resource, cancellable, listed for the managers', async () => {
    expect((await t.anon().post(`/api/resources/${districtWide}/push`)).status).toBe(401);
    const admin = await t.as('a_admin');
    expect((await admin.post(`/api/resources/${bad}/push`)).status).toBe(400);
    expect((await author.post(`/api/resources/${districtWide}/push`)).status).toBe(403);
    expect((await (await t.as('b_admin')).post(`/api/resources/${districtWide}/push`)).status).toBe(403);
    expect((await (await t.as('x_admin')).post(`/api/resources/${districtWide}/push`)).status).toBe(404);
    expect((await (await t.as('b_admin')).post(`/api/resources/${schoolOnly}/push`)).status).toBe(404);

    const pushed = await admin.post(`/api/resources/${districtWide}/push`);
    expect(pushed.status).toBe(201);
    expect(pushed.body).toMatchObject({ resourceId: districtWide, status: 'queued', requestedBy: 'a_admin', attempts: 0 });
    expect((await admin.post(`/api/resources/${districtWide}/push`)).status).toBe(409);
    expect((await admin.get(`/api/resources/${districtWide}`)).body.push.status).toBe('queued');
    const queue = (await admin.get('/api/resource-push-queue')).body;
    expect(queue.items.map((i: { resourceId: string }) => i.resourceId)).toEqual([districtWide]);
    expect(queue.counts).toEqual({ queued: 1 });
    expect((await (await t.as('d1_admin')).get('/api/resource-push-queue?status=queued')).body.total).toBe(1);
    expect((await (await t.as('b_admin')).get('/api/resource-push-queue')).body.items).toEqual([]);
    expect((await admin.get('/api/resource-push-queue?status=lost')).status).toBe(400);

    expect((await admin.del(`/api/resources/${districtWide}/push`)).body.status).toBe('cancelled');
    expect((await admin.del(`/api/resources/${districtWide}/push`)).status).toBe(409);
    expect((await admin.post(`/api/resources/${districtWide}/push`)).status).toBe(201);
    // withdrawing the resource cancels its mark
    await admin.post(`/api/resources/${districtWide}/withdraw`, { reason: '更新后再发' });
    expect((await admin.get('/api/resource-push-queue')).body.counts).toEqual({ cancelled: 1 });
    expect((await admin.post(`/api/resources/${districtWide}/push`)).status).toBe(409);
  });
});

// last: publishing one more resource would change the counts the tests above expect
describe('related resources of a resource under no unit', () => {
  it('are of its subject and grade (no unit ranks, no error)', async () => {
    // a resource filed under no unit still has neighbours of its subject and grade
    const loose = await publish(author, { title: '分数 复习提纲（未归入单元）', audience: 'district' });
    const near = await author.get(`/api/resources/${loose}/related`);
    expect(near.status, JSON.stringify(near.body)).toBe(200);
    expect(near.body.length).toBeGreaterThan(0);
    expect(near.body.map((r: { id: string }) => r.id)).not.toContain(loose);
  });
});
