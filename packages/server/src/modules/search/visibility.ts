import type { Role } from '@qiming/shared';
import { sql, type Expression, type SqlBool } from 'kysely';
import { escapeLike } from '../../core/access/access.ts';
import type { Actor } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import { memberUnitPaths } from './search.repository.ts';

/** Roles that see scoped documents published to the units they belong to (their school, class, or children's schools). */
const MEMBER_ROLES: readonly Role[] = ['teacher', 'head_teacher', 'student', 'parent'];
/** Roles that also see what is published anywhere inside their subtree (a district researcher sees every school's). */
const REACHING_ROLES: readonly Role[] = ['bureau_admin', 'researcher', 'school_admin'];

export type VisibilityColumns = { visibility: string; visiblePath: string };

/**
 * Who may see a published thing, as one SQL condition over its visibility columns:
 * - `public`: everyone, signed in or not;
 * - `scoped` to a unit (a school, a district, the city): a member of that unit or of a unit inside
 *   it (a teacher or pupil of the school, by their class and school-level grants; a parent by
 *   their children's classes and schools), and an administrator or researcher whose subtree
 *   contains the unit or lies inside it.
 * The platform's system, security and audit administrators see public things only (三员分立:
 * they hold no teaching data). Other modules reuse this for their own lists by naming their
 * columns.
 */
export function visibleTo(
  actor: Actor | null,
  columns: VisibilityColumns = { visibility: 'visibility', visiblePath: 'visible_path' },
): Expression<SqlBool> {
  const visibility = sql.ref(columns.visibility);
  const path = sql.ref(columns.visiblePath);
  const isPublic = sql<SqlBool>`${visibility} = 'public'`;
  const role = actor?.role;
  if (!actor || !role || (!MEMBER_ROLES.includes(role) && !REACHING_ROLES.includes(role))) return isPublic;

  const unitIds = actor.grants.map((g) => g.scopeId).filter((id): id is string => !!id);
  // the units the actor belongs to, by id; a parent's through their children (their grant names a school only)
  const memberUnits =
    role === 'parent'
      ? sql`SELECT unnest(ARRAY[st.class_id, st.school_id]) FROM guardianships gd JOIN students st ON st.user_id = gd.student_id
            WHERE gd.parent_id = ${actor.userId}`
      : unitIds.length
        ? sql`SELECT unnest(${sql.val(unitIds)}::uuid[])`
        : null;
  const conditions: Expression<SqlBool>[] = [];
  if (memberUnits) {
    // the path of a unit, and every unit above it: '/p/c/d/s/' gives '/p/', '/p/c/', '/p/c/d/', '/p/c/d/s/'
    conditions.push(sql<SqlBool>`${path} IN (
      SELECT substr(o.path, 1, n) FROM org_units o CROSS JOIN LATERAL generate_series(1, length(o.path)) n
      WHERE o.id IN (${memberUnits}) AND substr(o.path, n, 1) = '/')`);
  }
  if (REACHING_ROLES.includes(role)) {
    for (const g of actor.grants) {
      if (g.scopePath) conditions.push(sql<SqlBool>`${path} LIKE ${escapeLike(g.scopePath) + '%'}`);
    }
  }
  if (conditions.length === 0) return isPublic;
  return sql<SqlBool>`(${isPublic} OR (${visibility} = 'scoped' AND (${sql.join(conditions, sql` OR `)})))`;
}

/**
 * The same rule for the in-process index, as a test over the organisation path a scoped document
 * is published to; null when the actor sees public documents only. One query for the actor's
 * member units (their paths, or for a parent their children's classes and schools).
 */
export async function visibilityTest(db: DbOrTx, actor: Actor | null): Promise<((path: string) => boolean) | null> {
  const role = actor?.role;
  if (!actor || !role || (!MEMBER_ROLES.includes(role) && !REACHING_ROLES.includes(role))) return null;
  const unitIds = actor.grants.map((g) => g.scopeId).filter((id): id is string => !!id);
  const member = new Set<string>();
  for (const path of await memberUnitPaths(db, role === 'parent' ? actor.userId : null, unitIds)) {
    // the path of a unit, and every unit above it: '/p/c/d/s/' gives '/p/', '/p/c/', '/p/c/d/', '/p/c/d/s/'
    for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) member.add(path.slice(0, i + 1));
  }
  const reach = REACHING_ROLES.includes(role) ? actor.grants.map((g) => g.scopePath).filter((p): p is string => !!p) : [];
  if (member.size === 0 && reach.length === 0) return null;
  return (path) => member.has(path) || reach.some((p) => path.startsWith(p));
}
