import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../core/context.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { RELEVANCE_QUERIES, relevanceCorpus } from './fixtures/relevance.ts';
import { indexDocuments, searchDocuments } from './search.service.ts';

/*
 * The labelled relevance set, run against the real index: for each query, the resources a
 * teacher expects in the first five must be there. A failure prints what came instead.
 */
let t: TestApp;
const corpus = relevanceCorpus();
const keyById = new Map(corpus.map((c) => [c.doc.refId, c.key]));

beforeAll(async () => {
  t = await createTestApp();
  await indexDocuments(
    t.ctx.db,
    corpus.map((c) => c.doc),
  );
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('relevance set', () => {
  it('has at least 30 labelled queries, each naming resources of the corpus', () => {
    expect(RELEVANCE_QUERIES.length).toBeGreaterThanOrEqual(30);
    const keys = new Set(corpus.map((c) => c.key));
    for (const q of RELEVANCE_QUERIES) for (const k of q.relevant) expect(keys, `${q.q}: ${k}`).toContain(k);
  });

  it.each(RELEVANCE_QUERIES.map((q) => [q.q, q] as const))('%s', async (_, query) => {
    const ctx = { ...t.ctx, actor: null, ip: null, requestId: 'relevance' } as RequestContext;
    const res = await searchDocuments(ctx, { q: query.q, sort: 'relevance', page: 1, pageSize: 5 });
    const top = res.hits.map((h) => keyById.get(h.refId)!);
    const shown = res.hits.map((h, i) => `${i + 1}. ${top[i]} — ${h.title} (${h.score})`).join('\n');
    if (query.mode === 'all') {
      for (const k of query.relevant) expect(top, `${k} missing from the first five:\n${shown}`).toContain(k);
    } else {
      const want = Math.min(5, query.relevant.length);
      expect(top.length, shown).toBeGreaterThanOrEqual(want);
      for (const k of top.slice(0, want)) expect(query.relevant, `${k} is not relevant:\n${shown}`).toContain(k);
    }
  });
});
