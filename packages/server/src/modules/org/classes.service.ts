import { GRADE_NAMES, type GradeLevel, type TClass, type TCreateClassRequest } from '@qiming/shared';
import { hasPermission } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import * as repo from './org.repository.ts';
import { insertGrant } from './people.repository.ts';
import { presentClass } from './org.presenter.ts';

const SCHOOL_KINDS = ['school', 'teaching_point'];

/** The school-like unit (school or teaching point) a node belongs to. */
export async function schoolOf(db: DbOrTx, path: string) {
  const s = await repo.findAncestor(db, path, SCHOOL_KINDS);
  if (!s) throw new AppError('NOT_FOUND');
  return s;
}

async function present(ctx: AuthedContext, rows: Awaited<ReturnType<typeof repo.listClassRows>>): Promise<TClass[]> {
  if (!rows.length) return [];
  const staff = await repo.listClassStaff(
    ctx.db,
    rows.map((r) => r.id),
  );
  const unitIds = [...new Set(rows.map((r) => r.unit_id).filter((x): x is string => !!x))];
  const units = unitIds.length
    ? await ctx.db.selectFrom('org_units').select(['id', 'name', 'kind']).where('id', 'in', unitIds).execute()
    : [];
  const schools = new Map<string, { id: string; name: string }>();
  const out: TClass[] = [];
  for (const r of rows) {
    const key = repo.pathIds(r.path).slice(0, -2).join('/');
    let school = schools.get(key);
    if (!school) {
      const s = await schoolOf(ctx.db, r.path);
      school = { id: s.id, name: s.name };
      schools.set(key, school);
    }
    const unit = units.find((u) => u.id === r.unit_id);
    out.push(presentClass(r, school, unit?.name ?? '', staff, hasPermission(ctx.actor, 'class.manage')));
  }
  return out;
}

export async function listClasses(ctx: AuthedContext, schoolId: string): Promise<TClass[]> {
  const school = await repo.findOrgUnit(ctx.db, schoolId);
  if (!school || !SCHOOL_KINDS.includes(school.kind)) throw new AppError('NOT_FOUND');
  // a teacher sees the classes it teaches; an administrator sees the whole school
  const rows = await repo.listClassRows(ctx.db, { schoolPath: school.path });
  return present(
    ctx,
    rows.filter((r) => ctx.actor.grants.some((g) => g.scopePath && r.path.startsWith(g.scopePath))),
  );
}

export async function getClass(ctx: AuthedContext, classId: string): Promise<TClass> {
  const rows = await repo.listClassRows(ctx.db, { classIds: [classId] });
  if (!rows.length) throw new AppError('NOT_FOUND', { message: '未找到该班级，或您无权查看' });
  return (await present(ctx, rows))[0];
}

/** The unit a class hangs under: the given campus / teaching point, else the school's first campus, else the school. */
async function resolveUnit(db: DbOrTx, school: Awaited<ReturnType<typeof repo.findOrgUnit>> & object, unitId?: string) {
  if (unitId) {
    const unit = await repo.findOrgUnit(db, unitId);
    const ok = unit && (unit.id === school.id || (unit.path.startsWith(school.path) && ['campus', 'teaching_point'].includes(unit.kind)));
    if (!ok)
      throw new AppError('VALIDATION_FAILED', {
        message: '所选校区或教学点不属于该校',
        details: { issues: [{ path: ['body', 'unitId'], message: '所选校区或教学点不属于该校' }] },
      });
    return unit;
  }
  if (school.kind === 'teaching_point') return school;
  const campus = await db
    .selectFrom('org_units')
    .selectAll()
    .where('parent_id', '=', school.id)
    .where('kind', '=', 'campus')
    .where('archived_at', 'is', null)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return campus ?? school;
}

export async function createClass(ctx: AuthedContext, schoolId: string, input: TCreateClassRequest): Promise<TClass> {
  const school = await repo.findOrgUnit(ctx.db, schoolId);
  if (!school || !SCHOOL_KINDS.includes(school.kind)) throw new AppError('NOT_FOUND');
  const unit = await resolveUnit(ctx.db, school, input.unitId);
  const gradeLevel = input.gradeLevel as GradeLevel;
  const name = input.name || `${GRADE_NAMES[gradeLevel]}(${input.classNo})班`;
  const created = await withTransaction(ctx.db, async (tx) => {
    let grade = await repo.findGrade(tx, unit.id, gradeLevel, input.entryYear);
    grade ??= await repo.insertOrgUnit(tx, {
      kind: 'grade',
      parent: unit,
      name: `${input.entryYear}级（${GRADE_NAMES[gradeLevel]}）`,
      gradeLevel,
      entryYear: input.entryYear,
    });
    const clash = await tx
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', grade.id)
      .where('class_no', '=', input.classNo)
      .where('kind', '=', 'class')
      .where('archived_at', 'is', null)
      .executeTakeFirst();
    if (clash) throw new AppError('CONFLICT', { message: `${GRADE_NAMES[gradeLevel]}已有 ${input.classNo} 班` });
    const c = await repo.insertOrgUnit(tx, {
      kind: 'class',
      parent: grade,
      name,
      gradeLevel,
      classNo: input.classNo,
      entryYear: input.entryYear,
    });
    await recordAudit(tx, ctx, {
      action: 'org.class.create',
      targetType: 'org_unit',
      targetId: c.id,
      scopeId: school.id,
      summary: { name, gradeLevel, classNo: input.classNo, entryYear: input.entryYear },
    });
    return c;
  });
  return getClass(ctx, created.id);
}

