import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { pathInScope } from '../../core/access/access.ts';
import type { Actor } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import type { OrgUnitRow } from '../../core/db/schema.ts';

export type NewOrgUnit = {
  kind: OrgUnitRow['kind'];
  parent: Pick<OrgUnitRow, 'id' | 'path'> | null;
  name: string;
  code?: string | null;
  isCentral?: boolean;
  centralSchoolId?: string | null;
  gradeLevel?: number | null;
  classNo?: number | null;
  entryYear?: number | null;
  address?: string;
  id?: string;
};

/** The materialised path of a node: its ancestors' ids and its own, '/'-separated and terminated. */
export const childPath = (parentPath: string | null, id: string): string => `${parentPath ?? '/'}${id}/`;

export function orgUnitValues(u: NewOrgUnit) {
  const id = u.id ?? randomUUID();
  return {
    id,
    kind: u.kind,
    parent_id: u.parent?.id ?? null,
    path: childPath(u.parent?.path ?? null, id),
    name: u.name,
    code: u.code ?? null,
    is_central: u.isCentral ?? false,
    central_school_id: u.centralSchoolId ?? null,
    grade_level: u.gradeLevel ?? null,
    class_no: u.classNo ?? null,
    entry_year: u.entryYear ?? null,
    address: u.address ?? '',
    created_at: new Date(),
    updated_at: new Date(),
  };
}

export async function insertOrgUnit(db: DbOrTx, u: NewOrgUnit): Promise<OrgUnitRow> {
  return db.insertInto('org_units').values(orgUnitValues(u)).returningAll().executeTakeFirstOrThrow();
}

export const findOrgUnit = (db: DbOrTx, id: string) =>
  db.selectFrom('org_units').selectAll().where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();

export const findOrgUnitForUpdate = (db: DbOrTx, id: string) =>
  db.selectFrom('org_units').selectAll().where('id', '=', id).where('archived_at', 'is', null).forUpdate().executeTakeFirst();

/** The ids in a path, root first. */
export const pathIds = (path: string): string[] => path.split('/').filter(Boolean);

/** The nearest ancestor-or-self of a kind (e.g. the school a class belongs to). */
export async function findAncestor(db: DbOrTx, path: string, kinds: string[]): Promise<OrgUnitRow | undefined> {
  const ids = pathIds(path);
  if (!ids.length) return undefined;
  const rows = await db.selectFrom('org_units').selectAll().where('id', 'in', ids).where('kind', 'in', kinds).execute();
  return rows.sort((a, b) => b.path.length - a.path.length)[0];
}

/** Units with whether each has live children: what a lazily opened tree needs. */
const unitsWithChildFlag = (db: DbOrTx) =>
  db
    .selectFrom('org_units as o')
    .select((eb) => [
      'o.id',
      'o.kind',
      'o.name',
      'o.code',
      'o.parent_id',
      'o.is_central',
      'o.central_school_id',
      'o.grade_level',
      'o.path',
      eb
        .exists(eb.selectFrom('org_units as c').select('c.id').whereRef('c.parent_id', '=', 'o.id').where('c.archived_at', 'is', null))
        .as('has_children'),
    ])
    .where('o.archived_at', 'is', null);

/** Children of a node; the caller has checked that the node is in scope, so its whole subtree is. */
export const listChildren = (db: DbOrTx, parentId: string) =>
  unitsWithChildFlag(db)
    .where('o.parent_id', '=', parentId)
    .orderBy('o.kind')
    .orderBy('o.grade_level')
    .orderBy('o.class_no')
    .orderBy('o.code')
    .orderBy('o.name')
    .execute();

/** The top-most units the actor's subtree grants name: where a tree view starts. */
export async function listGrantRoots(db: DbOrTx, actor: Actor) {
  // grants without a path (a teacher's or parent's school membership) reach no subtree
  const ids = actor.grants.filter((g) => g.scopePath).map((g) => g.scopeId!);
  if (!ids.length) return [];
  const rows = await unitsWithChildFlag(db).where('o.id', 'in', ids).execute();
  // drop a grant root that sits inside another
  return rows.filter((r) => !rows.some((o) => o !== r && r.path.startsWith(o.path)));
}

