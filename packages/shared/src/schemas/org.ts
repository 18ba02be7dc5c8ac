import { z } from 'zod';
import { GENDERS, GRADE_LEVELS, GUARDIAN_RELATIONS, ORG_KINDS, STUDENT_STATUSES, SUBJECTS } from '../domain.ts';
import { ZId } from './common.ts';

export const ZOrgKind = z.enum(ORG_KINDS);
export const ZSubject = z.enum(SUBJECTS, { message: '学科不在列表中' });
export const ZGradeLevel = z.coerce
  .number()
  .int()
  .refine((n) => (GRADE_LEVELS as readonly number[]).includes(n), '年级应为 1–6');

export const ZOrgUnit = z.object({
  id: z.string(),
  kind: ZOrgKind,
  name: z.string(),
  code: z.string().nullable(),
  parentId: z.string().nullable(),
  hasChildren: z.boolean(),
  isCentral: z.boolean(),
  centralSchoolId: z.string().nullable(),
  gradeLevel: z.number().int().nullable(),
});
export type TOrgUnit = z.infer<typeof ZOrgUnit>;

export const ZOrgChildrenQuery = z.object({ parentId: ZId.optional() });

export const ZSchoolCode = z.string().regex(/^\d{10}$/, '学校标识码应为 10 位数字');
export const ZCreateSchoolRequest = z.object({
  districtId: ZId,
  name: z.string().trim().min(2, '学校名称至少 2 个字').max(64, '学校名称不超过 64 个字'),
  code: ZSchoolCode,
  isCentral: z.boolean().default(false),
  address: z.string().trim().max(128).default(''),
});
export type TCreateSchoolRequest = z.infer<typeof ZCreateSchoolRequest>;
const ZUnitName = z.string().trim().min(2, '名称至少 2 个字').max(64, '名称不超过 64 个字');
export const ZUpdateSchoolRequest = z.object({
  name: ZUnitName.optional(),
  isCentral: z.boolean().optional(),
  address: z.string().trim().max(128).optional(),
});
export const ZCreateTeachingPointRequest = z.object({
  name: ZUnitName,
  code: ZSchoolCode,
  address: z.string().trim().max(128).default(''),
});
export const ZCreateCampusRequest = z.object({ name: ZUnitName });

export const ZSchool = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  kind: z.enum(['school', 'teaching_point']),
  isCentral: z.boolean(),
  centralSchoolId: z.string().nullable(),
  centralSchoolName: z.string().nullable(),
  districtId: z.string(),
  districtName: z.string(),
  address: z.string(),
  classCount: z.number().int(),
  studentCount: z.number().int(),
  teacherCount: z.number().int(),
  policies: z.object({ canEdit: z.boolean(), canManageClasses: z.boolean() }),
});
export type TSchool = z.infer<typeof ZSchool>;
export const ZListSchoolsQuery = z.object({
  regionId: ZId.optional(),
  q: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZCreateClassRequest = z.object({
  gradeLevel: ZGradeLevel,
  classNo: z.coerce.number().int().min(1, '班号至少为 1').max(40, '班号不超过 40'),
  entryYear: z.coerce.number().int().min(2000).max(2100),
  name: z.string().trim().max(32).optional(),
  unitId: ZId.optional(), // a campus or teaching point under the school; default the school itself
});
export type TCreateClassRequest = z.infer<typeof ZCreateClassRequest>;
export const ZUpdateClassRequest = z.object({
  name: z.string().trim().min(1).max(32).optional(),
  classNo: z.coerce.number().int().min(1).max(40).optional(),
});

export const ZTeacherRef = z.object({ id: z.string(), name: z.string() });
export const ZClass = z.object({
  id: z.string(),
  name: z.string(),
  gradeLevel: z.number().int(),
  classNo: z.number().int(),
  entryYear: z.number().int(),
  schoolId: z.string(),
  schoolName: z.string(),
  unitName: z.string(),
  headTeacher: ZTeacherRef.nullable(),
  teachers: z.array(z.object({ assignmentId: z.string(), teacher: ZTeacherRef, subject: z.string() })),
  studentCount: z.number().int(),
  policies: z.object({ canManage: z.boolean() }),
});
export type TClass = z.infer<typeof ZClass>;

export const ZAssignTeacherRequest = z.object({ teacherId: ZId, subject: ZSubject });
export const ZSetHeadTeacherRequest = z.object({ teacherId: ZId });

export const ZPersonBase = z.object({
  name: z.string().trim().min(2, '姓名至少 2 个字').max(32),
  gender: z.enum(GENDERS, { message: '性别应为 男 或 女' }),
});

export const ZStudent = z.object({
  id: z.string(),
  name: z.string(),
  gender: z.enum(GENDERS),
  studentNo: z.string(),
  username: z.string(),
  birthDate: z.string().nullable(),
  idCard: z.string().nullable(), // masked unless the caller may read PII
  status: z.enum(STUDENT_STATUSES),
  schoolId: z.string(),
  classId: z.string().nullable(),
  className: z.string().nullable(),
});
export type TStudent = z.infer<typeof ZStudent>;
export const ZGuardian = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  relation: z.enum(GUARDIAN_RELATIONS),
  isPrimary: z.boolean(),
});
export const ZStudentDetail = ZStudent.extend({
  guardians: z.array(ZGuardian),
  classHistory: z.array(
    z.object({ classId: z.string(), className: z.string(), from: z.string(), to: z.string().nullable(), reason: z.string() }),
  ),
});
export type TStudentDetail = z.infer<typeof ZStudentDetail>;

