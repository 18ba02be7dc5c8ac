import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { AppError } from '../lib/api.ts';

export type AuthFailure = { kind: 'login'; expired: boolean } | { kind: 'change-password' } | { kind: 'mfa-setup' };
/** Whether a read (a query) or an action (a mutation) met the failure. */
export type AuthFailureSource = 'query' | 'mutation';
type AuthFailureHandler = (failure: AuthFailure, source: AuthFailureSource) => void;

let onAuthFailure: AuthFailureHandler = () => {};

/** The router registers how to leave the page when the session ends or a password change is due. */
export function setAuthFailureHandler(handler: AuthFailureHandler): void {
  onAuthFailure = handler;
}

/** Reads a failed request for what it means to the whole app (not to the page that sent it). */
export function authFailureOf(error: unknown): AuthFailure | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED')
    return { kind: 'login', expired: error.code === 'SESSION_EXPIRED' };
  if (error.code === 'PASSWORD_CHANGE_REQUIRED') return { kind: 'change-password' };
  if (error.code === 'MFA_ENROLLMENT_REQUIRED') return { kind: 'mfa-setup' };
  return null;
}

const handle = (source: AuthFailureSource) => (error: unknown) => {
  const failure = authFailureOf(error);
  if (failure) onAuthFailure(failure, source);
};

// 4xx answers will not change by asking again; network blips and 5xx get two more tries.
const shouldRetry = (count: number, error: unknown) =>
  count < 2 && !(error instanceof AppError && error.status >= 400 && error.status < 500);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: handle('query') }),
    mutationCache: new MutationCache({ onError: handle('mutation') }),
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 15_000 },
      mutations: { retry: false },
    },
  });
}