export async function listSchools(db: DbOrTx, actor: Actor, q: { regionPath?: string; text?: string; limit: number; offset: number }) {
  let base = db
    .selectFrom('org_units as s')
    .where('s.kind', 'in', ['school', 'teaching_point'])
    .where('s.archived_at', 'is', null)
    .where(pathInScope(actor, 's.path'));
  if (q.regionPath) base = base.where('s.path', 'like', `${q.regionPath}%`);
  if (q.text) base = base.where((eb) => eb.or([eb('s.name', 'ilike', `%${q.text}%`), eb('s.code', '=', q.text!)]));
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const ids = await base.select('s.id').orderBy('s.path').limit(q.limit).offset(q.offset).execute();
  return { total: Number(total), ids: ids.map((r) => r.id) };
}

/** Schools (or teaching points) with their district, central school and head counts. */
export async function getSchoolRows(db: DbOrTx, ids: string[]) {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('org_units as s')
    .leftJoin('org_units as cs', 'cs.id', 's.central_school_id')
    .select([
      's.id',
      's.kind',
      's.name',
      's.code',
      's.is_central',
      's.central_school_id',
      's.address',
      's.path',
      'cs.name as central_school_name',
      sql<number>`(SELECT count(*) FROM org_units c WHERE c.kind = 'class' AND c.archived_at IS NULL AND c.path LIKE s.path || '%')`.as(
        'class_count',
      ),
      sql<number>`(SELECT count(*) FROM students st WHERE st.school_id = s.id AND st.status = 'enrolled')`.as('student_count'),
      sql<number>`(SELECT count(*) FROM teachers t WHERE t.school_id = s.id)`.as('teacher_count'),
    ])
    .where('s.id', 'in', ids)
    .execute();
  const ancestorIds = [...new Set(rows.flatMap((r) => pathIds(r.path)))];
  const districts = await db
    .selectFrom('org_units')
    .select(['id', 'name', 'path'])
    .where('kind', '=', 'district')
    .where('id', 'in', ancestorIds)
    .execute();
  const byId = new Map(
    rows.map((r) => {
      const d = districts.find((x) => r.path.startsWith(x.path));
      return [r.id, { ...r, district_id: d?.id ?? '', district_name: d?.name ?? '' }];
    }),
  );
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

export async function listClassRows(db: DbOrTx, where: { schoolPath?: string; classIds?: string[] }) {
  let q = db
    .selectFrom('org_units as c')
    .innerJoin('org_units as g', 'g.id', 'c.parent_id')
    .select([
      'c.id',
      'c.name',
      'c.grade_level',
      'c.class_no',
      'c.entry_year',
      'c.path',
      'g.parent_id as unit_id',
      sql<number>`(SELECT count(*) FROM students st WHERE st.class_id = c.id AND st.status = 'enrolled')`.as('student_count'),
    ])
    .where('c.kind', '=', 'class')
    .where('c.archived_at', 'is', null);
  if (where.schoolPath) q = q.where('c.path', 'like', `${where.schoolPath}%`);
  if (where.classIds) q = where.classIds.length ? q.where('c.id', 'in', where.classIds) : q.where(sql<boolean>`false`);
  return q.orderBy('c.grade_level').orderBy('c.class_no').execute();
}

/** Teachers of classes (subject assignments and head teachers), from the role grants. */
export async function listClassStaff(db: DbOrTx, classIds: string[]) {
  if (!classIds.length) return [];
  return db
    .selectFrom('role_grants as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .select(['g.id', 'g.role', 'g.scope_id', 'g.subject', 'u.id as user_id', 'u.display_name'])
    .where('g.scope_id', 'in', classIds)
    .where('g.role', 'in', ['teacher', 'head_teacher'])
    .orderBy('g.created_at')
    .execute();
}

export const findGrade = (db: DbOrTx, unitId: string, gradeLevel: number, entryYear: number) =>
  db
    .selectFrom('org_units')
    .selectAll()
    .where('parent_id', '=', unitId)
    .where('kind', '=', 'grade')
    .where('grade_level', '=', gradeLevel)
    .where('entry_year', '=', entryYear)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
