/**
 * The rules of an attempt, as pure functions the services apply under a row lock:
 *
 *   (none) ──start──▶ in_progress ──submit / deadline──▶ submitted ──all manual items graded──▶ graded
 *                                   (no manual items: straight to graded)
 *
 * An assignment is open between opens_at and closes_at; an attempt's own deadline is the earlier
 * of closes_at and started_at + time limit. A submit that arrives within SUBMIT_GRACE_MS after
 * the deadline is still accepted (the request was on its way); later ones are refused.
 */

export type AttemptStatus = 'in_progress' | 'submitted' | 'graded';
export type ShowAnswers = 'immediately' | 'after_close' | 'never';

export const SUBMIT_GRACE_MS = 30_000;

export type AssignmentWindow = {
  opensAt: Date;
  closesAt: Date;
  timeLimitMinutes: number | null;
  maxAttempts: number;
};

export type WindowState = 'not_open' | 'open' | 'closed';

export function windowState(a: Pick<AssignmentWindow, 'opensAt' | 'closesAt'>, now: Date): WindowState {
  if (now < a.opensAt) return 'not_open';
  if (now >= a.closesAt) return 'closed';
  return 'open';
}

export function deadlineFor(a: AssignmentWindow, startedAt: Date): Date {
  const limit = a.timeLimitMinutes ? new Date(startedAt.getTime() + a.timeLimitMinutes * 60_000) : a.closesAt;
  return limit < a.closesAt ? limit : a.closesAt;
}

export type StartRefusal = 'HOMEWORK_NOT_OPEN' | 'HOMEWORK_CLOSED' | 'ATTEMPTS_EXHAUSTED';

/** Whether a new attempt may start; an open attempt is resumed instead (the caller checks that first). */
export function startRefusal(a: AssignmentWindow, attemptsUsed: number, now: Date): StartRefusal | null {
  const w = windowState(a, now);
  if (w === 'not_open') return 'HOMEWORK_NOT_OPEN';
  if (w === 'closed') return 'HOMEWORK_CLOSED';
  if (attemptsUsed >= a.maxAttempts) return 'ATTEMPTS_EXHAUSTED';
  return null;
}

/** Whether saving or submitting now is past the attempt's deadline (with the grace for a submit). */
export function isPastDeadline(deadlineAt: Date, now: Date, graceMs = 0): boolean {
  return now.getTime() > deadlineAt.getTime() + graceMs;
}

export const statusAfterGrading = (pendingManual: number): AttemptStatus => (pendingManual > 0 ? 'submitted' : 'graded');

/** Whether a pupil may see the correct answers and explanations of a finished attempt now. */
export function answersVisible(show: ShowAnswers, closesAt: Date, attemptFinished: boolean, now: Date): boolean {
  if (!attemptFinished) return false;
  if (show === 'immediately') return true;
  if (show === 'after_close') return now >= closesAt;
  return false;
}
