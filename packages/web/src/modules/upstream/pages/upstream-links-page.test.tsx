import type { TUpstreamLink } from '@qiming/shared';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockApi, renderPage } from '../../../test/render.tsx';
import { UpstreamLinksPage } from './upstream-links-page.tsx';

afterEach(() => vi.unstubAllGlobals());

const link: TUpstreamLink = {
  id: '7f1c7f6e-8b7c-4d38-9e3f-2b1f0c7a9d11',
  provider: 'https://city.example.cn/oidc',
  subject: 'c0a8012e-0000-4000-8000-000000000001',
  linkedBy: 'claim',
  claimValue: 'teacher_a1',
  createdAt: '2026-12-01T03:00:00.000Z',
  lastLoginAt: null,
  user: { id: 'u1', username: 'teacher_a1', displayName: '王老师', isActive: true, unitName: '市南区实验小学' },
};

describe('UpstreamLinksPage', () => {
  it('lists the links in scope and unlinks one after a confirmation', async () => {
    let items = [link, { ...link, id: 'l2', linkedBy: 'provisioned' as const, user: { ...link.user, id: 'u2', username: 'only_at_city' } }];
    const calls = mockApi({
      'GET /api/upstream': { body: { enabled: true, name: '青岛市智慧教育平台' } },
      'GET /api/upstream/links': () => ({ body: { items, total: items.length, page: 1, pageSize: 20 } }),
      [`DELETE /api/upstream/links/${link.id}`]: () => {
        items = items.filter((l) => l.id !== link.id);
        return { status: 204 };
      },
    });
    renderPage(<UpstreamLinksPage />);
    expect(await screen.findAllByTestId('upstream-link-row')).toHaveLength(2);
    expect(screen.getByText('首次登录时创建')).toBeTruthy();
    expect(screen.getByTestId('upstream-name').textContent).toContain('青岛市智慧教育平台');
    fireEvent.click(screen.getAllByTestId('upstream-unlink')[0]);
    fireEvent.click(await screen.findByRole('button', { name: '解除关联' }));
    await waitFor(() => expect(screen.getAllByTestId('upstream-link-row')).toHaveLength(1));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });

  it('says what to expect when nobody has signed in through the upstream, and when none is configured', async () => {
    mockApi({
      'GET /api/upstream': { body: { enabled: false, name: null } },
      'GET /api/upstream/links': { body: { items: [], total: 0, page: 1, pageSize: 20 } },
    });
    renderPage(<UpstreamLinksPage />);
    expect(await screen.findByText(/还没有账号通过上级平台登录/)).toBeTruthy();
    expect(screen.getByTestId('upstream-not-configured')).toBeTruthy();
  });
});
