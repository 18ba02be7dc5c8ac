export const SUBJECTS = [
  '语文',
  '数学',
  '英语',
  '道德与法治',
  '科学',
  '音乐',
  '美术',
  '体育与健康',
  '信息科技',
  '劳动',
  '综合实践',
] as const;
export type Subject = (typeof SUBJECTS)[number];

export const GRADE_LEVELS = [1, 2, 3, 4, 5, 6] as const;
export type GradeLevel = (typeof GRADE_LEVELS)[number];
export const GRADE_NAMES: Record<GradeLevel, string> = {
  1: '一年级',
  2: '二年级',
  3: '三年级',
  4: '四年级',
  5: '五年级',
  6: '六年级',
};

/** Kinds of node in the organisation tree, from the top down. */
export const ORG_KINDS = ['province', 'city', 'district', 'school', 'teaching_point', 'campus', 'grade', 'class'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const ORG_KIND_NAMES: Record<OrgKind, string> = {
  province: '省',
  city: '市',
  district: '区县',
  school: '学校',
  teaching_point: '教学点',
  campus: '校区',
  grade: '年级',
  class: '班级',
};

export const GUARDIAN_RELATIONS = ['father', 'mother', 'grandfather', 'grandmother', 'guardian'] as const;
export type GuardianRelation = (typeof GUARDIAN_RELATIONS)[number];
export const GUARDIAN_RELATION_NAMES: Record<GuardianRelation, string> = {
  father: '父亲',
  mother: '母亲',
  grandfather: '祖父/外祖父',
  grandmother: '祖母/外祖母',
  guardian: '其他监护人',
};

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_NAMES: Record<Gender, string> = { male: '男', female: '女' };

export const STUDENT_STATUSES = ['enrolled', 'transferred_out', 'suspended', 'graduated', 'dropped_out'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];
export const STUDENT_STATUS_NAMES: Record<StudentStatus, string> = {
  enrolled: '在读',
  transferred_out: '已转出',
  suspended: '休学',
  graduated: '毕业',
  dropped_out: '辍学',
};

/** Security policy defaults (等保三级 baseline); administrators may tighten them. */
export const SECURITY_DEFAULTS = {
  passwordMinLength: 8,
  passwordExpiryDays: 90,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
  sessionIdleMinutes: 30,
  auditRetentionDays: 180,
  /** Rate limits, each counted in fixed windows of rateLimitWindowMinutes, shared by all server processes. */
  rateLimitWindowMinutes: 15,
  /** Failed sign-ins from one IP address (a whole school may share one address behind NAT). */
  signInFailuresPerIp: 100,
  /** Failed sign-ins for one username, known or not (the lockout covers known accounts as well). */
  signInFailuresPerUsername: 10,
  /** Wrong codes per account: two-step verification codes, recovery codes, the current password when changing it. */
  codeFailuresPerUser: 5,
} as const;
export const AUDIT_RETENTION_FLOOR_DAYS = 180;
