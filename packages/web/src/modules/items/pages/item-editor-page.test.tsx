import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockApi, renderRoutes } from '../../../test/render.tsx';
import { ItemEditorPage } from './item-editor-page.tsx';

afterEach(() => vi.unstubAllGlobals());

const bank = {
  id: '00000000-0000-4000-8000-000000000001',
  name: '三年级数学题库',
  description: '',
  subject: '数学',
  shareScope: 'school',
  ownerUnitId: 'u1',
  ownerUnitName: '实验小学',
  itemCount: 0,
  createdAt: '2026-12-01T00:00:00.000Z',
  policies: { canEdit: true },
};
const routes = [
  { path: '/items/new', element: <ItemEditorPage /> },
  { path: '/items/:id/edit', element: <div>edit page</div> },
];
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

function fillNumeric() {
  type('editor-stem', '$\\frac{1}{4} + \\frac{1}{4}$ = ?');
  type('editor-numeric', '1/2');
}

describe('item editor', () => {
  it('checks with the shared schema before sending, and shows each message at its field', async () => {
    const calls = mockApi({ 'GET /api/item-banks': { body: [bank] }, 'GET /api/knowledge-points': { body: [] } });
    renderRoutes(routes, { at: '/items/new?type=numeric' });
    await screen.findByTestId('editor-numeric');
    type('editor-numeric', '一半');
    fireEvent.click(screen.getByTestId('item-save'));
    expect(await screen.findAllByText('题干不能为空')).not.toHaveLength(0);
    expect(screen.getAllByText(/答案应为数字/).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('puts the server’s validation issues on the fields they name', async () => {
    mockApi({
      'GET /api/item-banks': { body: [bank] },
      'GET /api/knowledge-points': { body: [] },
      'POST /api/items': apiError(400, 'VALIDATION_FAILED', '知识点不存在', {
        issues: [{ path: ['body', 'content', 'stem'], message: '题干含有不允许的内容' }],
      }),
    });
    renderRoutes(routes, { at: '/items/new?type=numeric' });
    await screen.findByTestId('editor-numeric');
    fillNumeric();
    fireEvent.click(screen.getByTestId('item-save'));
    expect(await screen.findAllByText('题干含有不允许的内容')).not.toHaveLength(0);
  });

  it('previews the item as a pupil sees it and grades a try with the shared engine (1/2 = 0.5 = 50%)', async () => {
    const calls = mockApi({
      'GET /api/item-banks': { body: [bank] },
      'GET /api/knowledge-points': { body: [] },
      'POST /api/items': (c) => ({
        status: 201,
        body: { id: 'i1', version: 1, bankId: bank.id, content: (c.body as { content: unknown }).content },
      }),
    });
    const { router } = renderRoutes(routes, { at: '/items/new?type=numeric' });
    await screen.findByTestId('editor-numeric');
    fillNumeric();
    const answer = await screen.findByTestId('try-value');
    for (const [typed, score] of [
      ['50%', '得分 5 / 5'],
      ['0.5', '得分 5 / 5'],
      ['0.4', '得分 0 / 5'],
    ] as const) {
      fireEvent.change(answer, { target: { value: typed } });
      fireEvent.click(screen.getByTestId('try-grade'));
      expect((await screen.findByTestId('try-score')).textContent).toBe(score);
    }
    fireEvent.click(screen.getByTestId('item-save'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/items/i1/edit'));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toMatchObject({ bankId: bank.id, content: { type: 'numeric', answer: '1/2', subject: '数学', score: 5 } });
  });
});
