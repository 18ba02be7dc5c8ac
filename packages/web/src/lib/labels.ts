import type { Gender, GradeLevel, GuardianRelation, OrgKind, Role, StudentStatus, TRosterKind } from '@qiming/shared';
import type { Translate } from './i18n.ts';

/** Display names of the shared enums, in the current language. */
export const roleName = (t: Translate, role: Role) => t(`role_${role}`);
export const gradeName = (t: Translate, grade: number) => (grade >= 1 && grade <= 6 ? t(`grade_${grade as GradeLevel}`) : String(grade));
export const orgKindName = (t: Translate, kind: OrgKind) => t(`org_kind_${kind}`);
export const genderName = (t: Translate, gender: Gender) => t(`gender_${gender}`);
export const relationName = (t: Translate, relation: GuardianRelation) => t(`relation_${relation}`);
export const studentStatusName = (t: Translate, status: StudentStatus) => t(`student_status_${status}`);
export const rosterKindName = (t: Translate, kind: TRosterKind) => t(`roster_kind_${kind}`);

/** Formats an ISO timestamp as local date and time (YYYY-MM-DD HH:mm). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}
