import { generateTemporaryPassword, ROLES, type Role, type TGrant, type TSecurityPolicy, type TUserSummary } from '@qiming/shared';
import { sql } from 'kysely';
import { assertInScope, pathInScope } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import { distinctRoles, listScopeGrants } from '../../core/auth/session.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { saveSecurityPolicy } from '../../core/settings.ts';
import { hashPassword } from './passwords.ts';
import { revokeAllSessions, setPassword } from './identity.repository.ts';

/**
 * Accounts the actor may manage: those whose home unit lies in the actor's subtrees. Platform
 * administrators (no home unit) are reached only by whole-platform grants.
 */
export async function listUsers(ctx: AuthedContext, q: { q?: string; role?: Role; page: number; pageSize: number }) {
  let base = ctx.db
    .selectFrom('users as u')
    .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
    .where(pathInScope(ctx.actor, sql<string>`coalesce(o.path, '/')`));
  if (q.q)
    base = base.where((eb) =>
      eb.or([eb('u.display_name', 'like', `%${q.q}%`), eb(sql`lower(u.username)`, 'like', `%${q.q!.toLowerCase()}%`)]),
    );
  if (q.role)
    base = base.where((eb) =>
      eb.exists(eb.selectFrom('role_grants as g').select('g.id').whereRef('g.user_id', '=', 'u.id').where('g.role', '=', q.role!)),
    );
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await base
    .leftJoin('user_mfa as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.is_active', 'u.locked_until', 'u.last_login_at', 'm.enabled_at as mfa_enabled_at'])
    .orderBy('u.username')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  const grants = rows.length
    ? await ctx.db
        .selectFrom('role_grants')
        .select(['user_id', 'role'])
        .where(
          'user_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  const items: TUserSummary[] = rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    isActive: r.is_active,
    roles: ROLES.filter((role) => grants.some((g) => g.user_id === r.id && g.role === role)),
    isLocked: !!r.locked_until && new Date(r.locked_until) > new Date(),
    mfaEnabled: !!r.mfa_enabled_at,
    lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null,
  }));
  return { items, total: Number(total), page: q.page, pageSize: q.pageSize };
}

/** Sets a one-time temporary password; every session of the account ends and the user must change it. */
export async function resetPassword(ctx: AuthedContext, userId: string): Promise<{ temporaryPassword: string }> {
  if (userId === ctx.actor.userId) throw new AppError('FORBIDDEN', { message: '不能重置自己的密码，请在个人设置中修改' });
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  await withTransaction(ctx.db, async (tx) => {
    await setPassword(tx, userId, passwordHash, true);
    await tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
    await revokeAllSessions(tx, userId);
    await recordAudit(tx, ctx, { action: 'user.reset_password', targetType: 'user', targetId: userId });
  });
  return { temporaryPassword };
}

export async function unlockUser(ctx: AuthedContext, userId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    await tx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
    await recordAudit(tx, ctx, { action: 'user.unlock', targetType: 'user', targetId: userId });
  });
}

export async function setActive(ctx: AuthedContext, userId: string, isActive: boolean): Promise<void> {
  if (userId === ctx.actor.userId) throw new AppError('FORBIDDEN', { message: '不能停用自己的账号' });
  await withTransaction(ctx.db, async (tx) => {
    await tx.updateTable('users').set({ is_active: isActive, updated_at: new Date() }).where('id', '=', userId).execute();
    if (!isActive) await revokeAllSessions(tx, userId);
    await recordAudit(tx, ctx, { action: isActive ? 'user.enable' : 'user.disable', targetType: 'user', targetId: userId });
  });
}

