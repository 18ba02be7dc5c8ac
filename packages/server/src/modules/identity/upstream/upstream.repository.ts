import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../../../core/context.ts';
import { escapeLike, pathInScope } from '../../../core/access/access.ts';
import type { DbOrTx } from '../../../core/db/database.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const findLink = (db: DbOrTx, provider: string, subject: string) =>
  db
    .selectFrom('upstream_links')
    .select(['id', 'user_id'])
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();

/** The local account a link claim names: by username (case-insensitive) or by account id (a disabled one too: it is refused later, saying so). */
export async function findAccountByClaim(db: DbOrTx, linkTo: 'username' | 'user_id', value: string) {
  if (linkTo === 'user_id' && !UUID.test(value)) return undefined;
  const q = db.selectFrom('users').select('id');
  return (linkTo === 'username' ? q.where(sql`lower(username)`, '=', value.toLowerCase()) : q.where('id', '=', value)).executeTakeFirst();
}

/** A new link; undefined when another sign-in of the same upstream account linked it first. */
export async function insertLink(
  db: DbOrTx,
  l: { provider: string; subject: string; userId: string; linkedBy: 'claim' | 'provisioned'; claimValue: string | null },
) {
  return db
    .insertInto('upstream_links')
    .values({
      id: randomUUID(),
      provider: l.provider,
      subject: l.subject,
      user_id: l.userId,
      linked_by: l.linkedBy,
      claim_value: l.claimValue,
      created_at: new Date(),
    })
    .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing())
    .returning('id')
    .executeTakeFirst();
}

export const touchLink = (db: DbOrTx, id: string) =>
  db.updateTable('upstream_links').set({ last_login_at: new Date() }).where('id', '=', id).execute();

export const findSchoolByCode = (db: DbOrTx, code: string) =>
  db
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('code', '=', code)
    .where('kind', 'in', ['school', 'teaching_point'])
    .where('archived_at', 'is', null)
    .executeTakeFirst();

async function usernameTaken(db: DbOrTx, username: string) {
  return !!(await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst());
}

/** A free username: the upstream's, else with a suffix of the account id. */
export async function freeUsername(db: DbOrTx, preferred: string, id: string): Promise<string> {
  if (!(await usernameTaken(db, preferred))) return preferred;
  for (let n = 6; n <= 32; n += 2) {
    const candidate = `${preferred}_${id.replace(/-/g, '').slice(0, n)}`;
    if (!(await usernameTaken(db, candidate))) return candidate;
  }
  return `up_${id.replace(/-/g, '')}`;
}

/**
 * An account made for an upstream user: no usable password (the hash of a random secret nobody
 * keeps, so it signs in through the upstream only), a home at the school and school-level grants
 * that reach nothing until the school assigns classes or children. A teacher also gets the school's
 * teacher record, as one an administrator adds does (the school's teacher list, its counts,
 * assessments for its teachers), with a staff number the school can recognise and no subjects yet.
 * Returns the staff number given, if any.
 */
