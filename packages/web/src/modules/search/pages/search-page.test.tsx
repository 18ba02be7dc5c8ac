import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { TSearchResponse } from '@qiming/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failOnDeprecations, mockApi, renderRoutes } from '../../../test/render.tsx';
import { splitMarks } from '../components/highlighted.tsx';
import { readSearchParams, writeSearchParams } from '../search.api.ts';
import { SearchPage } from './search-page.tsx';

failOnDeprecations();
afterEach(() => vi.unstubAllGlobals());

const empty = { subject: [], grade: [], edition: [], unit: [], type: [], level: [], school: [] };
const response = (o: Partial<TSearchResponse> = {}): TSearchResponse => ({
  total: 1,
  page: 1,
  pageSize: 10,
  hits: [
    {
      kind: 'resource',
      refId: 'r1',
      title: '分数的初步认识 <课件>',
      highlightedTitle: '<mark>分数</mark>的初步认识 &lt;课件&gt;',
      snippet: '认识几分之一，会读写<mark>分数</mark>。',
      facets: {
        subject: '数学',
        grade: 3,
        term: '上册',
        edition: '人教版',
        unitId: null,
        unitName: null,
        type: '课件',
        level: '区级',
        schoolId: null,
        districtId: null,
      },
      keywords: [],
      knowledgePoints: [],
      author: '王老师',
      schoolName: '市南区实验小学',
      visibility: 'public',
      popularity: 3,
      publishedAt: '2026-09-01T00:00:00.000Z',
      score: 1,
    },
  ],
  facets: { ...empty, subject: [{ value: '数学', label: '数学', count: 1 }], grade: [{ value: '3', label: '三年级', count: 1 }] },
  terms: [{ term: '分数', expansions: [] }],
  matched: 'all',
  took: 4,
  ...o,
});

const renderSearch = (at: string) =>
  renderRoutes(
    [
      { path: '/search', element: <SearchPage /> },
      { path: '/resources/:id', element: <p>detail</p> },
    ],
    { at },
  );

describe('splitMarks / search params', () => {
  it('turns marked, escaped text into parts without markup', () => {
    expect(splitMarks('<mark>分数</mark>的 &lt;b&gt;')).toEqual([
      { text: '分数', marked: true },
      { text: '的 <b>', marked: false },
    ]);
    expect(splitMarks('')).toEqual([]);
  });

  it('reads and writes the address, dropping defaults and nonsense', () => {
    const p = readSearchParams(new URLSearchParams('q=分数&grade=9&page=-1&sort=best&subject=数学'));
    expect(p).toMatchObject({ q: '分数', grade: undefined, page: 1, sort: 'relevance', subject: '数学' });
    expect(writeSearchParams(p).toString()).toBe(new URLSearchParams({ q: '分数', subject: '数学' }).toString());
  });
});

describe('SearchPage', () => {
  it('shows highlighted hits linking to the resource, facet counts, and filters by a facet', { timeout: 20_000 }, async () => {
    const calls = mockApi({ 'GET /api/search': { body: response() } });
    const { router } = renderSearch('/search?q=分数');
    const hit = await screen.findByTestId('search-hit');
    expect(hit.querySelector('mark')?.textContent).toBe('分数');
    expect(hit.textContent).toContain('分数的初步认识 <课件>');
    expect(hit.querySelector('a')?.getAttribute('href')).toBe('/resources/r1');
    expect(screen.getByTestId('search-facet-grade').textContent).toContain('三年级 1');
    fireEvent.click(screen.getByText('三年级'));
    await waitFor(() => expect(router.state.location.search).toContain('grade=3'));
    await waitFor(() => expect(calls.at(-1)?.url).toContain('grade=3'));
  });

  it('says what to try when nothing is found', async () => {
    mockApi({ 'GET /api/search': { body: response({ total: 0, hits: [], facets: empty, matched: 'none' }) } });
    renderSearch('/search?q=火箭&type=课件');
    const box = await screen.findByTestId('search-empty');
    expect(box.textContent).toContain('没有找到与“火箭”相关的资源');
    expect(box.textContent).toContain('拼音首字母');
    expect(screen.getByTestId('search-empty-clear')).toBeTruthy();
  });

  it('offers examples before anything is typed, without asking the server', async () => {
    const calls = mockApi({});
    renderSearch('/search');
    expect((await screen.findAllByTestId('search-example')).length).toBeGreaterThan(3);
    expect(calls.filter((c) => c.url.startsWith('/api/search?'))).toEqual([]);
  });
});
