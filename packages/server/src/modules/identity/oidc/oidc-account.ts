import { sql, type RawBuilder } from 'kysely';
import type { Role } from '@qiming/shared';
import { prepared, type DbOrTx } from '../../../core/db/database.ts';
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

export type ClaimsRow = {
  id: string;
  username: string;
  display_name: string;
  is_active: boolean;
  grants: { role: Role; unit_id: string | null; kind: string | null; name: string | null }[];
  student: { id: string; name: string } | null;
  ancestors: { id: string; kind: string; name: string; code: string | null; path: string }[];
};

/**
 * The one query behind an account's claims: the account, its grants, its class as a pupil, and the
 * units above its anchor — the home unit, else the class, else a granted unit. `userId` is an SQL
 * expression of type uuid (a parameter, or a column of an enclosing query the text is joined into).
 */
export const accountClaimsQuery = (userId: RawBuilder<unknown>) => sql<ClaimsRow>`
    WITH u AS (
      SELECT u.id, u.username, u.display_name, u.is_active, o.path AS home_path
      FROM users u LEFT JOIN org_units o ON o.id = u.home_org_id
      WHERE u.id = ${userId}
    ), g AS (
      SELECT g.role, o.id AS unit_id, o.kind, o.name, o.path
      FROM role_grants g LEFT JOIN org_units o ON o.id = g.scope_id
      WHERE g.user_id = ${userId}
    ), st AS (
      SELECT c.id, c.name, c.path
      FROM students s JOIN org_units c ON c.id = s.class_id
      WHERE s.user_id = ${userId}
      LIMIT 1
    ), anchor AS (
      SELECT coalesce((SELECT home_path FROM u), (SELECT path FROM st), (SELECT path FROM g WHERE path IS NOT NULL LIMIT 1)) AS path
    )
    SELECT u.id, u.username, u.display_name, u.is_active,
      coalesce((SELECT json_agg(json_build_object('role', role, 'unit_id', unit_id, 'kind', kind, 'name', name)) FROM g), '[]') AS grants,
      (SELECT json_build_object('id', id, 'name', name) FROM st) AS student,
      coalesce((
        SELECT json_agg(json_build_object('id', a.id, 'kind', a.kind, 'name', a.name, 'code', a.code, 'path', a.path))
        FROM org_units a, anchor
        WHERE a.id = ANY (string_to_array(trim(BOTH '/' FROM anchor.path), '/')::uuid[])
      ), '[]') AS ancestors
    FROM u
  `;

/** The claims of a row of accountClaimsQuery; null when the account is missing or disabled. */
export function claimsFromRow(user: ClaimsRow | null | undefined): AccountClaims | null {
  if (!user || !user.is_active) return null;
  const { grants, student, ancestors } = user;

  const classes = new Map<string, string>();
  for (const g of grants) if (g.kind === 'class' && g.unit_id) classes.set(g.unit_id, g.name!);
  if (student) classes.set(student.id, student.name);

  const deepest = (kinds: string[]) =>
    ancestors.filter((u) => kinds.includes(u.kind)).sort((a, b) => b.path.length - a.path.length)[0] ?? null;
  const school = deepest(SCHOOL_KINDS);
  const region = ancestors.filter((u) => REGION_KINDS.includes(u.kind) && u.code).sort((a, b) => b.path.length - a.path.length)[0];
  return {
    sub: user.id,
    name: user.display_name,
    preferred_username: user.username,
    roles: distinctRoles(grants.map((g) => ({ role: g.role }))),
    school: school ? { id: school.id, name: school.name, code: school.code } : null,
    classes: [...classes].map(([id, name]) => ({ id, name })),
    region_code: region?.code ?? null,
  };
}

/**
 * What an application learns about a user: name, roles, school (学校标识码), classes and the
 * GB/T 2260 code of the nearest region above them. Null when the account is missing or disabled.
 * One query, asked on userinfo calls; a code exchange or refresh gets it with the code's read
 * (oidc-adapter.ts).
 */
export async function loadAccountClaims(db: DbOrTx, userId: string): Promise<AccountClaims | null> {
  const { rows } = await prepared(accountClaimsQuery(sql`${userId}::uuid`), db).execute(db);
  return claimsFromRow(rows[0]);
}