export async function insertProvisionedAccount(
  db: DbOrTx,
  a: { id: string; username: string; displayName: string; homeOrgId: string; passwordHash: string; roles: string[] },
): Promise<{ staffNo: string | null }> {
  await db
    .insertInto('users')
    .values({
      id: a.id,
      username: a.username,
      display_name: a.displayName,
      gender: null,
      password_hash: a.passwordHash,
      must_change_password: false,
      home_org_id: a.homeOrgId,
      id_card_enc: null,
      id_card_bidx: null,
      phone_enc: null,
      phone_bidx: null,
      password_changed_at: new Date(),
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  for (const role of a.roles)
    await db
      .insertInto('role_grants')
      .values({ id: randomUUID(), user_id: a.id, role, scope_id: a.homeOrgId, scope_path: null, subject: null, created_at: new Date() })
      .execute();
  if (!a.roles.includes('teacher')) return { staffNo: null };
  const staffNo = await freeStaffNo(db, a.homeOrgId, a.id);
  await db.insertInto('teachers').values({ user_id: a.id, school_id: a.homeOrgId, staff_no: staffNo, subjects: [] }).execute();
  return { staffNo };
}

/** `UP` and the start of the account id (3–20 letters and digits, as every staff number): free at the school. */
async function freeStaffNo(db: DbOrTx, schoolId: string, id: string): Promise<string> {
  const hex = id.replace(/-/g, '').toUpperCase();
  for (let n = 8; n <= 18; n += 2) {
    const candidate = `UP${hex.slice(0, n)}`;
    const taken = await db
      .selectFrom('teachers')
      .select('user_id')
      .where('school_id', '=', schoolId)
      .where('staff_no', '=', candidate)
      .executeTakeFirst();
    if (!taken) return candidate;
  }
  throw new Error(`no free staff number for ${id}`);
}

/** Links whose account lies in the administrator's scope, newest first, with a search on username and name. */
export function listLinks(db: DbOrTx, actor: Actor, q: { q?: string; page: number; pageSize: number }) {
  let base = db
    .selectFrom('upstream_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
    .where(pathInScope(actor, sql<string>`coalesce(o.path, '/')`));
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    base = base.where((eb) =>
      eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like), eb('l.claim_value', 'ilike', like)]),
    );
  }
  return Promise.all([
    base
      .select([
        'l.id',
        'l.provider',
        'l.subject',
        'l.linked_by',
        'l.claim_value',
        'l.created_at',
        'l.last_login_at',
        'u.id as user_id',
        'u.username',
        'u.display_name',
        'u.is_active',
        'o.name as unit_name',
      ])
      .orderBy('l.created_at', 'desc')
      .orderBy('l.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
}

export type LinkRow = Awaited<ReturnType<typeof listLinks>>[0][number];

export const getLinkForUpdate = (db: DbOrTx, id: string) =>
  db
    .selectFrom('upstream_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['l.id', 'l.provider', 'l.subject', 'l.user_id', 'l.linked_by', 'u.username'])
    .where('l.id', '=', id)
    .forUpdate()
    .executeTakeFirst();

export const deleteLink = (db: DbOrTx, id: string) => db.deleteFrom('upstream_links').where('id', '=', id).execute();

/** The live Qiming sessions an upstream sign-in opened: of one upstream session (sid), or of one upstream account. */
export async function liveUpstreamSessions(db: DbOrTx, provider: string, by: { sid?: string; subject?: string; userId?: string }) {
  let q = db
    .selectFrom('upstream_sessions as us')
    .innerJoin('sessions as s', 's.id', 'us.session_id')
    .select('us.session_id')
    .where('us.provider', '=', provider)
    .where('s.revoked_at', 'is', null);
  if (by.sid) q = q.where('us.sid', '=', by.sid);
  if (by.subject) q = q.where('us.subject', '=', by.subject);
  if (by.userId) q = q.where('s.user_id', '=', by.userId);
  return (await q.execute()).map((r) => r.session_id);
}

export const revokeSessions = (db: DbOrTx, ids: string[]) =>
  ids.length
    ? db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', 'in', ids).where('revoked_at', 'is', null).execute()
    : Promise.resolve([]);

/** Upstream sign-ins still waiting for their second factor, of one upstream session or account: they end too. */
export async function deletePendingChallenges(db: DbOrTx, provider: string, by: { sid?: string; subject?: string }) {
  let q = db.deleteFrom('login_challenges').where(sql<string>`upstream->>'provider'`, '=', provider);
  if (by.sid) q = q.where(sql<string>`upstream->>'sid'`, '=', by.sid);
  if (by.subject) q = q.where(sql<string>`upstream->>'subject'`, '=', by.subject);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** A logout token is used once: true the first time its id is seen (kept as long as tokens are accepted). */
export async function firstUseOfLogoutToken(db: DbOrTx, provider: string, jti: string): Promise<boolean> {
  const res = await db
    .insertInto('oidc_payloads')
    .values({ model: 'UpstreamLogoutToken', id: `${provider}#${jti}`, payload: '{}', expires_at: new Date(Date.now() + 15 * 60_000) })
    .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows) > 0;
}
