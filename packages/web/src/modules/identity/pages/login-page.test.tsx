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
  mfaEnabled: false,
  mfaEnrollmentRequired: false,
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
      { path: '/mfa-setup', element: <p>mfa-setup-page</p> },
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
    const login = calls.find((c) => c.method === 'POST')!;
    expect(login.headers['X-Requested-With']).toBe('qiming');
    expect(login.body).toEqual({ username: 'zhanglaoshi', password: 'wrong-password' });
  });

  it('checks the form with the shared schema before asking the server', async () => {
    const calls = mockApi({});
    renderLogin();
    fireEvent.click(screen.getByTestId('login-submit'));

    expect(await screen.findByText('请输入用户名')).toBeTruthy();
    expect(screen.getByText('请输入密码')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
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

  describe('two-step verification', () => {
    const challenge = {
      body: { status: 'mfa_required', methods: ['totp', 'recovery_code'], expiresAt: new Date(Date.now() + 300_000).toISOString() },
    };
    const typeCode = (code: string) => {
      const boxes = screen.getByTestId('mfa-code').querySelectorAll('input');
      code.split('').forEach((d, i) => fireEvent.input(boxes[i], { target: { value: d } }));
    };

    it('asks for the code after the password, then signs in with it', async () => {
      const calls = mockApi({ 'POST /api/auth/login': challenge, 'POST /api/auth/mfa': { body: { ...me, mfaEnabled: true } } });
      const { router } = renderLogin('/login?next=%2Fclasses%2Fc1');
      signIn('zhanglaoshi', 'Right#Pass1');
      expect((await screen.findByTestId('mfa-step')).textContent).toContain('zhanglaoshi');
      typeCode('123456');
      await waitFor(() => expect(router.state.location.pathname).toBe('/classes/c1'));
      const mfaCall = calls.find((c) => c.url.endsWith('/api/auth/mfa'))!;
      expect(mfaCall.body).toEqual({ method: 'totp', code: '123456' });
      expect(mfaCall.headers['X-Requested-With']).toBe('qiming');
    });

    it('shows the server message for a wrong code and stays on the step', async () => {
      mockApi({
        'POST /api/auth/login': challenge,
        'POST /api/auth/mfa': apiError(400, 'MFA_CODE_INVALID', '验证码不正确，请输入验证器中当前显示的 6 位数字', {
          remainingAttempts: 4,
        }),
      });
      renderLogin();
      signIn('zhanglaoshi', 'Right#Pass1');
      await screen.findByTestId('mfa-step');
      typeCode('000000');
      expect(await screen.findByText('验证码不正确，请输入验证器中当前显示的 6 位数字')).toBeTruthy();
      expect(screen.getByTestId('mfa-step')).toBeTruthy();
    });

    it('takes a recovery code instead ("使用恢复码"), checked before sending', async () => {
      const calls = mockApi({ 'POST /api/auth/login': challenge, 'POST /api/auth/mfa': { body: me } });
      const { router } = renderLogin();
      signIn('zhanglaoshi', 'Right#Pass1');
      await screen.findByTestId('mfa-step');
      fireEvent.click(screen.getByText('使用恢复码'));
      fireEvent.change(screen.getByTestId('mfa-recovery-code'), { target: { value: 'abc' } });
      fireEvent.click(screen.getByTestId('mfa-submit'));
      expect(await screen.findByText(/恢复码为 10 位字母和数字/)).toBeTruthy();
      expect(calls.filter((c) => c.url.endsWith('/api/auth/mfa'))).toHaveLength(0);
      fireEvent.change(screen.getByTestId('mfa-recovery-code'), { target: { value: '7KQ2M X9FPA' } });
      fireEvent.click(screen.getByTestId('mfa-submit'));
      await waitFor(() => expect(router.state.location.pathname).toBe('/'));
      expect(calls.find((c) => c.url.endsWith('/api/auth/mfa'))!.body).toEqual({ method: 'recovery_code', code: '7kq2mx9fpa' });
    });

    it('an expired step goes back to the password with the reason', async () => {
      mockApi({
        'POST /api/auth/login': challenge,
        'POST /api/auth/mfa': apiError(401, 'MFA_CHALLENGE_EXPIRED', '验证已超时，请重新输入用户名和密码'),
      });
      renderLogin();
      signIn('zhanglaoshi', 'Right#Pass1');
      await screen.findByTestId('mfa-step');
      typeCode('123456');
      expect((await screen.findByTestId('login-error')).textContent).toContain('验证已超时');
      expect(screen.getByTestId('login-username')).toBeTruthy();
    });

    it('an administrator who has not enrolled goes to the enrolment page', async () => {
      mockApi({ 'POST /api/auth/login': { body: { ...me, mfaRequired: true, mfaEnrollmentRequired: true } } });
      const { router } = renderLogin();
      signIn('zhanglaoshi', 'Right#Pass1');
      await waitFor(() => expect(router.state.location.pathname).toBe('/mfa-setup'));
    });
  });

  describe('upstream sign-in (使用上级平台账号登录)', () => {
    it('offers the upper-level platform when one is configured, keeping where to go next', async () => {
      mockApi({ 'GET /api/upstream': { body: { enabled: true, name: '青岛市智慧教育平台' } } });
      renderLogin('/login?next=%2Fhomework');
      const button = await screen.findByTestId('login-upstream');
      expect(button.textContent).toContain('使用上级平台账号登录');
      expect(button.getAttribute('href')).toBe('/api/upstream/login?next=%2Fhomework');
      expect(screen.getByText('通过青岛市智慧教育平台统一身份认证')).toBeTruthy();
    });

    it('offers nothing when there is no upstream', async () => {
      const calls = mockApi({ 'GET /api/upstream': { body: { enabled: false, name: null } } });
      renderLogin();
      await waitFor(() => expect(calls.some((c) => c.url.includes('/api/upstream'))).toBe(true));
      expect(screen.queryByTestId('login-upstream')).toBeNull();
    });

    it('says why an upstream sign-in came back without a session', async () => {
      mockApi({ 'GET /api/upstream': { body: { enabled: true, name: '青岛市智慧教育平台' } } });
      renderLogin('/login?upstream_error=no_account');
      const alert = await screen.findByTestId('login-error');
      expect(alert.textContent).toContain('上级平台登录未成功');
      expect(alert.textContent).toContain('请联系学校或区县管理员开通');
    });

    it('asks for the code of an account with two-step verification after the upstream', async () => {
      const calls = mockApi({ 'POST /api/auth/mfa': { body: me } });
      const { router } = renderLogin('/login?step=mfa&next=%2Fapps');
      expect((await screen.findByTestId('mfa-step')).textContent).toContain('您已通过上级平台验证身份');
      const boxes = screen.getByTestId('mfa-code').querySelectorAll('input');
      '123456'.split('').forEach((d, i) => fireEvent.input(boxes[i], { target: { value: d } }));
      await waitFor(() => expect(router.state.location.pathname).toBe('/apps'));
      expect(calls.find((c) => c.url.endsWith('/api/auth/mfa'))!.body).toEqual({ method: 'totp', code: '123456' });
    });
  });
});
