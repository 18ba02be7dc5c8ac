import { checkPassword, ROLE_PERMISSIONS, type Role, type TLoginRequest, type TMe } from '@qiming/shared';
import { recordAudit } from '../../core/audit/audit.ts';
import { createSession, defaultRole, distinctRoles, listGrants } from '../../core/auth/session.ts';
import type { AuthedContext, RequestContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { rateLimit, rateLimitAll } from '../../core/rate-limit/index.ts';
import { getSecurityPolicy } from '../../core/settings.ts';
import * as repo from './identity.repository.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';

type LoginResult = { token: string; me: TMe };

/**
 * Signs a user in. Every attempt, good or bad, is audited. Failures count towards a lockout that
 * is kept in the database, so it holds across server processes, and towards rate limits per IP
 * and per username (checked before the password, so a flood costs no argon2 work).
 */
export async function login(ctx: RequestContext, input: TLoginRequest, userAgent: string | null): Promise<LoginResult> {
  const policy = await getSecurityPolicy(ctx.db);
  const windowSeconds = policy.rateLimitWindowMinutes * 60;
  const limits = await rateLimitAll(ctx, [
    ...(ctx.ip ? [{ bucket: 'login:ip', key: ctx.ip, limit: policy.signInFailuresPerIp, windowSeconds }] : []),
    { bucket: 'login:user', key: input.username.toLowerCase(), limit: policy.signInFailuresPerUsername, windowSeconds },
  ]);
  const user = await repo.findUserByUsername(ctx.db, input.username);
  const fail = async (reason: string, userId: string | null, extra: Record<string, unknown> = {}) =>
    withTransaction(ctx.db, (tx) =>
      recordAudit(tx, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        targetType: 'user',
        targetId: userId,
        actor: { id: userId, name: user?.display_name ?? null, role: null },
        summary: { username: input.username, reason, ...extra },
      }),
    );

  if (!user) {
    await burnPasswordCheck(input.password);
    await fail('unknown_user', null);
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  }
  if (user.locked_until && new Date(user.locked_until) > new Date()) {
    await fail('locked', user.id);
    throw lockedError(new Date(user.locked_until));
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    const after = await withTransaction(ctx.db, async (tx) => {
      const r = await repo.registerFailedLogin(tx, user.id, policy.lockoutThreshold, policy.lockoutMinutes);
      await recordAudit(tx, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        targetType: 'user',
        targetId: user.id,
        actor: { id: user.id, name: user.display_name, role: null },
        summary: { username: input.username, reason: 'bad_password', failedLogins: r.failed_logins, locked: !!r.locked_until },
      });
      return r;
    });
    if (after.locked_until && new Date(after.locked_until) > new Date()) throw lockedError(new Date(after.locked_until));
    throw new AppError('AUTH_INVALID_CREDENTIALS', {
      details: { remainingAttempts: Math.max(0, policy.lockoutThreshold - after.failed_logins) },
    });
  }
  if (!user.is_active) {
    await fail('disabled', user.id);
    throw new AppError('AUTH_ACCOUNT_DISABLED');
  }

  // only failures count: a good sign-in takes its hits back
  await limits.refund();
  const grants = await listGrants(ctx.db, user.id);
  const role = defaultRole(distinctRoles(grants));
  const session = await withTransaction(ctx.db, async (tx) => {
    await repo.registerSuccessfulLogin(tx, user.id);
    const s = await createSession(ctx, tx, { userId: user.id, activeRole: role, ip: ctx.ip, userAgent });
    await recordAudit(tx, ctx, {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      actor: { id: user.id, name: user.display_name, role },
      summary: { username: user.username },
    });
    return s;
  });
  const expired =
    policy.passwordExpiryDays > 0 && Date.now() - new Date(user.password_changed_at).getTime() > policy.passwordExpiryDays * 86_400_000;
  return {
    token: session.token,
    me: presentMe({
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      role,
      mustChangePassword: user.must_change_password || expired,
      grants,
      sessionIdleMinutes: policy.sessionIdleMinutes,
    }),
  };
}

function lockedError(until: Date): AppError {
  const hhmm = until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
  return new AppError('AUTH_ACCOUNT_LOCKED', {
    message: `密码错误次数过多，账号已锁定，请在 ${hhmm} 后再试，或联系管理员解锁`,
    details: { lockedUntil: until.toISOString() },
  });
}

const MFA_ROLES: Role[] = ['bureau_admin', 'sys_admin', 'sec_admin', 'audit_admin'];

export function presentMe(input: {
  userId: string;
  username: string;
  displayName: string;
  role: Role | null;
  mustChangePassword: boolean;
  grants: Awaited<ReturnType<typeof listGrants>>;
  sessionIdleMinutes: number;
}): TMe {
  const roles = distinctRoles(input.grants);
  return {
    id: input.userId,
    username: input.username,
    displayName: input.displayName,
    mustChangePassword: input.mustChangePassword,
    mfaRequired: roles.some((r) => MFA_ROLES.includes(r)),
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
  const policy = await getSecurityPolicy(ctx.db);
  const hit = await rateLimit(ctx, {
    bucket: 'password:user',
    key: user.id,
    limit: policy.codeFailuresPerUser,
    windowSeconds: policy.rateLimitWindowMinutes * 60,
  });
  if (!(await verifyPassword(user.password_hash, currentPassword))) throw new AppError('PASSWORD_INCORRECT');
  await hit.refund();
  const violations = checkPassword(newPassword, { username: user.username, minLength: policy.passwordMinLength, currentPassword });
  if (violations.length) throw new AppError('PASSWORD_POLICY_VIOLATION', { details: { violations } });
  const passwordHash = await hashPassword(newPassword);
  await withTransaction(ctx.db, async (tx) => {
    await repo.setPassword(tx, user.id, passwordHash, false);
    await recordAudit(tx, ctx, { action: 'auth.change_password', targetType: 'user', targetId: user.id });
  });
}