export async function updateClass(ctx: AuthedContext, classId: string, input: { name?: string; classNo?: number }): Promise<TClass> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await repo.findOrgUnitForUpdate(tx, classId);
    if (!c || c.kind !== 'class') throw new AppError('NOT_FOUND');
    if (input.classNo !== undefined && input.classNo !== c.class_no) {
      const clash = await tx
        .selectFrom('org_units')
        .select('id')
        .where('parent_id', '=', c.parent_id)
        .where('class_no', '=', input.classNo)
        .where('archived_at', 'is', null)
        .executeTakeFirst();
      if (clash) throw new AppError('CONFLICT', { message: `该年级已有 ${input.classNo} 班` });
    }
    await tx
      .updateTable('org_units')
      .set({
        ...(input.name && { name: input.name }),
        ...(input.classNo !== undefined && { class_no: input.classNo }),
        updated_at: new Date(),
      })
      .where('id', '=', classId)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'org.class.update',
      targetType: 'org_unit',
      targetId: classId,
      summary: { before: { name: c.name, classNo: c.class_no }, after: input },
    });
  });
  return getClass(ctx, classId);
}

export async function deleteClass(ctx: AuthedContext, classId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const c = await repo.findOrgUnitForUpdate(tx, classId);
    if (!c || c.kind !== 'class') throw new AppError('NOT_FOUND');
    const student = await tx
      .selectFrom('students')
      .select('user_id')
      .where('class_id', '=', classId)
      .where('status', '=', 'enrolled')
      .limit(1)
      .executeTakeFirst();
    if (student) throw new AppError('CLASS_NOT_EMPTY');
    await tx.updateTable('org_units').set({ archived_at: new Date() }).where('id', '=', classId).execute();
    await tx.deleteFrom('role_grants').where('scope_id', '=', classId).execute();
    await recordAudit(tx, ctx, { action: 'org.class.delete', targetType: 'org_unit', targetId: classId, summary: { name: c.name } });
  });
}

async function getTeacherOfSchool(db: DbOrTx, teacherId: string, schoolId: string) {
  const t = await db
    .selectFrom('teachers as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.user_id', 't.school_id', 'u.display_name'])
    .where('t.user_id', '=', teacherId)
    .executeTakeFirst();
  if (!t || t.school_id !== schoolId) {
    throw new AppError('VALIDATION_FAILED', {
      message: '所选教师不属于该校',
      details: { issues: [{ path: ['body', 'teacherId'], message: '所选教师不属于该校' }] },
    });
  }
  return t;
}

export async function assignTeacher(ctx: AuthedContext, classId: string, input: { teacherId: string; subject: string }): Promise<TClass> {
  const c = await repo.findOrgUnit(ctx.db, classId);
  if (!c || c.kind !== 'class') throw new AppError('NOT_FOUND');
  const school = await schoolOf(ctx.db, c.path);
  const t = await getTeacherOfSchool(ctx.db, input.teacherId, school.id);
  await withTransaction(ctx.db, async (tx) => {
    const g = await insertGrant(tx, {
      userId: t.user_id,
      role: 'teacher',
      scopeId: c.id,
      scopePath: c.path,
      subject: input.subject,
      grantedBy: ctx.actor.userId,
    });
    if (!g) throw new AppError('CONFLICT', { message: `${t.display_name} 已任教该班${input.subject}` });
    await recordAudit(tx, ctx, {
      action: 'org.class.assign_teacher',
      targetType: 'org_unit',
      targetId: c.id,
      scopeId: school.id,
      summary: { teacherId: t.user_id, teacher: t.display_name, subject: input.subject },
    });
  });
  return getClass(ctx, classId);
}

export async function removeTeacher(ctx: AuthedContext, classId: string, assignmentId: string): Promise<TClass> {
  await withTransaction(ctx.db, async (tx) => {
    const g = await tx
      .deleteFrom('role_grants')
      .where('id', '=', assignmentId)
      .where('scope_id', '=', classId)
      .where('role', '=', 'teacher')
      .returning(['user_id', 'subject'])
      .executeTakeFirst();
    if (!g) throw new AppError('NOT_FOUND', { message: '未找到该任课安排' });
    await recordAudit(tx, ctx, {
      action: 'org.class.remove_teacher',
      targetType: 'org_unit',
      targetId: classId,
      summary: { teacherId: g.user_id, subject: g.subject },
    });
  });
  return getClass(ctx, classId);
}

export async function setHeadTeacher(ctx: AuthedContext, classId: string, teacherId: string): Promise<TClass> {
  const c = await repo.findOrgUnit(ctx.db, classId);
  if (!c || c.kind !== 'class') throw new AppError('NOT_FOUND');
  const school = await schoolOf(ctx.db, c.path);
  const t = await getTeacherOfSchool(ctx.db, teacherId, school.id);
  await withTransaction(ctx.db, async (tx) => {
    const prev = await tx
      .deleteFrom('role_grants')
      .where('scope_id', '=', classId)
      .where('role', '=', 'head_teacher')
      .returning('user_id')
      .execute();
    await insertGrant(tx, { userId: t.user_id, role: 'head_teacher', scopeId: c.id, scopePath: c.path, grantedBy: ctx.actor.userId });
    await recordAudit(tx, ctx, {
      action: 'org.class.set_head_teacher',
      targetType: 'org_unit',
      targetId: c.id,
      scopeId: school.id,
      summary: { from: prev.map((p) => p.user_id), to: t.user_id, teacher: t.display_name },
    });
  });
  return getClass(ctx, classId);
}
