import { CheckCircleFilled, MinusCircleOutlined } from '@ant-design/icons';
import { SECURITY_DEFAULTS, ZChangePasswordRequest } from '@qiming/shared';
import { Alert, App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { PageFallback } from '../../../app/layout.tsx';
import { loginPath, isServerPath, safeNext } from '../../../app/require-auth.tsx';
import { authFailureOf } from '../../../app/query-client.ts';
import { AppError, errorMessage } from '../../../lib/api.ts';
import { parseForm } from '../../../lib/form.ts';
import { useT, type MessageKey } from '../../../lib/i18n.ts';
import { AuthShell } from '../components/auth-shell.tsx';
import { useChangePassword, useLogout, useMe } from '../identity.api.ts';
import { checkPasswordHints, violationMessages, type PasswordCheck } from '../password-violations.ts';

type Values = { currentPassword: string; newPassword: string; confirmPassword: string };

const HINT_TEXT: Record<PasswordCheck['key'], MessageKey> = {
  length: 'password_hint_length',
  mix: 'password_hint_mix',
  username: 'password_hint_not_username',
};

/** The policy as a checklist that ticks while the new password is typed. */
function PasswordHints({ checks }: { checks: PasswordCheck[] }) {
  const t = useT();
  return (
    <ul style={{ listStyle: 'none', margin: '6px 0 0', padding: 0, fontSize: 12 }} data-testid="password-hints">
      {checks.map((c) => (
        <li key={c.key} data-ok={c.ok} style={{ color: c.ok ? '#2f9e6e' : undefined }}>
          {c.ok ? <CheckCircleFilled /> : <MinusCircleOutlined />} {t(HINT_TEXT[c.key], { min: SECURITY_DEFAULTS.passwordMinLength })}
        </li>
      ))}
      <li>
        <MinusCircleOutlined style={{ visibility: 'hidden' }} /> {t('password_hint_not_same')}
      </li>
    </ul>
  );
}

export function ChangePasswordPage() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const change = useChangePassword();
  const logout = useLogout();
  const [failure, setFailure] = useState<{ message: string; items: string[] } | null>(null);
  const newPassword = Form.useWatch('newPassword', form);

  if (me.isPending) return <PageFallback />;
  if (me.isError) {
    const f = authFailureOf(me.error);
    if (f?.kind === 'login') return <Navigate to={loginPath(location.pathname, f.expired)} replace />;
  }
  const forced = !!me.data?.mustChangePassword;
  const checks = checkPasswordHints(newPassword ?? '', me.data?.username ?? '');

  const submit = (values: Values) => {
    const body = parseForm(form, ZChangePasswordRequest, values);
    if (!body) return;
    setFailure(null);
    change.mutate(body, {
      onSuccess: () => {
        void message.success(t('password_changed'));
        const next = safeNext(params.get('next'));
        if (isServerPath(next)) return window.location.assign(next);
        void navigate(next, { replace: true });
      },
      onError: (e) => {
        if (e instanceof AppError && e.code === 'PASSWORD_INCORRECT') {
          form.setFields([{ name: 'currentPassword', errors: [e.message] }]);
          return;
        }
        setFailure({ message: errorMessage(e), items: e instanceof AppError ? violationMessages(t, e.details) : [] });
      },
    });
  };

  return (
    <AuthShell title={t('change_password')}>
      {forced && <Alert type="info" showIcon title={t('password_change_required')} style={{ marginBottom: 16 }} />}
      {failure && (
        <Alert
          type="error"
          showIcon
          data-testid="password-error"
          title={failure.message}
          description={
            failure.items.length ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {failure.items.map((v) => (
                  <li key={v}>{v}</li>
                ))}
              </ul>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={submit}
        initialValues={{ currentPassword: '', newPassword: '', confirmPassword: '' }}
      >
        <Form.Item name="currentPassword" label={t('password_current')}>
          <Input.Password autoComplete="current-password" data-testid="password-current" />
        </Form.Item>
        <Form.Item name="newPassword" label={t('password_new')} extra={<PasswordHints checks={checks} />}>
          <Input.Password autoComplete="new-password" data-testid="password-new" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('password_confirm')}
          dependencies={['newPassword']}
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_rule, value) => {
                if (value !== getFieldValue('newPassword')) throw new Error(t('password_confirm_mismatch'));
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="password-confirm" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={change.isPending} data-testid="password-submit">
          {t('password_submit')}
        </Button>
      </Form>
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        {forced ? (
          <>
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {t('password_forced_hint')}
            </Typography.Text>
            <Button type="link" onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) })}>
              {t('logout')}
            </Button>
          </>
        ) : (
          <Link to="/">{t('back_home')}</Link>
        )}
      </div>
    </AuthShell>
  );
}
