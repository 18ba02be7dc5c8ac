import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { Navigate, useLocation } from 'react-router';
import { errorMessage } from '../lib/api.ts';
import { useT } from '../lib/i18n.ts';
import { useMe } from '../modules/identity/identity.api.ts';
import { AppLayout, PageFallback } from './layout.tsx';
import { authFailureOf } from './query-client.ts';

/** Where to sign in, remembering the page to come back to (never an outside address). */
export function loginPath(returnTo: string, expired = false): string {
  const params = new URLSearchParams();
  if (returnTo && returnTo !== '/' && returnTo.startsWith('/') && !returnTo.startsWith('//') && !returnTo.startsWith('/login'))
    params.set('next', returnTo);
  if (expired) params.set('expired', '1');
  const s = params.toString();
  return s ? `/login?${s}` : '/login';
}

/** A safe place to go after signing in: a path on this site, or home. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Paths the server answers itself (CAS, the OpenID provider): reached by a full page load, not the router. */
export const isServerPath = (path: string): boolean => /^\/(cas|oidc|api)\//.test(path);

/**
 * Loads the user and shows the signed-in frame; those who must change their password or enrol in
 * MFA go there first. `signedOut` is what a visitor without a (valid) session gets instead.
 */
export function SignedInGate({ signedOut }: { signedOut: (expired: boolean) => ReactNode }) {
  const me = useMe();
  const t = useT();
  if (me.isPending) return <PageFallback />;
  if (me.isError) {
    const failure = authFailureOf(me.error);
    if (failure?.kind === 'login') return signedOut(failure.expired);
    if (failure?.kind === 'change-password') return <Navigate to="/change-password" replace />;
    if (failure?.kind === 'mfa-setup') return <Navigate to="/mfa-setup" replace />;
    return (
      <Result
        status="error"
        title={t('load_failed')}
        subTitle={errorMessage(me.error)}
        extra={
          <Button type="primary" onClick={() => void me.refetch()}>
            {t('retry')}
          </Button>
        }
      />
    );
  }
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  if (me.data.mfaEnrollmentRequired) return <Navigate to="/mfa-setup" replace />;
  return <AppLayout />;
}

/** The signed-in pages: a visitor without a session is sent to /login, to come back here after. */
export function RequireAuth() {
  const location = useLocation();
  return <SignedInGate signedOut={(expired) => <Navigate to={loginPath(location.pathname + location.search, expired)} replace />} />;
}
