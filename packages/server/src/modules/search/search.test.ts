import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { buildSearchDocument } from './search.factory.ts';
import { indexDocuments, removeDocument, updatePopularity } from './search.service.ts';

let t: TestApp;
const path = async (id: string) =>
  (await t.ctx.db.selectFrom('org_units').select('path').where('id', '=', id).executeTakeFirstOrThrow()).path;

const docs = {
  pub: buildSearchDocument({ title: '三年级上册 分数的初步认识 课件', body: '认识几分之一，会读写分数。', popularity: 10 }),
  schoolA: buildSearchDocument({ title: '分数的简单计算 校本练习', facets: { type: '练习' } }),
  district1: buildSearchDocument({ title: '分数的大小比较 区级教研课件' }),
  city: buildSearchDocument({ title: '分数与除法 市级精品课' }),
  schoolX: buildSearchDocument({ title: '分数乘法 崂山一小 内部课件' }),
  classA1: buildSearchDocument({ title: '分数墙 三年级一班 学习单' }),
};
type Key = keyof typeof docs;

beforeAll(async () => {
  t = await createTestApp();
  const u = t.world.units;
  const scoped = async (key: Key, unit: string) => Object.assign(docs[key], { visibility: 'scoped', visiblePath: await path(unit) });
  await scoped('schoolA', u.schoolA);
  await scoped('district1', u.d1);
  await scoped('city', u.city);
  await scoped('schoolX', u.schoolX);
  await scoped('classA1', u.classA1);
  await indexDocuments(t.ctx.db, Object.values(docs));
});
afterAll(async () => {
  await t?.close();
});

const keysOf = (body: { hits: { refId: string }[] }): Key[] =>
  body.hits.map((h) => (Object.keys(docs) as Key[]).find((k) => docs[k].refId === h.refId)!).sort();

describe('GET /api/search visibility', () => {
  it.each<[string, string | null, Key[]]>([
    ['anonymous', null, ['pub']],
    ['a teacher of school A (class and school grants)', 'teacher_a1', ['city', 'classA1', 'district1', 'pub', 'schoolA']],
    ['a teacher of school A with a school-level grant only', 'new_teacher', ['city', 'district1', 'pub', 'schoolA']],
    ['a teacher of another school in the district', 'teacher_b1', ['city', 'district1', 'pub']],
    ['a teacher of another district', 'teacher_x1', ['city', 'pub', 'schoolX']],
    ['a pupil of class A1', 'student_a1', ['city', 'classA1', 'district1', 'pub', 'schoolA']],
    ['a parent of school A children', 'parent_a', ['city', 'classA1', 'district1', 'pub', 'schoolA']],
    ['a parent of school B', 'parent_b', ['city', 'district1', 'pub']],
    ['the district researcher', 'd1_researcher', ['city', 'classA1', 'district1', 'pub', 'schoolA']],
    ['school A administrator', 'a_admin', ['city', 'classA1', 'district1', 'pub', 'schoolA']],
    ['another district administrator', 'd2_admin', ['city', 'pub', 'schoolX']],
    ['the city administrator', 'city_admin', ['city', 'classA1', 'district1', 'pub', 'schoolA', 'schoolX']],
    ['the audit administrator (no teaching data)', 'audit_admin', ['pub']],
  ])('%s', async (_, user, expected) => {
    const c = user ? await t.as(user) : t.anon();
    const res = await c.get('/api/search?q=分数&pageSize=50');
    expect(res.status).toBe(200);
    expect(keysOf(res.body)).toEqual(expected);
    expect(res.body.total).toBe(expected.length);
  });

  it('a teacher who is also a parent sees by the active role', async () => {
    const asParent = await t.as('teacher_a2', 'parent');
    expect(keysOf((await asParent.get('/api/search?q=分数&pageSize=50')).body)).toEqual(['city', 'classA1', 'district1', 'pub', 'schoolA']);
  });
});

