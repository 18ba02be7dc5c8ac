import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { ZLoginRequest, type TLoginRequest } from '@qiming/shared';
import { Alert, Button, Form, Input } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { safeNext } from '../../../app/require-auth.tsx';
import { applyServerErrors, parseForm } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { AuthShell } from '../components/auth-shell.tsx';
import { useLogin } from '../identity.api.ts';
import { loginFailure, type LoginFailure } from '../login-failure.ts';

export function LoginPage() {
  const t = useT();
  const [form] = Form.useForm<TLoginRequest>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const [failure, setFailure] = useState<LoginFailure | null>(null);
  const next = safeNext(params.get('next'));
  const client = useQueryClient();

  // whoever was signed in before (signed out, or timed out) leaves nothing behind in the cache
  useEffect(() => {
    client.clear();
  }, [client]);

  const submit = (values: TLoginRequest) => {
    const body = parseForm(form, ZLoginRequest, values);
    if (!body) return;
    setFailure(null);
    login.mutate(body, {
      onSuccess: (me) =>
        void navigate(me.mustChangePassword ? `/change-password?next=${encodeURIComponent(next)}` : next, { replace: true }),
      onError: (e) => {
        if (!applyServerErrors(form, e)) setFailure(loginFailure(t, e));
      },
    });
  };

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
    </AuthShell>
  );
}
