import { sql } from 'kysely';
import { escapeLike } from '../../core/access/access.ts';
import type { Actor } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import type { AppsTable } from '../../core/db/schema.ts';
import type { Insertable } from 'kysely';

const APP_COLUMNS = [
  'a.id',
  'a.name',
  'a.description',
  'a.category',
  'a.home_url',
  'a.protocol',
  'a.owner_scope_id',
  'a.owner_scope_path',
  'a.client_id',
  'a.client_secret_enc',
  'a.oidc_metadata',
  'a.cas_service_pattern',
  'a.is_trusted',
  'a.status',
  'a.created_at',
  'o.name as owner_scope_name',
] as const;

const appQuery = (db: DbOrTx) =>
  db
    .selectFrom('apps as a')
    .innerJoin('org_units as o', 'o.id', 'a.owner_scope_id')
    .select(APP_COLUMNS)
    .select(sql<boolean>`a.logo IS NOT NULL`.as('has_logo'));

export type AppRow = Awaited<ReturnType<ReturnType<typeof appQuery>['executeTakeFirstOrThrow']>>;

/**
 * Applications an administrator can see: registered at or above one of their units (so they may
 * enable it below) or inside one of their units (so they may manage it).
 */
export function listVisibleApps(db: DbOrTx, actor: Actor) {
  const prefixes = actor.grants.map((g) => g.scopePath).filter((p): p is string => !!p);
  if (prefixes.length === 0) return Promise.resolve([] as AppRow[]);
  const above = [...new Set(prefixes.flatMap(ancestorPaths))];
  return appQuery(db)
    .where((eb) =>
      eb.or([
        sql<boolean>`a.owner_scope_path = ANY(${sql.val(above)}::text[])`,
        ...prefixes.map((p) => eb('a.owner_scope_path', 'like', `${escapeLike(p)}%`)),
      ]),
    )
    .orderBy('a.created_at', 'desc')
    .execute();
}

export const findApp = (db: DbOrTx, id: string) => appQuery(db).where('a.id', '=', id).executeTakeFirst();
export const findAppForUpdate = (db: DbOrTx, id: string) =>
  db.selectFrom('apps').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const findAppByClientId = (db: DbOrTx, clientId: string) =>
  db
    .selectFrom('apps')
    .select(['id', 'name', 'client_id', 'client_secret_enc', 'oidc_metadata', 'status', 'is_trusted', 'logo', 'category'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();

export const insertApp = (db: DbOrTx, row: Insertable<AppsTable>) => db.insertInto('apps').values(row).execute();

export const updateApp = (db: DbOrTx, id: string, set: Partial<Insertable<AppsTable>>) =>
  db
    .updateTable('apps')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();

export const findLogo = (db: DbOrTx, id: string) =>
  db.selectFrom('apps').select(['logo', 'logo_type', 'updated_at']).where('id', '=', id).executeTakeFirst();

export const listEnablements = (db: DbOrTx, appIds: string[]) =>
  appIds.length
    ? db
        .selectFrom('app_enablements as e')
        .innerJoin('org_units as o', 'o.id', 'e.scope_id')
        .select(['e.app_id', 'e.scope_id', 'e.scope_path', 'o.name as scope_name'])
        .where('e.app_id', 'in', appIds)
        .orderBy('e.created_at')
        .execute()
    : Promise.resolve([]);

export const upsertEnablement = (db: DbOrTx, row: { app_id: string; scope_id: string; scope_path: string; enabled_by: string }) =>
  db
    .insertInto('app_enablements')
    .values({ ...row, created_at: new Date() })
    .onConflict((oc) => oc.columns(['app_id', 'scope_id']).doNothing())
    .executeTakeFirst();

export const deleteEnablement = (db: DbOrTx, appId: string, scopeId: string) =>
  db.deleteFrom('app_enablements').where('app_id', '=', appId).where('scope_id', '=', scopeId).executeTakeFirst();

/** The organisation paths a user belongs to (home unit, granted units, their class): what enables an application for them. */
export async function listAccountPlaces(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('org_units as o')
    .select('o.path')
    .where((eb) =>
      eb.or([
        eb('o.id', 'in', eb.selectFrom('users').select('home_org_id').where('id', '=', userId).where('home_org_id', 'is not', null)),
        eb('o.id', 'in', eb.selectFrom('role_grants').select('scope_id').where('user_id', '=', userId).where('scope_id', 'is not', null)),
        eb('o.id', 'in', eb.selectFrom('students').select('class_id').where('user_id', '=', userId).where('class_id', 'is not', null)),
      ]),
    )
    .execute();
  return [...new Set(rows.map((r) => r.path))];
}

/** Active applications enabled at or above one of the places. */
export function listAppsEnabledAt(db: DbOrTx, places: string[], appId?: string) {
  if (places.length === 0) return Promise.resolve([]);
  let q = db
    .selectFrom('apps as a')
    .select(['a.id', 'a.name', 'a.description', 'a.category', 'a.home_url', 'a.protocol', 'a.client_id'])
    .select(sql<boolean>`a.logo IS NOT NULL`.as('has_logo'))
    .where('a.status', '=', 'active')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('app_enablements as e')
          .select(sql`1`.as('one'))
          .whereRef('e.app_id', '=', 'a.id')
          .where(sql<boolean>`e.scope_path = ANY(${sql.val([...new Set(places.flatMap(ancestorPaths))])}::text[])`),
      ),
    )
    .orderBy('a.category')
    .orderBy('a.name');
  if (appId) q = q.where('a.id', '=', appId);
  return q.execute();
}

/** `/a/b/c/` → `/a/`, `/a/b/`, `/a/b/c/`: the subtrees a unit lies in. */
export function ancestorPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}
