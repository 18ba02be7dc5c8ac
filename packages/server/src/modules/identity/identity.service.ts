import { checkPassword, ROLE_PERMISSIONS, type Role, type TMe } from '@qiming/shared';
import { recordAudit } from '../../core/audit/audit.ts';
import { distinctRoles, isMfaRequired, listGrants } from '../../core/auth/session.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { limitAccountAttempt } from './account-limits.ts';
import { getSecurityPolicy } from '../../core/settings.ts';
import * as repo from './identity.repository.ts';
import { isMfaEnabled } from './mfa/mfa.repository.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export function presentMe(input: {
  userId: string;
  username: string;
  displayName: string;
  role: Role | null;
  mustChangePassword: boolean;
  grants: Awaited<ReturnType<typeof listGrants>>;
  sessionIdleMinutes: number;
  mfaEnabled: boolean;
}): TMe {
  const roles = distinctRoles(input.grants);
  const mfaRequired = isMfaRequired(roles);
  return {
    id: input.userId,
    username: input.username,
    displayName: input.displayName,
    mustChangePassword: input.mustChangePassword,
    mfaRequired,
    mfaEnabled: input.mfaEnabled,
    mfaEnrollmentRequired: mfaRequired && !input.mfaEnabled,
    activeRole: input.role,
    roles,
    grants: input.grants.map((g) => ({ role: g.role, scopeId: g.scopeId, scopeName: g.scopeName, subject: g.subject })),
    permissions: input.role ? [...ROLE_PERMISSIONS[input.role]] : [],
    sessionIdleMinutes: input.sessionIdleMinutes,
  };
}

export async function getMe(ctx: AuthedContext): Promise<TMe> {
  const policy = await getSecurityPolicy(ctx.db);
  const grants = await listGrants(ctx.db, ctx.actor.userId);
  return presentMe({
    userId: ctx.actor.userId,
    username: ctx.actor.username,
    displayName: ctx.actor.displayName,
    role: ctx.actor.role,
    mustChangePassword: ctx.actor.mustChangePassword,
    grants,
    sessionIdleMinutes: policy.sessionIdleMinutes,
    mfaEnabled: await isMfaEnabled(ctx.db, ctx.actor.userId),
  });
}

export async function switchRole(ctx: AuthedContext, role: Role): Promise<TMe> {
  if (!ctx.actor.roles.includes(role)) throw new AppError('ROLE_NOT_HELD');
  await withTransaction(ctx.db, async (tx) => {
    await repo.setSessionRole(tx, ctx.actor.sessionId, role);
    await recordAudit(tx, ctx, {
      action: 'auth.switch_role',
      targetType: 'user',
      targetId: ctx.actor.userId,
      summary: { from: ctx.actor.role, to: role },
    });
  });
  return getMe({ ...ctx, actor: { ...ctx.actor, role } });
}

export async function logout(ctx: AuthedContext, { everywhere = false } = {}): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    if (everywhere) await repo.revokeAllSessions(tx, ctx.actor.userId);
    else await repo.revokeSession(tx, ctx.actor.sessionId);
    await recordAudit(tx, ctx, { action: everywhere ? 'auth.logout_all' : 'auth.logout', targetType: 'user', targetId: ctx.actor.userId });
  });
}

export async function changePassword(ctx: AuthedContext, currentPassword: string, newPassword: string): Promise<void> {
  const user = await repo.getUserById(ctx.db, ctx.actor.userId);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const hit = await limitAccountAttempt(ctx, 'password:user', user.id);
  if (!(await verifyPassword(user.password_hash, currentPassword))) throw new AppError('PASSWORD_INCORRECT');
  await hit.refund();
  const policy = await getSecurityPolicy(ctx.db);
  const violations = checkPassword(newPassword, { username: user.username, minLength: policy.passwordMinLength, currentPassword });
  if (violations.length) throw new AppError('PASSWORD_POLICY_VIOLATION', { details: { violations } });
  const passwordHash = await hashPassword(newPassword);
  await withTransaction(ctx.db, async (tx) => {
    await repo.setPassword(tx, user.id, passwordHash, false);
    // whoever else held the old password is signed out; this device stays signed in
    await repo.revokeOtherSessions(tx, user.id, ctx.actor.sessionId);
    await recordAudit(tx, ctx, { action: 'auth.change_password', targetType: 'user', targetId: user.id });
  });
}
