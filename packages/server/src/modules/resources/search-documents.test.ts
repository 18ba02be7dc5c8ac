import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import { indexDocuments } from '../search/index.ts';
import { ensureSearchDocumentsCurrent, searchDocumentFor } from './indexing.ts';
import { baseResource, upload } from './resources.test-support.ts';

/**
 * The documents the resource centre hands the search index carry the catalogue as teachers write
 * it (上册, 人教版, 教案): the search API filters by 上册/下册 and shows facet labels, and the
 * catalogue words are matched by a query, so codes (first, pep, lesson_plan) would match nothing.
 */
let t: TestApp;
let author: Client;
let firstTerm: string;
let secondTerm: string;

async function publish(fields: Record<string, unknown>): Promise<string> {
  const up = await upload(t, author, `${String(fields.title)}.txt`, Buffer.from(`${String(fields.title)}\n${String(fields.description)}`));
  const created = await author.post('/api/resources', { ...baseResource, type: 'lesson_plan', keywords: [], ...fields, uploadId: up.id });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  await author.post(`/api/resources/${id}/submit`);
  await (await t.as('a_admin')).post(`/api/resources/${id}/approve`, {});
  expect((await (await t.as('d1_researcher')).post(`/api/resources/${id}/approve`, {})).body.status).toBe('published');
  return id;
}

const search = async (c: Client, query: Record<string, string>) => {
  const res = await c.get(`/api/search?${new URLSearchParams(query).toString()}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    hits: { refId: string; facets: Record<string, unknown> }[];
    facets: Record<string, { value: string; label: string; count: number }[]>;
  };
};
const refIds = (r: { hits: { refId: string }[] }) => r.hits.map((h) => h.refId);

beforeAll(async () => {
  t = await createTestApp();
  author = await t.as('teacher_a1');
  firstTerm = await publish({ title: '几分之一 练习设计', description: '认识几分之一，会读写简单的分数。', term: 'first' });
  secondTerm = await publish({ title: '几分之几 练习设计', description: '认识几分之几，比较分数的大小。', term: 'second' });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('resources in the search index', () => {
  it('filter by 上册 / 下册, with the catalogue named in facets and hits', async () => {
    const reader = await t.as('teacher_b1');
    expect(refIds(await search(reader, { q: '练习设计', term: '上册' }))).toEqual([firstTerm]);
    expect(refIds(await search(reader, { q: '练习设计', term: '下册' }))).toEqual([secondTerm]);
    expect(refIds(await search(reader, { term: '上册' }))).toEqual([firstTerm]);
    expect((await reader.get('/api/search?q=x&term=first')).status).toBe(400);

    const all = await search(reader, { q: '练习设计' });
    expect(new Set(refIds(all))).toEqual(new Set([firstTerm, secondTerm]));
    expect(all.hits.find((h) => h.refId === firstTerm)!.facets).toMatchObject({
      term: '上册',
      edition: '人教版',
      type: '教案',
      level: '校级',
    });
    expect(all.facets.edition).toEqual([{ value: '人教版', label: '人教版', count: 2 }]);
    expect(all.facets.type).toEqual([{ value: '教案', label: '教案', count: 2 }]);
    // a facet value chosen on the results page filters by the same string
    expect(refIds(await search(reader, { q: '练习设计', edition: '人教版', type: '教案' })).length).toBe(2);
  });

  it('match the catalogue words of a query although the title holds none of them', async () => {
    const reader = await t.as('teacher_b1');
    expect(refIds(await search(reader, { q: '人教版 上册 教案' }))).toEqual([firstTerm]);
    expect(refIds(await search(reader, { q: '三年级 下册' }))).toEqual([secondTerm]);
  });

  it('left in an older shape are re-indexed once at start', async () => {
    const reader = await t.as('teacher_b1');
    // what an earlier version wrote: codes for the catalogue
    const doc = (await t.ctx.db.transaction().execute((tx) => searchDocumentFor(tx, firstTerm)))!;
    await indexDocuments(t.ctx.db, [
      { ...doc, facets: { ...doc.facets, term: 'first', edition: 'pep', type: 'lesson_plan', level: 'school' } },
    ]);
    await t.ctx.db.deleteFrom('settings').where('key', '=', 'resources.search_document_version').execute();
    expect(refIds(await search(reader, { term: '上册' }))).toEqual([]);

    expect(await ensureSearchDocumentsCurrent(t.ctx.db)).toBe(2);
    expect(refIds(await search(reader, { term: '上册' }))).toEqual([firstTerm]);
    expect(await ensureSearchDocumentsCurrent(t.ctx.db)).toBe(0);
  });
});
