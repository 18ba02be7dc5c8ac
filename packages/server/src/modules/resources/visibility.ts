import { ADMIN_ROLES } from '@qiming/shared';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Actor } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';

/**
 * Who is looking, as the visibility rule needs it: the org paths the person belongs to (their
 * school and classes; a parent's children's classes and schools) and, for administrators and
 * researchers, the subtrees their grants reach.
 */
export type Viewer = { actor: Actor | null; memberPaths: string[]; scopePaths: string[] };

export const ANONYMOUS: Viewer = { actor: null, memberPaths: [], scopePaths: [] };

export async function loadViewer(db: DbOrTx, actor: Actor | null): Promise<Viewer> {
  if (!actor) return ANONYMOUS;
  const scopeIds = actor.grants.map((g) => g.scopeId).filter((id): id is string => !!id);
  const units = scopeIds.length ? await db.selectFrom('org_units').select('path').where('id', 'in', scopeIds).execute() : [];
  const memberPaths = units.map((u) => u.path);
  if (actor.role === 'parent') {
    const children = await db
      .selectFrom('guardianships as g')
      .innerJoin('students as st', 'st.user_id', 'g.student_id')
      .innerJoin('org_units as s', 's.id', 'st.school_id')
      .leftJoin('org_units as c', 'c.id', 'st.class_id')
      .select(['s.path as school_path', 'c.path as class_path'])
      .where('g.parent_id', '=', actor.userId)
      .execute();
    for (const c of children) memberPaths.push(c.class_path ?? c.school_path);
  }
  const isAdmin = actor.role !== null && ADMIN_ROLES.includes(actor.role);
  const scopePaths = isAdmin ? actor.grants.map((g) => g.scopePath).filter((p): p is string => !!p) : [];
  return { actor, memberPaths: [...new Set(memberPaths)], scopePaths };
}

/**
 * The visibility rule for anything published to an audience (resources, collections):
 * `public` → everyone, anonymous visitors included; otherwise the viewer's own place must lie
 * inside the unit it was published to, or an administrator's scope must contain that unit or lie
 * inside it. `visiblePath` is the column holding the unit's path (null when public).
 */
export function visibleTo(
  viewer: Viewer,
  audience: Expression<string> | string,
  visiblePath: Expression<string | null> | string,
): Expression<SqlBool> {
  const aud = typeof audience === 'string' ? sql.ref(audience) : audience;
  const vp = typeof visiblePath === 'string' ? sql.ref(visiblePath) : visiblePath;
  const checks = [
    sql<SqlBool>`${aud} = 'public'`,
    ...[...viewer.memberPaths, ...viewer.scopePaths].map((p) => sql<SqlBool>`starts_with(${p}, ${vp})`),
    ...viewer.scopePaths.map((p) => sql<SqlBool>`starts_with(${vp}, ${p})`),
  ];
  return sql<SqlBool>`(${sql.join(checks, sql` OR `)})`;
}

/** The same rule for one row, in memory. */
export function canSee(viewer: Viewer, audience: string, visiblePath: string | null): boolean {
  if (audience === 'public') return true;
  if (!visiblePath) return false;
  return (
    [...viewer.memberPaths, ...viewer.scopePaths].some((p) => p.startsWith(visiblePath)) ||
    viewer.scopePaths.some((p) => visiblePath.startsWith(p))
  );
}
