import {
  isMfaChallenge,
  type Permission,
  type Role,
  type TChangePasswordRequest,
  type TLoginRequest,
  type TLoginResponse,
  type TMe,
  type TMfaEnrollment,
  type TMfaStatus,
  type TMfaVerifyRequest,
  type TRecoveryCodes,
} from '@qiming/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

export const meKey = ['me'] as const;

export const fetchMe = () => api.get<TMe>('/api/me');

/**
 * The signed-in user; fails with UNAUTHENTICATED when there is no session. A failure stays until
 * something asks again (sign-in sets it, a refetch): a visitor's pages mount components that read
 * it, and asking again on each mount would flip the frame back to loading and round again.
 */
export const useMe = () => useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000, retry: false, retryOnMount: false });

/** The signed-in user, for components rendered only behind <RequireAuth> (which loaded it). */
export function useCurrentUser(): TMe {
  const { data } = useMe();
  if (!data) throw new Error('useCurrentUser outside <RequireAuth>');
  return data;
}

/** Whether the active role holds a permission. */
export function useCan(): (permission: Permission) => boolean {
  const { data } = useMe();
  return (permission) => !!data?.permissions.includes(permission);
}

/** Password step: a session (TMe), or a challenge when the account has two-step verification on. */
export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TLoginRequest) => api.post<TLoginResponse>('/api/auth/login', body),
    onSuccess: (res) => {
      client.clear();
      if (!isMfaChallenge(res)) client.setQueryData(meKey, res);
    },
  });
}

/** Second step of sign-in: a code from the authenticator, or a recovery code. */
export function useMfaSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TMfaVerifyRequest) => api.post<TMe>('/api/auth/mfa', body),
    onSuccess: (me) => {
      client.clear();
      client.setQueryData(meKey, me);
    },
  });
}

/**
 * Ends the session. The cache is emptied by the sign-in page when it mounts: clearing it here,
 * while the signed-in frame is still on screen, would leave that frame without its user.
 */
export function useLogout(everywhere = false) {
  return useMutation({
    mutationFn: () => api.post(everywhere ? '/api/auth/logout-all' : '/api/auth/logout'),
  });
}

export function useSwitchRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (role: Role) => api.post<TMe>('/api/me/active-role', { role }),
    onSuccess: (me) => {
      // everything cached was fetched as the previous role
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
      client.setQueryData(meKey, me);
    },
  });
}

export function useChangePassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TChangePasswordRequest) => api.post('/api/me/password', body),
    onSuccess: () => {
      // settle the flag now: <RequireAuth> would otherwise send the user back here until /api/me answers
      client.setQueryData<TMe>(meKey, (me) => (me ? { ...me, mustChangePassword: false } : me));
      void client.invalidateQueries({ queryKey: meKey });
    },
  });
}

// two-step verification of the signed-in user (账号安全)
export const mfaKey = ['me', 'mfa'] as const;
export const useMfaStatus = () => useQuery({ queryKey: mfaKey, queryFn: () => api.get<TMfaStatus>('/api/me/mfa') });

/** After any change: the status and /api/me (mfaEnabled, mfaEnrollmentRequired) are read again. */
function useMfaMutation<V, R>(send: (v: V) => Promise<R>, settle?: (me: TMe) => TMe) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => {
      if (settle) client.setQueryData<TMe>(meKey, (me) => (me ? settle(me) : me));
      void client.invalidateQueries({ queryKey: meKey });
    },
  });
}

export const useStartMfaEnrollment = () => useMutation({ mutationFn: () => api.post<TMfaEnrollment>('/api/me/mfa/enrollment') });
export const useConfirmMfaEnrollment = () =>
  useMfaMutation(
    (code: string) => api.post<TRecoveryCodes>('/api/me/mfa/enrollment/confirm', { code }),
    // settle the flag now, so <RequireAuth> lets the user through while /api/me is read again
    (me) => ({ ...me, mfaEnabled: true, mfaEnrollmentRequired: false }),
  );
export const useDisableMfa = () => useMfaMutation((body: TMfaVerifyRequest) => api.post('/api/me/mfa/disable', body));
export const useRegenerateRecoveryCodes = () =>
  useMfaMutation((body: TMfaVerifyRequest) => api.post<TRecoveryCodes>('/api/me/mfa/recovery-codes', body));
