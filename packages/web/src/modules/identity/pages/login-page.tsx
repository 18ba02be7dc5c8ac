import { ApartmentOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { isMfaChallenge, UPSTREAM_FAILURES, ZLoginRequest, type TLoginRequest, type TMe, type TMfaVerifyRequest } from '@qiming/shared';
import { Alert, Button, Divider, Form, Input, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { isServerPath, safeNext } from '../../../app/require-auth.tsx';
import { applyServerErrors, parseForm } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { AuthShell } from '../components/auth-shell.tsx';
import { AppError, errorMessage } from '../../../lib/api.ts';
import { MfaCodeForm } from '../components/mfa-code-form.tsx';
import { useLogin, useMfaSignIn } from '../identity.api.ts';
import { loginFailure, type LoginFailure } from '../login-failure.ts';
import { upstreamLoginUrl, useUpstreamInfo } from '../../upstream/upstream.api.ts';

type UpstreamFailure = (typeof UPSTREAM_FAILURES)[number];
const upstreamFailureOf = (v: string | null): UpstreamFailure | null =>
  v && (UPSTREAM_FAILURES as readonly string[]).includes(v) ? (v as UpstreamFailure) : v ? 'failed' : null;

export function LoginPage() {
  const t = useT();
  const [form] = Form.useForm<TLoginRequest>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const mfa = useMfaSignIn();
  const upstreamError = upstreamFailureOf(params.get('upstream_error'));
  const [failure, setFailure] = useState<LoginFailure | null>(() =>
    upstreamError ? { message: t('upstream_failed'), description: t(`upstream_error_${upstreamError}`) } : null,
  );
  // after a right password (or an upstream sign-in: ?step=mfa), for an account with two-step verification: the code step
  const fromUpstream = params.get('step') === 'mfa';
  const [mfaStep, setMfaStep] = useState(fromUpstream);
  const [pendingUser, setPendingUser] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const next = safeNext(params.get('next'));
  const client = useQueryClient();

  // whoever was signed in before (signed out, or timed out) leaves nothing behind in the cache;
  // what this page itself asks for is asked after that
  const [cleared, setCleared] = useState(false);
  useEffect(() => {
    client.clear();
    setCleared(true);
  }, [client]);

  const submit = (values: TLoginRequest) => {
    const body = parseForm(form, ZLoginRequest, values);
    if (!body) return;
    setFailure(null);
    login.mutate(body, {
      onSuccess: (res) => {
        if (isMfaChallenge(res)) {
          setPendingUser(body.username);
          setCodeError(null);
          setMfaStep(true);
        } else enter(res);
      },
      onError: (e) => {
        if (!applyServerErrors(form, e)) setFailure(loginFailure(t, e));
      },
    });
  };

  const enter = (me: TMe) => {
    const to = me.mustChangePassword ? '/change-password' : me.mfaEnrollmentRequired ? '/mfa-setup' : null;
    // single sign-on continues on the server (CAS /cas/login, the OpenID provider), not in this app
    if (!to && isServerPath(next)) return window.location.assign(next);
    void navigate(to ? `${to}?next=${encodeURIComponent(next)}` : next, { replace: true });
  };

  const verify = (body: TMfaVerifyRequest) =>
    mfa.mutate(body, {
      onSuccess: enter,
      onError: (e) => {
        if (e instanceof AppError && e.code === 'MFA_CHALLENGE_EXPIRED') {
          // too late (five minutes) or used up: back to the password, saying why
          setMfaStep(false);
          setFailure({ message: e.message });
          return;
        }
        setCodeError(errorMessage(e));
      },
    });

  if (mfaStep)
    return (
      <AuthShell title={t('mfa_login_title')}>
        <Typography.Paragraph type="secondary" data-testid="mfa-step">
          {pendingUser ? t('mfa_login_intro', { username: pendingUser }) : t('upstream_mfa_intro')}
        </Typography.Paragraph>
        <MfaCodeForm onSubmit={verify} loading={mfa.isPending} submitText={t('mfa_login_submit')} error={codeError} />
        <div style={{ textAlign: 'center' }}>
          <Button type="link" size="small" onClick={() => setMfaStep(false)} data-testid="mfa-back">
            {t('mfa_login_back')}
          </Button>
        </div>
      </AuthShell>
    );

  return (
    <AuthShell title={t('login_title')}>
      {params.get('expired') && !failure && (
        <Alert type="warning" showIcon title={t('login_session_expired')} style={{ marginBottom: 16 }} data-testid="login-expired" />
      )}
      {failure && (
        <Alert
          type="error"
          showIcon
          title={failure.message}
          description={failure.description}
          style={{ marginBottom: 16 }}
          data-testid="login-error"
        />
      )}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={submit}
        autoComplete="on"
        initialValues={{ username: '', password: '' }}
      >
        <Form.Item name="username" label={t('login_username')}>
          <Input
            prefix={<UserOutlined />}
            size="large"
            autoComplete="username"
            autoFocus
            data-testid="login-username"
            placeholder={t('login_username_placeholder')}
          />
        </Form.Item>
        <Form.Item name="password" label={t('login_password')}>
          <Input.Password prefix={<LockOutlined />} size="large" autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" block loading={login.isPending} data-testid="login-submit">
          {t('login_submit')}
        </Button>
      </Form>
      {cleared && <UpstreamSignIn next={next} />}
      <div style={{ textAlign: 'center', marginTop: 16 }}>
        <Link to="/resources" data-testid="login-browse-public">
          {t('login_browse_public')}
        </Link>
      </div>
    </AuthShell>
  );
}

/** 使用上级平台账号登录, when this instance trusts an upper-level platform: the server sends the browser on to it. */
function UpstreamSignIn({ next }: { next: string }) {
  const t = useT();
  const upstream = useUpstreamInfo();
  if (!upstream.data?.enabled) return null;
  return (
    <>
      <Divider plain style={{ margin: '20px 0 16px' }}>
        <Typography.Text type="secondary">{t('login_or')}</Typography.Text>
      </Divider>
      <Button size="large" block icon={<ApartmentOutlined />} href={upstreamLoginUrl(next)} data-testid="login-upstream">
        {t('login_upstream')}
      </Button>
      <Typography.Paragraph type="secondary" style={{ textAlign: 'center', fontSize: 12, margin: '8px 0 0' }}>
        {t('login_upstream_via', { name: upstream.data.name ?? '' })}
      </Typography.Paragraph>
    </>
  );
}
