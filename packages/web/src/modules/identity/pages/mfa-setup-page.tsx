import { Alert, Button, Typography } from 'antd';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { PageFallback } from '../../../app/layout.tsx';
import { loginPath, safeNext } from '../../../app/require-auth.tsx';
import { authFailureOf } from '../../../app/query-client.ts';
import { useT } from '../../../lib/i18n.ts';
import { AuthShell } from '../components/auth-shell.tsx';
import { MfaEnrollment } from '../components/mfa-enrollment.tsx';
import { useLogout, useMe } from '../identity.api.ts';

/** The enrolment an administrator must finish right after signing in, before anything else. */
export function MfaSetupPage() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const logout = useLogout();

  if (me.isPending) return <PageFallback />;
  if (me.isError) {
    const f = authFailureOf(me.error);
    if (f?.kind === 'change-password') return <Navigate to="/change-password" replace />;
    return <Navigate to={loginPath(location.pathname, f?.kind === 'login' && f.expired)} replace />;
  }
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  if (!me.data.mfaEnrollmentRequired && !me.data.mfaEnabled) return <Navigate to="/account/security" replace />;

  return (
    <AuthShell title={t('mfa_setup_title')} wide>
      <Alert type="info" showIcon title={t('mfa_setup_required')} description={t('mfa_setup_apps')} style={{ marginBottom: 16 }} />
      <MfaEnrollment onDone={() => void navigate(safeNext(params.get('next')), { replace: true })} doneText={t('mfa_done_continue')} />
      <div style={{ marginTop: 16, textAlign: 'center' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
          {t('mfa_setup_forced_hint')}
        </Typography.Text>
        <Button type="link" onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) })}>
          {t('logout')}
        </Button>
      </div>
    </AuthShell>
  );
}
