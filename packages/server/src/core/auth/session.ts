import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { MFA_REQUIRED_ROLES, ROLE_PERMISSIONS, ROLES, type Permission, type Role, type TSecurityPolicy } from '@qiming/shared';
import type { Actor, AppContext, ScopeGrant } from '../context.ts';
import { prepared, type DbOrTx } from '../db/database.ts';
import { actorCacheFor } from './actor-cache.ts';
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
  return rows.map(toScopeGrant);
}

type GrantRow = { id: string; role: string; scope_id: string | null; scope_path: string | null; subject: string | null };
const toScopeGrant = (r: GrantRow): ScopeGrant => ({
  grantId: r.id,
  role: r.role as Role,
  scopeId: r.scope_id,
  scopePath: r.scope_path,
  subject: r.subject,
});

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
 * or revoked token; throws SESSION_EXPIRED for an idle one (and revokes it). Actors of sessions
 * seen in the last TOUCH_EVERY_MS come from the process's actor cache (actor-cache.ts, which
 * drops them as soon as the database announces a change); the others cost one query.
 */
export async function loadActor(app: AppContext, token: string): Promise<Actor | null> {
  const known = knownSessionIds.get(app.cipher);
  const sessionId = known?.get(token) ?? app.cipher.mac(token);
  const actor = await loadActorOfSession(app, sessionId);
  if (actor) rememberSessionId(app.cipher, token, sessionId);
  return actor;
}

/**
 * Session ids of tokens that named a live session, per process and key: a token's HMAC never
 * changes, and computing it was a few microseconds of every authenticated request. Only tokens
 * that resolved to an actor are kept (a flood of made-up tokens keeps nothing); what the session
 * is now is still decided by the lookup of its id each time.
 */
const knownSessionIds = new WeakMap<AppContext['cipher'], Map<string, string>>();
const KNOWN_SESSION_IDS = 50_000;

function rememberSessionId(cipher: AppContext['cipher'], token: string, sessionId: string) {
  let known = knownSessionIds.get(cipher);
  if (!known) knownSessionIds.set(cipher, (known = new Map()));
  if (known.has(token)) return;
  if (known.size >= KNOWN_SESSION_IDS) known.delete(known.keys().next().value!);
  known.set(token, sessionId);
}

async function loadActorOfSession(app: AppContext, sessionId: string): Promise<Actor | null> {
  const cache = actorCacheFor(app.db, app.changes);
  const policy = await getSecurityPolicy(app.db);
  const now = Date.now();
  const hit = cache?.get(sessionId, now);
  if (
    hit &&
    hit.policyKey === policyKeyOf(policy) &&
    now - hit.lastSeenAt <= TOUCH_EVERY_MS &&
    (hit.passwordExpiresAt === null || hit.actor.mustChangePassword || now < hit.passwordExpiresAt)
  )
    return hit.actor;
  const ticket = cache?.ticket() ?? 0;
  const row = await prepared(
    app.db
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
        // the grants in the same round trip: every authenticated request pays for this query
        sql<GrantRow[]>`(SELECT coalesce(jsonb_agg(jsonb_build_object('id', g.id, 'role', g.role, 'scope_id', g.scope_id,
        'scope_path', g.scope_path, 'subject', g.subject) ORDER BY g.created_at), '[]'::jsonb)
        FROM role_grants g WHERE g.user_id = s.user_id)`.as('grants'),
      ])
      .where('s.id', '=', sessionId),
    // a lookup by key with four joins: planning it cost more than running it
    app.db,
  ).executeTakeFirst();
  if (!row || row.revoked_at || !row.is_active) return null;
  let lastSeenAt = new Date(row.last_seen_at).getTime();
  const idleMs = Date.now() - lastSeenAt;
  if (idleMs > policy.sessionIdleMinutes * 60_000) {
    await app.db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).execute();
    throw new AppError('SESSION_EXPIRED');
  }
  if (idleMs > TOUCH_EVERY_MS) {
    lastSeenAt = Date.now();
    await app.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(lastSeenAt) })
      .where('id', '=', sessionId)
      .execute();
  }
  const grants = row.grants.map(toScopeGrant);
  const roles = distinctRoles(grants);
  const role = row.active_role && roles.includes(row.active_role as Role) ? (row.active_role as Role) : defaultRole(roles);
  // a session opened by an upstream sign-in did not use the local password: its age or a pending
  // change does not hold the user up (the upstream owns that credential)
  const viaUpstream = row.upstream_provider !== null;
  const passwordExpiresAt =
    !viaUpstream && policy.passwordExpiryDays > 0
      ? new Date(row.password_changed_at).getTime() + policy.passwordExpiryDays * 86_400_000
      : null;
  const actor: Actor = Object.freeze({
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    sessionId,
    role,
    roles,
    grants: grants.filter((g) => g.role === role),
    permissions: new Set<Permission>(role ? ROLE_PERMISSIONS[role] : []),
    mustChangePassword: (!viaUpstream && row.must_change_password) || (passwordExpiresAt !== null && Date.now() > passwordExpiresAt),
    mfaEnrollmentRequired: isMfaRequired(roles) && !row.mfa_enabled_at,
  });
  cache?.store(ticket, sessionId, { actor, lastSeenAt, passwordExpiresAt, policyKey: policyKeyOf(policy) });
  return actor;
}

/** The parts of the security policy an actor is judged by. */
const policyKeyOf = (p: TSecurityPolicy) => `${p.sessionIdleMinutes}:${p.passwordExpiryDays}`;

/** Whether holding these roles obliges a user to two-step verification (any held role, not only the active one). */
export const isMfaRequired = (roles: Role[]): boolean => roles.some((r) => MFA_REQUIRED_ROLES.includes(r));