export async function listUserGrants(ctx: AuthedContext, userId: string): Promise<TGrant[]> {
  const rows = await ctx.db
    .selectFrom('role_grants as g')
    .leftJoin('org_units as o', 'o.id', 'g.scope_id')
    .select(['g.id', 'g.user_id', 'g.role', 'g.scope_id', 'g.subject', 'g.created_at', 'o.name as scope_name'])
    .where('g.user_id', '=', userId)
    .orderBy('g.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    role: r.role as Role,
    scopeId: r.scope_id,
    scopeName: r.scope_name ?? '全平台',
    subject: r.subject,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Roles a grant may attach to each kind of unit: an admin of a school, a bureau of a region, … */
const ROLE_SCOPE_KINDS: Record<Role, string[]> = {
  bureau_admin: ['province', 'city', 'district'],
  researcher: ['province', 'city', 'district'],
  school_admin: ['school', 'teaching_point'],
  teacher: ['class'],
  head_teacher: ['class'],
  student: ['class'],
  parent: [],
  sys_admin: ['province', 'city', 'district'],
  sec_admin: ['province', 'city', 'district'],
  audit_admin: ['province', 'city', 'district'],
};

export async function createGrant(
  ctx: AuthedContext,
  input: { userId: string; role: Role; scopeId: string; subject?: string },
): Promise<TGrant> {
  const unit = await assertInScope(ctx, 'org', input.scopeId);
  const row = await ctx.db.selectFrom('org_units').select(['id', 'kind', 'path']).where('id', '=', input.scopeId).executeTakeFirstOrThrow();
  if (!ROLE_SCOPE_KINDS[input.role].includes(row.kind)) {
    throw new AppError('VALIDATION_FAILED', {
      message: '该角色不能授予在所选机构上',
      details: { issues: [{ path: ['body', 'scopeId'], message: '该角色不能授予在所选机构上' }] },
    });
  }
  // 三员分立: one person never holds two of the three security administrator roles
  const held = distinctRoles(await listScopeGrants(ctx.db, input.userId));
  const trio: Role[] = ['sys_admin', 'sec_admin', 'audit_admin'];
  if (trio.includes(input.role) && held.some((r) => trio.includes(r) && r !== input.role)) {
    throw new AppError('CONFLICT', { message: '三员分立：同一人不能同时担任系统、安全、审计管理员中的两个角色' });
  }
  const id = await withTransaction(ctx.db, async (tx) => {
    const g = await tx
      .insertInto('role_grants')
      .values({
        id: crypto.randomUUID(),
        user_id: input.userId,
        role: input.role,
        scope_id: row.id,
        scope_path: unit.path,
        subject: input.subject ?? null,
        granted_by: ctx.actor.userId,
        created_at: new Date(),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!g) throw new AppError('CONFLICT', { message: '该用户已拥有此授权' });
    await recordAudit(tx, ctx, {
      action: 'grant.create',
      targetType: 'user',
      targetId: input.userId,
      scopeId: row.id,
      summary: { role: input.role, subject: input.subject ?? null },
    });
    return g.id;
  });
  return (await listUserGrants(ctx, input.userId)).find((g) => g.id === id)!;
}

export async function deleteGrant(ctx: AuthedContext, grantId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const g = await tx.deleteFrom('role_grants').where('id', '=', grantId).returning(['user_id', 'role', 'scope_id']).executeTakeFirst();
    if (!g) throw new AppError('NOT_FOUND');
    if (g.user_id === ctx.actor.userId && g.role === 'sec_admin')
      throw new AppError('FORBIDDEN', { message: '不能撤销自己的安全管理员授权' });
    await recordAudit(tx, ctx, {
      action: 'grant.delete',
      targetType: 'user',
      targetId: g.user_id,
      scopeId: g.scope_id,
      summary: { role: g.role },
    });
  });
}

export async function updateSecurityPolicy(ctx: AuthedContext, before: TSecurityPolicy, policy: TSecurityPolicy): Promise<TSecurityPolicy> {
  await withTransaction(ctx.db, async (tx) => {
    await saveSecurityPolicy(tx, policy);
    await recordAudit(tx, ctx, {
      action: 'security.policy.update',
      targetType: 'settings',
      targetId: 'security_policy',
      summary: { before, after: policy },
    });
  });
  return policy;
}
