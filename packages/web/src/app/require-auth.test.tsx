import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockApi, renderRoutes } from '../test/render.tsx';
import { loginPath, RequireAuth, safeNext } from './require-auth.tsx';

const routes = [
  { path: '/login', element: <p>login page</p> },
  { path: '/change-password', element: <p>password page</p> },
  { path: '/mfa-setup', element: <p>mfa setup page</p> },
  { element: <RequireAuth />, children: [{ path: '*', element: <p>inside</p> }] },
];

const me = {
  id: 'u1',
  username: 'admin',
  displayName: '张校长',
  mustChangePassword: false,
  mfaRequired: false,
  mfaEnabled: false,
  mfaEnrollmentRequired: false,
  activeRole: 'school_admin',
  roles: ['school_admin', 'teacher'],
  grants: [],
  permissions: ['org.read', 'class.manage', 'roster.read', 'roster.manage', 'user.manage', 'pii.read'],
  sessionIdleMinutes: 30,
};

afterEach(() => vi.unstubAllGlobals());

describe('RequireAuth', () => {
  it('sends a visitor without a session to sign in, remembering the page', async () => {
    mockApi({ 'GET /api/me': apiError(401, 'UNAUTHENTICATED', '请先登录') });
    const { router } = renderRoutes(routes, { at: '/classes/c1?tab=x' });
    await screen.findByText('login page');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/classes/c1?tab=x')}`);
  });

  it('says the session timed out when it did', async () => {
    mockApi({ 'GET /api/me': apiError(401, 'SESSION_EXPIRED', '登录已超时，请重新登录') });
    const { router } = renderRoutes(routes, { at: '/users' });
    await screen.findByText('login page');
    expect(new URLSearchParams(router.state.location.search).get('expired')).toBe('1');
  });

  it('makes a user with a temporary password change it first', async () => {
    mockApi({ 'GET /api/me': { body: { ...me, mustChangePassword: true } } });
    await renderRoutes(routes, { at: '/' }).findByText('password page');
  });

  it('makes an administrator who has not enrolled bind an authenticator first', async () => {
    mockApi({ 'GET /api/me': { body: { ...me, mfaRequired: true, mfaEnrollmentRequired: true } } });
    await renderRoutes(routes, { at: '/users' }).findByText('mfa setup page');
  });

  it('goes to enrolment when the server refuses a request for want of it', async () => {
    mockApi({ 'GET /api/me': apiError(403, 'MFA_ENROLLMENT_REQUIRED', '您的角色须启用两步验证，请先绑定验证器') });
    await renderRoutes(routes, { at: '/' }).findByText('mfa setup page');
  });

  it('shows the page in the frame with the user’s name, roles and permitted menu', async () => {
    mockApi({ 'GET /api/me': { body: me } });
    renderRoutes(routes, { at: '/' });
    expect(await screen.findByText('inside')).toBeTruthy();
    expect(screen.getAllByText('张校长').length).toBeGreaterThan(0);
    expect(screen.getByTestId('role-switcher').textContent).toContain('学校管理员');
    await waitFor(() => expect(screen.queryAllByTestId('nav-users').length).toBeGreaterThan(0));
    expect(screen.queryByTestId('nav-audit')).toBeNull();
  });
});

describe('loginPath / safeNext', () => {
  it('keeps only same-site paths', () => {
    expect(loginPath('/')).toBe('/login');
    expect(loginPath('//evil.example/x')).toBe('/login');
    expect(loginPath('/users', true)).toBe('/login?next=%2Fusers&expired=1');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext('/schools/1?tab=students')).toBe('/schools/1?tab=students');
  });
});
