import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { TMe } from '@qiming/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockApi, renderRoutes } from '../../../test/render.tsx';
import { LoginPage } from './login-page.tsx';

const me: TMe = {
  id: 'u1',
  username: 'zhanglaoshi',
  displayName: '张老师',
  mustChangePassword: false,
  mfaRequired: false,
  activeRole: 'teacher',
  roles: ['teacher'],
  grants: [],
  permissions: ['org.read', 'roster.read'],
  sessionIdleMinutes: 30,
};

afterEach(() => vi.unstubAllGlobals());

const renderLogin = (at = '/login') =>
  renderRoutes(
    [
      { path: '/login', element: <LoginPage /> },
      { path: '/change-password', element: <p>change-password-page</p> },
      { path: '*', element: <p>signed-in</p> },
    ],
    { at },
  );

function signIn(username = 'zhanglaoshi', password = 'wrong-password') {
  fireEvent.change(screen.getByTestId('login-username'), { target: { value: username } });
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: password } });
  fireEvent.click(screen.getByTestId('login-submit'));
}

const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

describe('LoginPage', () => {
  it('says the account is locked, for how long and until when', async () => {
    const lockedUntil = new Date(Date.now() + 15 * 60_000);
    mockApi({
      'POST /api/auth/login': apiError(423, 'AUTH_ACCOUNT_LOCKED', '密码错误次数过多，账号已锁定', {
        lockedUntil: lockedUntil.toISOString(),
      }),
    });
    renderLogin();
    signIn();

    const alert = await screen.findByTestId('login-error');
    expect(alert.textContent).toContain('密码错误次数过多，账号已锁定，请在 15 分钟后');
    expect(alert.textContent).toContain(`（${hhmm(lockedUntil)} 后）再试或联系管理员`);
  });

  it('shows the server message and the attempts left after a wrong password', async () => {
    const calls = mockApi({
      'POST /api/auth/login': apiError(401, 'AUTH_INVALID_CREDENTIALS', '用户名或密码错误', { remainingAttempts: 2 }),
    });
    renderLogin();
    signIn();

    const alert = await screen.findByTestId('login-error');
    expect(alert.textContent).toContain('用户名或密码错误');
    expect(alert.textContent).toContain('还可尝试 2 次');
    expect(calls[0].headers['X-Requested-With']).toBe('qiming');
    expect(calls[0].body).toEqual({ username: 'zhanglaoshi', password: 'wrong-password' });
  });

  it('checks the form with the shared schema before asking the server', async () => {
    const calls = mockApi({});
    renderLogin();
    fireEvent.click(screen.getByTestId('login-submit'));

    expect(await screen.findByText('请输入用户名')).toBeTruthy();
    expect(screen.getByText('请输入密码')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });

  it('goes back to the page that asked for sign-in', async () => {
    mockApi({ 'POST /api/auth/login': { body: me } });
    const { router } = renderLogin('/login?next=%2Fclasses%2Fc1');
    signIn('zhanglaoshi', 'Right#Pass1');
    await waitFor(() => expect(router.state.location.pathname).toBe('/classes/c1'));
  });

  it('sends a user who must change the password to /change-password first', async () => {
    mockApi({ 'POST /api/auth/login': { body: { ...me, mustChangePassword: true } } });
    const { router } = renderLogin();
    signIn('zhanglaoshi', 'Initial#Pass1');
    await waitFor(() => expect(router.state.location.pathname).toBe('/change-password'));
  });

  it('tells a user whose session ran out why they are here', () => {
    mockApi({});
    renderLogin('/login?next=%2Faudit&expired=1');
    expect(screen.getByTestId('login-expired').textContent).toContain('登录已超时');
  });
});
