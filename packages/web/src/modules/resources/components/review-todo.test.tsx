import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failOnDeprecations, mockApi, renderPage } from '../../../test/render.tsx';
import { ReviewTodo } from './review-todo.tsx';

afterEach(() => vi.unstubAllGlobals());
failOnDeprecations();

const queued = (id: string, isFlagged: boolean) => ({ id, title: `资源 ${id}`, isFlagged });

describe('review to-do on the home page', () => {
  it('says how many resources wait, and how many screening flagged, with a way to the queue', async () => {
    mockApi({
      'GET /api/resource-reviews': {
        body: { items: [queued('a', true), queued('b', false), queued('c', true)], total: 3, page: 1, pageSize: 20 },
      },
    });
    renderPage(<ReviewTodo />);
    expect(await screen.findByText('有 3 份资源等待您审核')).toBeTruthy();
    expect(screen.getByText(/其中 2 份在筛查中发现敏感词或疑似重复/)).toBeTruthy();
    expect(screen.getByRole('link').getAttribute('href')).toBe('/resources/review');
  });

  it('shows nothing when the queue is empty', async () => {
    const calls = mockApi({ 'GET /api/resource-reviews': { body: { items: [], total: 0, page: 1, pageSize: 20 } } });
    const { container } = renderPage(<ReviewTodo />);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(container.textContent).toBe('');
  });
});
