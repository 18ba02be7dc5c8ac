import { coversPath } from '../../core/access/access.ts';
import type { AuthedContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import * as repo from './homework.repository.ts';

/**
 * Who may reach an assignment. Assignments go to several classes (or single pupils), so they are
 * placed by their classes, not by one org path:
 * - a teacher or head teacher whose active grants cover one of its classes (manage: assign, grade, analyse);
 * - an assessment manager (bureau, school admin, researcher) whose grants cover its owner unit;
 * - a recipient (pupil, or a teacher taking an assessment) — their own attempts only;
 * - a parent of a recipient — read only, their own child only.
 * Anyone else gets NOT_FOUND, the same as for an assignment that does not exist.
 */
export type AssignmentAccess = 'manage' | 'take' | 'guardian';

export async function teacherClassPaths(ctx: AuthedContext, assignmentId: string): Promise<string[]> {
  const classes = await repo.listAssignmentClasses(ctx.db, [assignmentId]);
  return classes.filter((c) => coversPath(ctx.actor, c.class_path)).map((c) => c.class_id);
}

export async function getManagedAssignment(ctx: AuthedContext, id: string): Promise<repo.AssignmentRow & { reachableClassIds: string[] }> {
  const a = await repo.findAssignment(ctx.db, id);
  if (!a) throw notFound();
  if (a.kind === 'assessment') {
    if (!ctx.actor.permissions.has('assessment.manage') || !coversPath(ctx.actor, a.owner_path)) throw notFound();
    return { ...a, reachableClassIds: [] };
  }
  if (!ctx.actor.permissions.has('homework.manage')) throw notFound();
  const reachable = await teacherClassPaths(ctx, id);
  if (!reachable.length) throw notFound();
  return { ...a, reachableClassIds: reachable };
}

/** The assignment for a recipient taking it; NOT_FOUND for anyone it was not given to. */
export async function getTakenAssignment(ctx: AuthedContext, id: string) {
  const a = await repo.findAssignment(ctx.db, id);
  const takes = a && (a.kind === 'assessment' ? ctx.actor.permissions.has('assessment.take') : ctx.actor.permissions.has('homework.take'));
  const recipient = takes ? await repo.findRecipient(ctx.db, id, ctx.actor.userId) : null;
  if (!a || !recipient) throw notFound();
  return { assignment: a, recipient };
}

export const notFound = () => new AppError('NOT_FOUND', { message: '未找到该作业，或您无权查看' });
