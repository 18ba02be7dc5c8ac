import { randomUUID } from 'node:crypto';
import { GRADE_NAMES, type GradeLevel } from '@qiming/shared';
import type { FieldCipher } from '../../core/crypto/crypto.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import type { OrgUnitRow } from '../../core/db/schema.ts';
import { insertOrgUnit } from './org.repository.ts';
import { insertGrant, insertUser, startClassHistory } from './people.repository.ts';

/** Test and benchmark factories: each builds what it needs and creates missing parents. */
export type FactoryCtx = { db: DbOrTx; cipher: FieldCipher; passwordHash: string };

let seq = 0;
const next = () => ++seq;

export async function buildUnit(
  f: FactoryCtx,
  o: {
    kind: string;
    parent?: OrgUnitRow | null;
    name?: string;
    code?: string | null;
    isCentral?: boolean;
    centralSchoolId?: string | null;
    gradeLevel?: number;
    classNo?: number;
    entryYear?: number;
  },
) {
  return insertOrgUnit(f.db, {
    kind: o.kind,
    parent: o.parent ?? null,
    name: o.name ?? `${o.kind}-${next()}`,
    code: o.code ?? null,
    isCentral: o.isCentral,
    centralSchoolId: o.centralSchoolId,
    gradeLevel: o.gradeLevel,
    classNo: o.classNo,
    entryYear: o.entryYear,
  });
}

export async function buildSchool(f: FactoryCtx, o: { district?: OrgUnitRow; name?: string; code?: string; isCentral?: boolean } = {}) {
  const district = o.district ?? (await buildUnit(f, { kind: 'district', code: String(370200 + next()) }));
  const school = await buildUnit(f, {
    kind: 'school',
    parent: district,
    name: o.name,
    code: o.code ?? String(2137000000 + next()),
    isCentral: o.isCentral,
  });
  const campus = await buildUnit(f, { kind: 'campus', parent: school, name: '本部' });
  return { district, school, campus };
}

export async function buildClass(
  f: FactoryCtx,
  o: { host?: OrgUnitRow; gradeLevel?: GradeLevel; classNo?: number; entryYear?: number } = {},
) {
  const host = o.host ?? (await buildSchool(f)).campus;
  const gradeLevel = o.gradeLevel ?? 3;
  const entryYear = o.entryYear ?? 2026 - gradeLevel + 1;
  const classNo = o.classNo ?? next();
  const grade =
    (await f.db
      .selectFrom('org_units')
      .selectAll()
      .where('parent_id', '=', host.id)
      .where('kind', '=', 'grade')
      .where('grade_level', '=', gradeLevel)
      .where('entry_year', '=', entryYear)
      .executeTakeFirst()) ?? (await buildUnit(f, { kind: 'grade', parent: host, name: `${entryYear}级`, gradeLevel, entryYear }));
  return buildUnit(f, { kind: 'class', parent: grade, name: `${GRADE_NAMES[gradeLevel]}(${classNo})班`, gradeLevel, classNo, entryYear });
}

export async function buildUser(
  f: FactoryCtx,
  o: {
    username?: string;
    name?: string;
    home?: OrgUnitRow | null;
    mustChangePassword?: boolean;
    idCard?: string | null;
    phone?: string | null;
    gender?: 'male' | 'female';
  } = {},
) {
  const n = next();
  return insertUser(f.db, f.cipher, {
    username: o.username ?? `user${n}`,
    displayName: o.name ?? `用户${n}`,
    gender: o.gender ?? 'male',
    passwordHash: f.passwordHash,
    mustChangePassword: o.mustChangePassword ?? false,
    idCard: o.idCard ?? null,
    phone: o.phone ?? null,
    homeOrgId: o.home?.id ?? null,
  });
}

/** A grant whose scope is the unit's subtree (or, with reach false, only a record of the unit). */
export const buildGrant = (
  f: FactoryCtx,
  userId: string,
  role: string,
  scope: OrgUnitRow | null,
  o: { subject?: string; reach?: boolean } = {},
) =>
  insertGrant(f.db, {
    userId,
    role,
    scopeId: scope?.id ?? null,
    scopePath: o.reach === false ? null : (scope?.path ?? '/'),
    subject: o.subject,
  });

export async function buildTeacher(
  f: FactoryCtx,
  school: OrgUnitRow,
  o: { username?: string; name?: string; subjects?: string[]; phone?: string } = {},
) {
  const u = await buildUser(f, {
    username: o.username,
    name: o.name,
    home: school,
    phone: o.phone ?? `139${String(next()).padStart(8, '0')}`,
  });
  await f.db
    .insertInto('teachers')
    .values({ user_id: u.id, school_id: school.id, staff_no: `T${next()}`, subjects: o.subjects ?? ['数学'] })
    .execute();
  await buildGrant(f, u.id, 'teacher', school, { reach: false });
  return u;
}

export async function buildStudent(
  f: FactoryCtx,
  cls: OrgUnitRow,
  school: OrgUnitRow,
  o: { username?: string; name?: string; idCard?: string; studentNo?: string } = {},
) {
  const u = await buildUser(f, { username: o.username, name: o.name, home: cls, idCard: o.idCard ?? null });
  await f.db
    .insertInto('students')
    .values({ user_id: u.id, school_id: school.id, class_id: cls.id, student_no: o.studentNo ?? `S${next()}`, birth_date: '2018-05-01' })
    .execute();
  await buildGrant(f, u.id, 'student', cls);
  await startClassHistory(f.db, u.id, cls.id, '入学');
  return u;
}

export async function buildGuardian(f: FactoryCtx, parentId: string, studentId: string, school: OrgUnitRow, relation = 'mother') {
  await f.db
    .insertInto('guardianships')
    .values({ parent_id: parentId, student_id: studentId, relation, is_primary: true, created_at: new Date() })
    .execute();
  await buildGrant(f, parentId, 'parent', school, { reach: false });
}

export const newId = randomUUID;
