import { randomUUID } from 'node:crypto';
import { GRADE_NAMES, type GradeLevel } from '@qiming/shared';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { AppContext } from '../../../core/context.ts';
import { withTransaction, type Tx } from '../../../core/db/database.ts';
import type { Insertable } from 'kysely';
import type { DB } from '../../../core/db/schema.ts';
import { hashPassword } from '../../identity/index.ts';
import { orgUnitValues } from '../org.repository.ts';
import { userValues } from '../people.repository.ts';
import { DEMO_HIGHLIGHT_ACCOUNTS, generateDemoRegion, type DemoPerson } from './demo-data.ts';

const BATCH = 500;
type Unit = ReturnType<typeof orgUnitValues>;

async function insertMany(tx: Tx, table: keyof DB, rows: unknown[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH)
    await tx
      .insertInto(table)
      .values(rows.slice(i, i + BATCH) as never)
      .execute();
}

/**
 * Fills an empty database with the demo region. All demo accounts share one password hash (the
 * demo password is the same for all of them) so seeding costs one argon2 run, not thousands;
 * every account must change it at first sign-in, which gives each its own hash.
 */
export async function seedDemo(
  app: AppContext,
  password: string,
): Promise<{ accounts: typeof DEMO_HIGHLIGHT_ACCOUNTS; users: number } | null> {
  const existing = await app.db.selectFrom('org_units').select('id').limit(1).executeTakeFirst();
  if (existing) return null;
  const region = generateDemoRegion();
  const passwordHash = await hashPassword(password);

  const units: Unit[] = [];
  const add = (u: Parameters<typeof orgUnitValues>[0]) => {
    const v = orgUnitValues(u);
    units.push(v);
    return v;
  };
  const province = add({ kind: 'province', parent: null, name: region.province.name, code: region.province.code });
  const city = add({ kind: 'city', parent: province, name: region.city.name, code: region.city.code });
  const districts = new Map(region.districts.map((d) => [d.code, add({ kind: 'district', parent: city, name: d.name, code: d.code })]));
  const regionByCode = new Map<string, Unit>([[region.city.code, city], ...districts]);
  const schoolUnits = new Map<string, Unit>(); // schools and teaching points by key
  const hostUnits = new Map<string, Unit>(); // campuses and teaching points by key: where grades hang
  for (const s of region.schools) {
    const su = add({
      kind: 'school',
      parent: districts.get(s.districtCode)!,
      name: s.name,
      code: s.code,
      isCentral: s.isCentral,
      address: s.address,
    });
    schoolUnits.set(s.key, su);
    for (const c of s.campuses) hostUnits.set(c.key, add({ kind: 'campus', parent: su, name: c.name }));
    for (const tp of s.teachingPoints) {
      const tpu = add({ kind: 'teaching_point', parent: su, name: tp.name, code: tp.code, centralSchoolId: su.id, address: tp.address });
      hostUnits.set(tp.key, tpu);
      schoolUnits.set(tp.key, tpu);
    }
  }
  const grades = new Map<string, Unit>();
  const classUnits = new Map<string, Unit>();
  const classSchool = new Map<string, Unit>();
  const classEntry = new Map<string, number>();
  for (const c of region.classes) {
    const host = hostUnits.get(c.unitKey)!;
    const gk = `${host.id}:${c.gradeLevel}:${c.entryYear}`;
    let grade = grades.get(gk);
    if (!grade) {
      grade = add({
        kind: 'grade',
        parent: host,
        name: `${c.entryYear}级（${GRADE_NAMES[c.gradeLevel as GradeLevel]}）`,
        gradeLevel: c.gradeLevel,
        entryYear: c.entryYear,
      });
      grades.set(gk, grade);
    }
    classUnits.set(
      c.key,
      add({ kind: 'class', parent: grade, name: c.name, gradeLevel: c.gradeLevel, classNo: c.classNo, entryYear: c.entryYear }),
    );
    // pupils of a class at a teaching point belong to the teaching point
    classSchool.set(c.key, schoolUnits.get(c.unitKey) ?? schoolUnits.get(c.schoolKey)!);
    classEntry.set(c.key, c.entryYear);
  }

  const users: ReturnType<typeof userValues>[] = [];
  const grants: Insertable<DB['role_grants']>[] = [];
  const grant = (userId: string, role: string, scope: Unit, subject: string | null = null, reachesSubtree = true) =>
    grants.push({
      id: randomUUID(),
      user_id: userId,
      role,
      scope_id: scope.id,
      scope_path: reachesSubtree ? scope.path : null,
      subject,
      granted_by: null,
      created_at: new Date(),
    });
  const userIds = new Map<string, string>();
  const addUser = (p: DemoPerson, homeOrgId: string | null, withIdCard = true) => {
    const v = userValues(app.cipher, {
      username: p.username,
      displayName: p.name,
      gender: p.gender,
      passwordHash,
      mustChangePassword: true,
      idCard: withIdCard ? p.idCard : null,
      phone: p.phone,
      homeOrgId,
    });
    users.push(v);
    userIds.set(p.key, v.id);
    return v.id;
  };

  const { bureau, researchers, schoolAdmins, security } = region.admins;
  for (const b of bureau) grant(addUser(b, regionByCode.get(b.regionCode)!.id), 'bureau_admin', regionByCode.get(b.regionCode)!);
  for (const r of researchers) grant(addUser(r, regionByCode.get(r.regionCode)!.id), 'researcher', regionByCode.get(r.regionCode)!);
  for (const a of schoolAdmins) grant(addUser(a, schoolUnits.get(a.schoolKey)!.id), 'school_admin', schoolUnits.get(a.schoolKey)!);
  // the three security administrators act on the whole instance: they belong to its top unit
  grant(addUser(security.sys, province.id), 'sys_admin', province);
  grant(addUser(security.sec, province.id), 'sec_admin', province);
  grant(addUser(security.audit, province.id), 'audit_admin', province);

  const teacherRows: Insertable<DB['teachers']>[] = [];
  for (const t of region.teachers) {
    const school = schoolUnits.get(t.schoolKey)!;
    const id = addUser(t, school.id);
    teacherRows.push({ user_id: id, school_id: school.id, staff_no: t.staffNo, subjects: t.subjects });
    grant(id, 'teacher', school, null, false);
  }
  for (const a of region.teachingAssignments) grant(userIds.get(a.teacherKey)!, 'teacher', classUnits.get(a.classKey)!, a.subject);
  for (const h of region.headTeachers) grant(userIds.get(h.teacherKey)!, 'head_teacher', classUnits.get(h.classKey)!);

  const studentRows: { user_id: string; school_id: string; class_id: string; student_no: string; birth_date: string }[] = [];
  const history: { id: string; student_id: string; class_id: string; started_at: Date; reason: string }[] = [];
  for (const s of region.students) {
    const cls = classUnits.get(s.classKey)!;
    const id = addUser(s, cls.id);
    studentRows.push({
      user_id: id,
      school_id: classSchool.get(s.classKey)!.id,
      class_id: cls.id,
      student_no: s.studentNo,
      birth_date: s.birthDate,
    });
    history.push({
      id: randomUUID(),
      student_id: id,
      class_id: cls.id,
      started_at: new Date(`${classEntry.get(s.classKey)}-09-01T00:00:00+08:00`),
      reason: '入学',
    });
    grant(id, 'student', cls);
  }
  const guardianRows: { parent_id: string; student_id: string; relation: string; is_primary: boolean; created_at: Date }[] = [];
  const hasPrimary = new Set<string>();
  const studentClass = new Map(region.students.map((s) => [s.key, s.classKey]));
  for (const p of region.parents) {
    const school = classSchool.get(studentClass.get(p.childKeys[0])!)!;
    const id = p.teacherKey ? userIds.get(p.teacherKey)! : addUser(p, school.id, false);
    grant(id, 'parent', school, null, false);
    p.childKeys.forEach((k, i) => {
      const studentId = userIds.get(k)!;
      guardianRows.push({
        parent_id: id,
        student_id: studentId,
        relation: p.relations[i] ?? p.relations[0],
        is_primary: !hasPrimary.has(studentId),
        created_at: new Date(),
      });
      hasPrimary.add(studentId);
    });
  }

  await withTransaction(app.db, async (tx) => {
    await insertMany(tx, 'org_units', units);
    await insertMany(tx, 'users', users);
    await insertMany(tx, 'teachers', teacherRows);
    await insertMany(tx, 'students', studentRows);
    await insertMany(tx, 'student_class_history', history);
    await insertMany(tx, 'guardianships', guardianRows);
    await insertMany(tx, 'role_grants', grants);
    await recordAudit(
      tx,
      { actor: null, ip: null, config: app.config },
      {
        action: 'system.demo_seed',
        summary: { units: units.length, users: users.length, students: studentRows.length },
      },
    );
  });
  return { accounts: DEMO_HIGHLIGHT_ACCOUNTS, users: users.length };
}
