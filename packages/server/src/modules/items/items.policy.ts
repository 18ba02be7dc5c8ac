import { sql, type Expression, type SqlBool } from 'kysely';
import { coversPath, hasPermission } from '../../core/access/access.ts';
import type { Actor, AuthedContext } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';

/**
 * Where the actor belongs: the paths of its active grants, plus the unit of a grant that names a
 * unit without reaching it (a teacher's school-level grant), so a teacher with no class yet still
 * belongs to its school. Loaded once per request.
 */
const memberCache = new WeakMap<Actor, Promise<string[]>>();
export function memberPaths(ctx: Pick<AuthedContext, 'actor' | 'db'>, db: DbOrTx = ctx.db): Promise<string[]> {
  let p = memberCache.get(ctx.actor);
  if (!p) {
    p = (async () => {
      const paths = ctx.actor.grants.map((g) => g.scopePath).filter((x): x is string => !!x);
      const unitIds = ctx.actor.grants.filter((g) => !g.scopePath && g.scopeId).map((g) => g.scopeId!);
      if (unitIds.length) {
        // inside a transaction, `db` is it: PGlite has one connection, and a query beside it would wait forever
        const units = await db.selectFrom('org_units').select('path').where('id', 'in', unitIds).execute();
        paths.push(...units.map((u) => u.path));
      }
      return [...new Set(paths)];
    })();
    memberCache.set(ctx.actor, p);
  }
  return p;
}

/**
 * A shared object (bank, paper) is visible when the actor's place and the object's audience
 * overlap: the actor sits inside the audience (a teacher of a school that can read a district
 * bank) or above it (a district administrator looking at a school's bank).
 */
export function overlapsPaths(paths: string[], column: Expression<string> | string): Expression<SqlBool> {
  const col = typeof column === 'string' ? sql.ref(column) : column;
  if (paths.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    paths.map((p) => sql`(${p} LIKE ${col} || '%' OR ${col} LIKE ${p + '%'})`),
    sql` OR `,
  )})`;
}

export const overlaps = (paths: string[], target: string): boolean => paths.some((p) => p.startsWith(target) || target.startsWith(p));

const SCHOOL_KINDS = new Set(['school', 'teaching_point']);

/**
 * Who may change what a unit owns (its banks, papers): an administrator or researcher whose grant
 * covers the unit, or — for a school's own bank (校本题库) — any teacher of that school.
 */
export function canManageOwned(ctx: AuthedContext, paths: string[], owner: { path: string; kind: string }): boolean {
  if (!hasPermission(ctx.actor, 'items.manage')) return false;
  if (coversPath(ctx.actor, owner.path)) return true;
  return SCHOOL_KINDS.has(owner.kind) && paths.some((p) => p.startsWith(owner.path));
}

export async function ownerOf(db: DbOrTx, unitId: string): Promise<{ id: string; path: string; kind: string; name: string } | undefined> {
  return db
    .selectFrom('org_units')
    .select(['id', 'path', 'kind', 'name'])
    .where('id', '=', unitId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
}