export const ZCreateStudentRequest = ZPersonBase.extend({
  studentNo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{4,20}$/, '学号应为 4–20 位字母或数字'),
  idCard: z.string().trim().toUpperCase(),
  classId: ZId,
});
export type TCreateStudentRequest = z.infer<typeof ZCreateStudentRequest>;
export const ZMoveStudentRequest = z.object({ classId: ZId, reason: z.string().trim().min(1, '请填写调班原因').max(200) });
export const ZAddGuardianRequest = z.object({
  name: z.string().trim().min(2).max(32),
  phone: z.string().trim(),
  relation: z.enum(GUARDIAN_RELATIONS),
  isPrimary: z.boolean().default(false),
});

export const ZTeacher = z.object({
  id: z.string(),
  name: z.string(),
  /** null for an account made from an upstream sign-in, whose gender nobody entered */
  gender: z.enum(GENDERS).nullable(),
  username: z.string(),
  staffNo: z.string(),
  subjects: z.array(z.string()),
  phone: z.string().nullable(),
  schoolId: z.string(),
});
export type TTeacher = z.infer<typeof ZTeacher>;
const ZStaffNo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{3,20}$/, '工号应为 3–20 位字母或数字');
const ZTeacherSubjects = z.array(ZSubject).min(1, '至少选择一个任教学科');
export const ZCreateTeacherRequest = ZPersonBase.extend({
  staffNo: ZStaffNo,
  phone: z.string().trim(),
  subjects: ZTeacherSubjects,
  idCard: z.string().trim().toUpperCase().optional(),
});
/**
 * Corrects a teacher's record — above all one provisioned from an upstream sign-in, whose staff
 * number (UP…) and gender nobody entered. Only the fields sent change; `phone: null` removes it.
 */
export const ZUpdateTeacherRequest = ZPersonBase.extend({
  staffNo: ZStaffNo,
  phone: z.string().trim().nullable(),
  subjects: ZTeacherSubjects,
})
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: '请至少修改一项' });
export type TUpdateTeacherRequest = z.infer<typeof ZUpdateTeacherRequest>;

export const ZRosterListQuery = z.object({
  classId: ZId.optional(),
  q: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const ZHome = z.object({
  role: z.string().nullable(),
  school: z.object({ id: z.string(), name: z.string() }).nullable(),
  region: z.object({ id: z.string(), name: z.string() }).nullable(),
  classes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      schoolName: z.string(),
      subjects: z.array(z.string()),
      isHeadTeacher: z.boolean(),
      studentCount: z.number().int(),
    }),
  ),
  children: z.array(z.object({ id: z.string(), name: z.string(), className: z.string().nullable(), schoolName: z.string() })),
  stats: z.array(z.object({ key: z.string(), label: z.string(), value: z.number() })),
  /** an administrator's enrolled pupils per grade (1–6) in their scope; empty for other roles */
  studentsByGrade: z.array(z.object({ grade: z.number().int(), count: z.number().int() })),
});
export type THome = z.infer<typeof ZHome>;
