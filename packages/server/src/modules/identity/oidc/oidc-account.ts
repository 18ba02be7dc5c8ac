import type { Role } from '@qiming/shared';
import type { DbOrTx } from '../../../core/db/database.ts';
import { distinctRoles } from '../../../core/auth/session.ts';

export type AccountClaims = {
  sub: string;
  name: string;
  preferred_username: string;
  roles: Role[];
  school: { id: string; name: string; code: string | null } | null;
  classes: { id: string; name: string }[];
  region_code: string | null;
};

const REGION_KINDS = ['district', 'city', 'province'];
const SCHOOL_KINDS = ['school', 'teaching_point'];

/**
 * What an application learns about a user: name, roles, school (学校标识码), classes and the
 * GB/T 2260 code of the nearest region above them. Null when the account is missing or disabled.
 */
export async function loadAccountClaims(db: DbOrTx, userId: string): Promise<AccountClaims | null> {
  const user = await db
    .selectFrom('users as u')
    .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.is_active', 'o.path as home_path'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!user || !user.is_active) return null;
  const grants = await db
    .selectFrom('role_grants as g')
    .leftJoin('org_units as o', 'o.id', 'g.scope_id')
    .select(['g.role', 'o.id as unit_id', 'o.kind', 'o.name', 'o.path'])
    .where('g.user_id', '=', userId)
    .execute();
  const student = await db
    .selectFrom('students as st')
    .innerJoin('org_units as c', 'c.id', 'st.class_id')
    .select(['c.id', 'c.name', 'c.path'])
    .where('st.user_id', '=', userId)
    .executeTakeFirst();

  const classes = new Map<string, string>();
  for (const g of grants) if (g.kind === 'class' && g.unit_id) classes.set(g.unit_id, g.name!);
  if (student) classes.set(student.id, student.name);

  const anchor = user.home_path ?? student?.path ?? grants.find((g) => g.path)?.path ?? null;
  const ancestors = anchor
    ? await db
        .selectFrom('org_units')
        .select(['id', 'kind', 'name', 'code', 'path'])
        .where('id', 'in', anchor.split('/').filter(Boolean))
        .execute()
    : [];
  const deepest = (kinds: string[]) =>
    ancestors.filter((u) => kinds.includes(u.kind)).sort((a, b) => b.path.length - a.path.length)[0] ?? null;
  const school = deepest(SCHOOL_KINDS);
  const region = ancestors.filter((u) => REGION_KINDS.includes(u.kind) && u.code).sort((a, b) => b.path.length - a.path.length)[0];
  return {
    sub: user.id,
    name: user.display_name,
    preferred_username: user.username,
    roles: distinctRoles(grants.map((g) => ({ role: g.role as Role }))),
    school: school ? { id: school.id, name: school.name, code: school.code } : null,
    classes: [...classes].map(([id, name]) => ({ id, name })),
    region_code: region?.code ?? null,
  };
}

/** The organisation paths a user belongs to (home unit and every granted unit): what enables an application for them. */
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
