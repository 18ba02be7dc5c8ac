import {
  isMobilePhone,
  maskPhone,
  normalizePhone,
  validateIdCard,
  type TCreateStudentRequest,
  type TStudent,
  type TStudentDetail,
  type TTeacher,
  type TUpdateTeacherRequest,
} from '@qiming/shared';
import { hasPermission } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { hashPassword } from '../identity/index.ts';
import { schoolOf } from './classes.service.ts';
import * as repo from './org.repository.ts';
import * as people from './people.repository.ts';
import { presentStudent, presentTeacher, revealOrMask } from './org.presenter.ts';

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', { message, details: { issues: [{ path: ['body', field], message }] } });

const canReadPii = (ctx: AuthedContext) => hasPermission(ctx.actor, 'pii.read');

export async function listSchoolStudents(
  ctx: AuthedContext,
  schoolId: string,
  q: { classId?: string; q?: string; page: number; pageSize: number },
) {
  const school = await repo.findOrgUnit(ctx.db, schoolId);
  if (!school) throw new AppError('NOT_FOUND');
  // a teacher's grants are classes: only those classes' pupils; an administrator's is the school
  let base = people
    .studentSelect(ctx.db)
    .where('st.school_id', '=', schoolId)
    .where((eb) =>
      eb.or(
        ctx.actor.grants
          .filter((g) => g.scopePath)
          .map((g) => eb('c.path', 'like', `${g.scopePath}%`))
          .concat(ctx.actor.grants.some((g) => g.scopePath && school.path.startsWith(g.scopePath)) ? [eb.lit(true)] : []),
      ),
    );
  if (q.classId) base = base.where('st.class_id', '=', q.classId);
  if (q.q) base = base.where((eb) => eb.or([eb('u.display_name', 'like', `%${q.q}%`), eb('st.student_no', '=', q.q!)]));
  const [{ total }] = await base
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .execute();
  const rows = await base
    .orderBy('c.grade_level')
    .orderBy('c.class_no')
    .orderBy('st.student_no')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return {
    items: rows.map((r) => presentStudent(ctx.cipher, r, canReadPii(ctx))),
    total: Number(total),
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function listClassStudents(ctx: AuthedContext, classId: string): Promise<TStudent[]> {
  const rows = await people
    .studentSelect(ctx.db)
    .where('st.class_id', '=', classId)
    .where('st.status', '=', 'enrolled')
    .orderBy('st.student_no')
    .execute();
  return rows.map((r) => presentStudent(ctx.cipher, r, canReadPii(ctx)));
}

export async function getStudent(ctx: AuthedContext, studentId: string): Promise<TStudentDetail> {
  const row = await people.studentSelect(ctx.db).where('st.user_id', '=', studentId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { message: '未找到该学生，或您无权查看' });
  const pii = canReadPii(ctx);
  const [guardians, history] = await Promise.all([people.listGuardians(ctx.db, studentId), people.listClassHistory(ctx.db, studentId)]);
  return {
    ...presentStudent(ctx.cipher, row, pii),
    guardians: guardians.map((g) => ({
      id: g.id,
      name: g.display_name,
      phone: revealOrMask(ctx.cipher, g.phone_enc, pii || ctx.actor.role === 'parent', maskPhone),
      relation: g.relation as TStudentDetail['guardians'][number]['relation'],
      isPrimary: g.is_primary,
    })),
    classHistory: history.map((h) => ({
      classId: h.class_id,
      className: h.class_name,
      from: new Date(h.started_at).toISOString(),
      to: h.ended_at ? new Date(h.ended_at).toISOString() : null,
      reason: h.reason,
    })),
  };
}

export async function createStudent(ctx: AuthedContext, schoolId: string, input: TCreateStudentRequest): Promise<TStudent> {
  const id = validateIdCard(input.idCard);
  if (!id.ok)
    throw invalid(
      'idCard',
      id.reason === 'checksum' ? '身份证号校验位不正确' : id.reason === 'birth_date' ? '身份证号中的出生日期无效' : '身份证号应为 18 位',
    );
  const cls = await repo.findOrgUnit(ctx.db, input.classId);
  if (!cls || cls.kind !== 'class') throw invalid('classId', '班级不存在');
  const school = await schoolOf(ctx.db, cls.path);
  if (school.id !== schoolId) throw invalid('classId', '班级不属于该校');
  const userId = await withTransaction(ctx.db, async (tx) => {
    const dupNo = await tx
      .selectFrom('students')
      .select('user_id')
      .where('school_id', '=', schoolId)
      .where('student_no', '=', input.studentNo)
      .executeTakeFirst();
    if (dupNo) throw new AppError('DUPLICATE_STUDENT_NO', { message: `学号 ${input.studentNo} 已存在` });
    if (await people.findUserIdByIdCard(tx, ctx.cipher, input.idCard))
      throw new AppError('CONFLICT', { message: '该身份证号已登记在平台中' });
    const username = await people.freeUsername(tx, `s${input.studentNo}`, school.code ?? school.id.slice(0, 8));
    const u = await people.insertUser(tx, ctx.cipher, {
      username,
      displayName: input.name,
      gender: input.gender,
      idCard: input.idCard,
      homeOrgId: cls.id,
      passwordHash: await hashPassword(crypto.randomUUID()),
      mustChangePassword: true,
    });
    await tx
      .insertInto('students')
      .values({ user_id: u.id, school_id: schoolId, class_id: cls.id, student_no: input.studentNo, birth_date: id.birthDate })
      .execute();
    await people.insertGrant(tx, { userId: u.id, role: 'student', scopeId: cls.id, scopePath: cls.path });
    await people.startClassHistory(tx, u.id, cls.id, '入学');
    await recordAudit(tx, ctx, {
      action: 'roster.student.create',
      targetType: 'user',
      targetId: u.id,
      scopeId: schoolId,
      summary: { name: input.name, studentNo: input.studentNo, classId: cls.id },
    });
    return u.id;
  });
  const row = await people.studentSelect(ctx.db).where('st.user_id', '=', userId).executeTakeFirstOrThrow();
  return presentStudent(ctx.cipher, row, canReadPii(ctx));
}

/** Moves a pupil to another class of the same school; the old class stays in the history. */
export async function moveStudent(
  ctx: AuthedContext,
  studentId: string,
  input: { classId: string; reason: string },
): Promise<TStudentDetail> {
  await withTransaction(ctx.db, async (tx) => {
    const st = await tx.selectFrom('students').selectAll().where('user_id', '=', studentId).forUpdate().executeTakeFirst();
    if (!st) throw new AppError('NOT_FOUND');
    const target = await repo.findOrgUnit(tx, input.classId);
    if (!target || target.kind !== 'class') throw invalid('classId', '目标班级不存在');
    const targetSchool = await schoolOf(tx, target.path);
    const sameSchool =
      targetSchool.id === st.school_id ||
      targetSchool.central_school_id === st.school_id ||
      (await repo.findOrgUnit(tx, st.school_id))?.central_school_id === targetSchool.id;
    if (!sameSchool) throw invalid('classId', '只能在本校（含本校教学点）内调班；跨校请办理转学');
    if (st.class_id === target.id) throw invalid('classId', '学生已在该班级');
    await tx.updateTable('students').set({ class_id: target.id, school_id: targetSchool.id }).where('user_id', '=', studentId).execute();
    await tx.updateTable('users').set({ home_org_id: target.id, updated_at: new Date() }).where('id', '=', studentId).execute();
    await tx
      .updateTable('role_grants')
      .set({ scope_id: target.id, scope_path: target.path })
      .where('user_id', '=', studentId)
      .where('role', '=', 'student')
      .execute();
    await people.startClassHistory(tx, studentId, target.id, input.reason);
    await recordAudit(tx, ctx, {
      action: 'roster.student.move',
      targetType: 'user',
      targetId: studentId,
      scopeId: st.school_id,
      summary: { fromClassId: st.class_id, toClassId: target.id, reason: input.reason },
    });
  });
  return getStudent(ctx, studentId);
}

/**
 * Links a guardian to a pupil. A parent already on the platform (same phone) is reused, so siblings
 * share one parent account; otherwise a parent account is created, signed in by phone number.
 */
export async function addGuardian(
  ctx: AuthedContext,
  studentId: string,
  input: { name: string; phone: string; relation: string; isPrimary: boolean },
): Promise<TStudentDetail> {
  const phone = normalizePhone(input.phone);
  if (!isMobilePhone(phone)) throw invalid('phone', '请填写正确的 11 位手机号');
  await withTransaction(ctx.db, async (tx) => {
    const st = await tx.selectFrom('students').select(['user_id', 'school_id']).where('user_id', '=', studentId).executeTakeFirst();
    if (!st) throw new AppError('NOT_FOUND');
    const parentId = await ensureParent(ctx, tx, { name: input.name, phone, schoolId: st.school_id });
    const exists = await tx
      .selectFrom('guardianships')
      .select('parent_id')
      .where('parent_id', '=', parentId)
      .where('student_id', '=', studentId)
      .executeTakeFirst();
    if (exists) throw new AppError('CONFLICT', { message: '该家长已关联此学生' });
    if (input.isPrimary) await tx.updateTable('guardianships').set({ is_primary: false }).where('student_id', '=', studentId).execute();
    await tx
      .insertInto('guardianships')
      .values({ parent_id: parentId, student_id: studentId, relation: input.relation, is_primary: input.isPrimary, created_at: new Date() })
      .execute();
    await recordAudit(tx, ctx, {
      action: 'roster.guardian.link',
      targetType: 'user',
      targetId: studentId,
      scopeId: st.school_id,
      summary: { parentId, relation: input.relation },
    });
  });
  return getStudent(ctx, studentId);
}

/** Finds the parent account for a phone number, or creates one; either way it holds the parent role. */
export async function ensureParent(
  ctx: Pick<AuthedContext, 'cipher'>,
  tx: Parameters<typeof people.insertUser>[0],
  input: { name: string; phone: string; schoolId: string; passwordHash?: string },
): Promise<string> {
  const school = await repo.findOrgUnit(tx, input.schoolId);
  const existing = await people.findUsersByPhone(tx, ctx.cipher, input.phone);
  const parentId =
    existing[0]?.id ??
    (
      await people.insertUser(tx, ctx.cipher, {
        username: await people.freeUsername(tx, `p${input.phone}`, school?.code ?? 'x'),
        displayName: input.name,
        gender: null,
        phone: input.phone,
        homeOrgId: input.schoolId,
        passwordHash: input.passwordHash ?? (await hashPassword(crypto.randomUUID())),
        mustChangePassword: true,
      })
    ).id;
  // a parent's reach is their children (guardianships); the grant's scope only records the school
  await people.insertGrant(tx, { userId: parentId, role: 'parent', scopeId: input.schoolId, scopePath: null });
  return parentId;
}

export async function listSchoolTeachers(ctx: AuthedContext, schoolId: string, q: { q?: string; page: number; pageSize: number }) {
  let base = people.teacherSelect(ctx.db).where('t.school_id', '=', schoolId);
  if (q.q) base = base.where((eb) => eb.or([eb('u.display_name', 'like', `%${q.q}%`), eb('t.staff_no', '=', q.q!)]));
  const [{ total }] = await base
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .execute();
  const rows = await base
    .orderBy('t.staff_no')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return {
    items: rows.map((r) => presentTeacher(ctx.cipher, r, canReadPii(ctx))),
    total: Number(total),
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function createTeacher(
  ctx: AuthedContext,
  schoolId: string,
  input: { name: string; gender: 'male' | 'female'; staffNo: string; phone: string; subjects: string[]; idCard?: string },
): Promise<TTeacher> {
  const phone = normalizePhone(input.phone);
  if (!isMobilePhone(phone)) throw invalid('phone', '请填写正确的 11 位手机号');
  if (input.idCard && !validateIdCard(input.idCard).ok) throw invalid('idCard', '身份证号无效');
  const school = await repo.findOrgUnit(ctx.db, schoolId);
  if (!school) throw new AppError('NOT_FOUND');
  const userId = await withTransaction(ctx.db, async (tx) => {
    const dup = await tx
      .selectFrom('teachers')
      .select('user_id')
      .where('school_id', '=', schoolId)
      .where('staff_no', '=', input.staffNo)
      .executeTakeFirst();
    if (dup) throw new AppError('CONFLICT', { message: `工号 ${input.staffNo} 已存在` });
    const u = await people.insertUser(tx, ctx.cipher, {
      username: await people.freeUsername(tx, `t${input.staffNo}`, school.code ?? 'x'),
      displayName: input.name,
      gender: input.gender,
      phone,
      idCard: input.idCard ?? null,
      homeOrgId: schoolId,
      passwordHash: await hashPassword(crypto.randomUUID()),
      mustChangePassword: true,
    });
    await tx
      .insertInto('teachers')
      .values({ user_id: u.id, school_id: schoolId, staff_no: input.staffNo, subjects: input.subjects })
      .execute();
    // the school-level teacher grant makes them a teacher before any class is assigned; it reaches no subtree
    await people.insertGrant(tx, { userId: u.id, role: 'teacher', scopeId: schoolId, scopePath: null });
    await recordAudit(tx, ctx, {
      action: 'roster.teacher.create',
      targetType: 'user',
      targetId: u.id,
      scopeId: schoolId,
      summary: { name: input.name, staffNo: input.staffNo },
    });
    return u.id;
  });
  const row = await people.teacherSelect(ctx.db).where('t.user_id', '=', userId).executeTakeFirstOrThrow();
  return presentTeacher(ctx.cipher, row, canReadPii(ctx));
}

/**
 * Corrects a teacher's name, gender, 工号, phone or subjects. The audit record names the fields
 * that changed, never their values (a phone number is personal data).
 */
export async function updateTeacher(ctx: AuthedContext, teacherId: string, input: TUpdateTeacherRequest): Promise<TTeacher> {
  let phone: string | null | undefined = input.phone;
  if (phone) {
    phone = normalizePhone(phone);
    if (!isMobilePhone(phone)) throw invalid('phone', '请填写正确的 11 位手机号');
  } else if (phone === '') phone = null;
  await withTransaction(ctx.db, async (tx) => {
    const current = await people.lockTeacher(tx, teacherId);
    if (!current) throw new AppError('NOT_FOUND', { message: '未找到该教师，或您无权修改' });
    if (input.staffNo !== undefined && input.staffNo !== current.staff_no) {
      const dup = await tx
        .selectFrom('teachers')
        .select('user_id')
        .where('school_id', '=', current.school_id)
        .where('staff_no', '=', input.staffNo)
        .executeTakeFirst();
      if (dup) throw new AppError('CONFLICT', { message: `工号 ${input.staffNo} 已存在` });
    }
    const user = {
      ...(input.name !== undefined && { display_name: input.name }),
      ...(input.gender !== undefined && { gender: input.gender }),
      ...(phone !== undefined && {
        phone_enc: phone ? ctx.cipher.encrypt(phone) : null,
        phone_bidx: phone ? ctx.cipher.blindIndex(phone) : null,
      }),
    };
    const teacher = {
      ...(input.staffNo !== undefined && { staff_no: input.staffNo }),
      ...(input.subjects !== undefined && { subjects: input.subjects }),
    };
    if (Object.keys(user).length)
      await tx
        .updateTable('users')
        .set({ ...user, updated_at: new Date() })
        .where('id', '=', teacherId)
        .execute();
    if (Object.keys(teacher).length) await tx.updateTable('teachers').set(teacher).where('user_id', '=', teacherId).execute();
    await recordAudit(tx, ctx, {
      action: 'roster.teacher.update',
      targetType: 'user',
      targetId: teacherId,
      scopeId: current.school_id,
      summary: { fields: Object.keys(input).filter((k) => input[k as keyof TUpdateTeacherRequest] !== undefined) },
    });
  });
  const row = await people.teacherSelect(ctx.db).where('t.user_id', '=', teacherId).executeTakeFirstOrThrow();
  return presentTeacher(ctx.cipher, row, canReadPii(ctx));
}
