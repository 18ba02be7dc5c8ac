import { AppError, errorMessage } from '../../lib/api.ts';
import type { Translate } from '../../lib/i18n.ts';

/** Minutes left (at least 1) and the local HH:mm at which a lock ends. */
export function lockoutWindow(lockedUntil: string, now = new Date()): { minutes: number; time: string } | null {
  const until = new Date(lockedUntil);
  if (Number.isNaN(until.getTime())) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    minutes: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000)),
    time: `${pad(until.getHours())}:${pad(until.getMinutes())}`,
  };
}

export type LoginFailure = { message: string; description?: string };

/** Why sign-in failed, in words a teacher or parent can act on. */
export function loginFailure(t: Translate, error: unknown, now = new Date()): LoginFailure {
  if (!(error instanceof AppError)) return { message: errorMessage(error) };
  const details = (error.details ?? {}) as { remainingAttempts?: unknown; lockedUntil?: unknown };
  if (error.code === 'AUTH_INVALID_CREDENTIALS') {
    const remaining = details.remainingAttempts;
    return {
      message: error.message,
      description: typeof remaining === 'number' && remaining > 0 ? t('login_remaining_attempts', { count: remaining }) : undefined,
    };
  }
  if (error.code === 'AUTH_ACCOUNT_LOCKED') {
    // the server's message names the time in China; the browser's clock and language may differ
    const lock = typeof details.lockedUntil === 'string' ? lockoutWindow(details.lockedUntil, now) : null;
    return lock ? { message: t('login_locked', lock) } : { message: error.message, description: t('login_locked_hint') };
  }
  return { message: error.message };
}