describe('GET /api/search', () => {
  it('answers 400 with every issue for bad input', async () => {
    const res = await t.anon().get(`/api/search?q=${'字'.repeat(101)}&grade=9&page=0&sort=best&unitId=x`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues.map((i: { path: string[] }) => i.path.at(-1)).sort()).toEqual([
      'grade',
      'page',
      'q',
      'sort',
      'unitId',
    ]);
  });

  it('answers 401 for an expired-looking cookie only where a session is needed, never here', async () => {
    const res = await t.anon().request('GET', '/api/search?q=分数', undefined, { cookie: 'qm_session=nonsense' });
    expect(res.status).toBe(200);
    expect(keysOf(res.body)).toEqual(['pub']);
  });

  it('finds a two-character word, highlights it, and counts facets', async () => {
    const res = await t.anon().get('/api/search?q=分数');
    const hit = res.body.hits[0];
    expect(hit.highlightedTitle).toBe('三年级上册 <mark>分数</mark>的初步认识 课件');
    expect(hit.snippet).toBe('认识几分之一，会读写<mark>分数</mark>。');
    expect(res.body.facets.subject).toEqual([{ value: '数学', label: '数学', count: 1 }]);
    expect(res.body.facets.grade).toEqual([{ value: '3', label: '三年级', count: 1 }]);
    expect(res.body.matched).toBe('all');
  });

  it('filters by facets', async () => {
    const c = await t.as('teacher_a1');
    const res = await c.get('/api/search?q=分数&type=练习');
    expect(keysOf(res.body)).toEqual(['schoolA']);
    expect(res.body.facets.type).toEqual([{ value: '练习', label: '练习', count: 1 }]);
    expect((await c.get('/api/search?q=分数&grade=5')).body.total).toBe(0);
  });

  it('matches synonyms and pinyin initials', async () => {
    expect(keysOf((await t.anon().get('/api/search?q=分数 PPT')).body)).toEqual(['pub']);
    const py = await t.anon().get('/api/search?q=fs');
    expect(keysOf(py.body)).toEqual(['pub']);
    expect(py.body.hits[0].highlightedTitle).toContain('<mark>分数</mark>');
  });

  it('falls back to any word when no document has them all, and says so', async () => {
    const res = await t.anon().get('/api/search?q=分数 火箭');
    expect(res.body.matched).toBe('any');
    expect(keysOf(res.body)).toEqual(['pub']);
    const none = await t.anon().get('/api/search?q=火箭发射');
    expect(none.body).toMatchObject({ total: 0, matched: 'none', hits: [] });
  });

  it('reflects updates, popularity and removal', async () => {
    const doc = buildSearchDocument({ title: '小数的意义 微课' });
    await indexDocuments(t.ctx.db, [doc]);
    expect((await t.anon().get('/api/search?q=视频')).body.hits.map((h: { refId: string }) => h.refId)).toEqual([doc.refId]);
    await indexDocuments(t.ctx.db, [{ ...doc, title: '小数的意义 教案' }]);
    expect((await t.anon().get('/api/search?q=微课')).body.total).toBe(0);
    expect(await updatePopularity(t.ctx.db, 'resource', doc.refId, 99)).toBe(true);
    expect((await t.anon().get('/api/search?q=教学设计')).body.hits[0]).toMatchObject({ refId: doc.refId, popularity: 99 });
    expect(await removeDocument(t.ctx.db, 'resource', doc.refId)).toBe(true);
    expect(await removeDocument(t.ctx.db, 'resource', doc.refId)).toBe(false);
    expect((await t.anon().get('/api/search?q=小数')).body.total).toBe(0);
  });
});

describe('GET /api/search/suggest', () => {
  it('completes the last word, by visibility', async () => {
    expect((await t.anon().get('/api/search/suggest')).status).toBe(400);
    const anon = (await t.anon().get('/api/search/suggest?q=分')).body.suggestions;
    expect(anon.map((s: { text: string }) => s.text)).toEqual([docs.pub.title]);
    const teacher = await t.as('teacher_x1');
    const texts = (await teacher.get('/api/search/suggest?q=分数')).body.suggestions.map((s: { text: string }) => s.text);
    expect(texts).toContain(docs.schoolX.title);
    expect(texts).not.toContain(docs.schoolA.title);
  });

  it('completes pinyin initials', async () => {
    const res = await t.anon().get('/api/search/suggest?q=fsd');
    expect(res.body.suggestions[0]).toMatchObject({ text: docs.pub.title, refId: docs.pub.refId });
  });
});
