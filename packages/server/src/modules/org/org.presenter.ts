import { maskIdCard, maskPhone, type TClass, type TOrgUnit, type TSchool, type TStudent, type TTeacher } from '@qiming/shared';
import type { FieldCipher } from '../../core/crypto/crypto.ts';
import type { getSchoolRows, listChildren, listClassRows, listClassStaff } from './org.repository.ts';
import type { StudentRow, TeacherRow } from './people.repository.ts';

type ChildRow = Awaited<ReturnType<typeof listChildren>>[number];
type SchoolRow = Awaited<ReturnType<typeof getSchoolRows>>[number];
type ClassRow = Awaited<ReturnType<typeof listClassRows>>[number];
type StaffRow = Awaited<ReturnType<typeof listClassStaff>>[number];

export const presentOrgUnit = (r: ChildRow): TOrgUnit => ({
  id: r.id,
  kind: r.kind as TOrgUnit['kind'],
  name: r.name,
  code: r.code,
  parentId: r.parent_id,
  hasChildren: Boolean(r.has_children),
  isCentral: r.is_central,
  centralSchoolId: r.central_school_id,
  gradeLevel: r.grade_level,
});

export const presentSchool = (r: SchoolRow, policies: TSchool['policies']): TSchool => ({
  id: r.id,
  name: r.name,
  code: r.code ?? '',
  kind: r.kind as TSchool['kind'],
  isCentral: r.is_central,
  centralSchoolId: r.central_school_id,
  centralSchoolName: r.central_school_name ?? null,
  districtId: r.district_id,
  districtName: r.district_name,
  address: r.address,
  classCount: Number(r.class_count),
  studentCount: Number(r.student_count),
  teacherCount: Number(r.teacher_count),
  policies,
});

export function presentClass(
  r: ClassRow,
  school: { id: string; name: string },
  unitName: string,
  staff: StaffRow[],
  canManage: boolean,
): TClass {
  const mine = staff.filter((s) => s.scope_id === r.id);
  const head = mine.find((s) => s.role === 'head_teacher');
  return {
    id: r.id,
    name: r.name,
    gradeLevel: r.grade_level ?? 0,
    classNo: r.class_no ?? 0,
    entryYear: r.entry_year ?? 0,
    schoolId: school.id,
    schoolName: school.name,
    unitName,
    headTeacher: head ? { id: head.user_id, name: head.display_name } : null,
    teachers: mine
      .filter((s) => s.role === 'teacher')
      .map((s) => ({ assignmentId: s.id, teacher: { id: s.user_id, name: s.display_name }, subject: s.subject ?? '' })),
    studentCount: Number(r.student_count),
    policies: { canManage },
  };
}

/** Personal identifiers are decrypted only for roles with pii.read; everyone else sees them masked. */
export const revealOrMask = (cipher: FieldCipher, enc: string | null, canRead: boolean, mask: (s: string) => string): string | null =>
  enc ? (canRead ? cipher.decrypt(enc) : mask(cipher.decrypt(enc))) : null;

export const presentStudent = (cipher: FieldCipher, r: StudentRow, canReadPii: boolean): TStudent => ({
  id: r.id,
  name: r.display_name,
  gender: (r.gender ?? 'male') as TStudent['gender'],
  studentNo: r.student_no,
  username: r.username,
  birthDate: r.birth_date,
  idCard: revealOrMask(cipher, r.id_card_enc, canReadPii, maskIdCard),
  status: r.status as TStudent['status'],
  schoolId: r.school_id,
  classId: r.class_id,
  className: r.class_name,
});

export const presentTeacher = (cipher: FieldCipher, r: TeacherRow, canReadPii: boolean): TTeacher => ({
  id: r.id,
  name: r.display_name,
  gender: r.gender as TTeacher['gender'],
  username: r.username,
  staffNo: r.staff_no,
  subjects: r.subjects,
  phone: revealOrMask(cipher, r.phone_enc, canReadPii, maskPhone),
  schoolId: r.school_id,
});
