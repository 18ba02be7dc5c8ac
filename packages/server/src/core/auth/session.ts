import { randomBytes } from 'node:crypto';
import { MFA_REQUIRED_ROLES, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '@qiming/shared';
import type { Actor, AppContext, ScopeGrant } from '../context.ts';
import type { DbOrTx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { getSecurityPolicy } from '../settings.ts';

export const SESSION_COOKIE = 'qm_session';
/** last_seen_at is written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 30_000;

export async function createSession(
  app: AppContext,
  db: DbOrTx,
  input: { userId: string; activeRole: Role | null; ip: string | null; userAgent: string | null },
): Promise<{ token: string; sessionId: string }> {
  const token = randomBytes(32).toString('base64url');
  const sessionId = app.cipher.mac(token);
  await db
    .insertInto('sessions')
    .values({
      id: sessionId,
      user_id: input.userId,
      active_role: input.activeRole,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 256) ?? null,
      created_at: new Date(),
      last_seen_at: new Date(),
    })
    .execute();
  return { token, sessionId };
}

/** A user's grants as the access checks need them: one indexed read, no names. Runs on every request. */
export async function listScopeGrants(db: DbOrTx, userId: string): Promise<ScopeGrant[]> {
  const rows = await db
    .selectFrom('role_grants')
    .select(['id', 'role', 'scope_id', 'scope_path', 'subject'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ grantId: r.id, role: r.role as Role, scopeId: r.scope_id, scopePath: r.scope_path, subject: r.subject }));
}

/** The same grants with the name of each scope, for showing them (/api/me, sign-in). */
export async function listGrants(db: DbOrTx, userId: string): Promise<(ScopeGrant & { scopeName: string })[]> {
  const grants = await listScopeGrants(db, userId);
  const ids = [...new Set(grants.map((g) => g.scopeId).filter((x): x is string => !!x))];
  const units = ids.length ? await db.selectFrom('org_units').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const names = new Map(units.map((u) => [u.id, u.name]));
  return grants.map((g) => ({ ...g, scopeName: (g.scopeId && names.get(g.scopeId)) || '全平台' }));
}

/** Roles in a stable order (the order of ROLES), each once. */
export const distinctRoles = (grants: { role: Role }[]): Role[] => ROLES.filter((r) => grants.some((g) => g.role === r));

/** A default role for a fresh session: the first administrative one, else teacher, else whatever is held. */
export function defaultRole(roles: Role[]): Role | null {
  const order: Role[] = [
    'sys_admin',
    'sec_admin',
    'audit_admin',
    'bureau_admin',
    'researcher',
    'school_admin',
    'head_teacher',
    'teacher',
    'parent',
    'student',
  ];
  return order.find((r) => roles.includes(r)) ?? null;
}

/**
 * Resolves a session cookie to an actor, enforcing the idle timeout. Returns null for an unknown
 * or revoked token; throws SESSION_EXPIRED for an idle one (and revokes it).
 */
export async function loadActor(app: AppContext, token: string): Promise<Actor | null> {
  const sessionId = app.cipher.mac(token);
  const row = await app.db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('user_mfa as m', 'm.user_id', 's.user_id')
    .leftJoin('upstream_sessions as us', 'us.session_id', 's.id')
    .select([
      'us.provider as upstream_provider',
      'm.enabled_at as mfa_enabled_at',
      's.id',
      's.user_id',
      's.active_role',
      's.last_seen_at',
      's.revoked_at',
      'u.username',
      'u.display_name',
      'u.is_active',
      'u.must_change_password',
      'u.password_changed_at',
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row || row.revoked_at || !row.is_active) return null;
  const policy = await getSecurityPolicy(app.db);
  const idleMs = Date.now() - new Date(row.last_seen_at).getTime();
  if (idleMs > policy.sessionIdleMinutes * 60_000) {
    await app.db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).execute();
    throw new AppError('SESSION_EXPIRED');
  }
  if (idleMs > TOUCH_EVERY_MS) {
    await app.db.updateTable('sessions').set({ last_seen_at: new Date() }).where('id', '=', sessionId).execute();
  }
  const grants = await listScopeGrants(app.db, row.user_id);
  const roles = distinctRoles(grants);
  const role = row.active_role && roles.includes(row.active_role as Role) ? (row.active_role as Role) : defaultRole(roles);
  // a session opened by an upstream sign-in did not use the local password: its age or a pending
  // change does not hold the user up (the upstream owns that credential)
  const viaUpstream = row.upstream_provider !== null;
  const expired =
    !viaUpstream &&
    policy.passwordExpiryDays > 0 &&
    Date.now() - new Date(row.password_changed_at).getTime() > policy.passwordExpiryDays * 86_400_000;
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    sessionId,
    role,
    roles,
    grants: grants.filter((g) => g.role === role),
    permissions: new Set<Permission>(role ? ROLE_PERMISSIONS[role] : []),
    mustChangePassword: (!viaUpstream && row.must_change_password) || expired,
    mfaEnrollmentRequired: isMfaRequired(roles) && !row.mfa_enabled_at,
  };
}

/** Whether holding these roles obliges a user to two-step verification (any held role, not only the active one). */
export const isMfaRequired = (roles: Role[]): boolean => roles.some((r) => MFA_REQUIRED_ROLES.includes(r));
