/**
 * Roles and what each may do. A grant is (role, scope): the permission says what, the scope
 * (an organisation subtree, a class + subject, or a guardian's own children) says over what.
 */
export const ROLES = [
  'bureau_admin',
  'researcher',
  'school_admin',
  'teacher',
  'head_teacher',
  'student',
  'parent',
  'sys_admin',
  'sec_admin',
  'audit_admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  bureau_admin: '教育局管理员',
  researcher: '教研员',
  school_admin: '学校管理员',
  teacher: '教师',
  head_teacher: '班主任',
  student: '学生',
  parent: '家长',
  sys_admin: '系统管理员',
  sec_admin: '安全管理员',
  audit_admin: '审计管理员',
};

export const PERMISSIONS = [
  'org.read', // see organisation units, schools, classes within scope
  'org.manage', // create / edit schools, campuses, teaching points (bureau level)
  'class.manage', // create / edit classes, assign teachers (school level)
  'roster.read', // see student / teacher / parent lists within scope
  'roster.manage', // enrol, move, link guardians, import / export rosters
  'student.read_own', // a parent reads their own children; a student reads themself
  'user.manage', // reset passwords, enable / disable accounts within scope
  'grant.manage', // give and take roles (security administrator)
  'security.manage', // password, lockout, session and retention policy
  'audit.read', // search, export and verify the audit log
  'pii.read', // see unmasked 身份证号 and phone numbers
  'homework.manage', // assign papers to own classes, grade, analyse and export results (teachers)
  'homework.take', // do own homework, tests and practice; own 错题本 (pupils)
  'assessment.manage', // run teacher-training assessments (培训考核) for schools in scope, export result sheets
  'assessment.take', // take the training assessments one is assigned (teachers)
  'items.read', // see question banks, items, knowledge points and papers shared with the caller's place
  'items.manage', // create and edit items, banks and papers (组卷) of a unit the caller belongs to or administers
  'app.register', // register applications for single sign-on (OIDC clients, CAS services), bureau level
  'app.enable', // turn a registered application on or off for one's own district or school
  'homework.view_child', // see one's own children's homework, results and 错题本, read only (parents)
  'resource.contribute', // upload resources, edit and submit one's own, favourite, rate, comment, collect
  'resource.review', // review submitted resources at one's level (school / district / city) within scope
  'resource.manage', // push queue, usage statistics and withdrawal of published resources, within scope
  'resource.configure', // platform-wide: curriculum catalogue, sensitive-word list, review levels
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * 三员分立: sys_admin runs the system (accounts, organisation) but cannot read the audit log;
 * sec_admin holds policies and grants but no business data; audit_admin only reads the log.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  bureau_admin: [
    'org.read',
    'org.manage',
    'class.manage',
    'roster.read',
    'roster.manage',
    'user.manage',
    'assessment.manage',
    'items.read',
    'items.manage',
    'app.register',
    'app.enable',
    'resource.contribute',
    'resource.review',
    'resource.manage',
    'resource.configure',
  ],
  researcher: ['org.read', 'roster.read', 'assessment.manage', 'items.read', 'items.manage', 'resource.contribute', 'resource.review'],
  school_admin: [
    'org.read',
    'class.manage',
    'roster.read',
    'roster.manage',
    'user.manage',
    'pii.read',
    'assessment.manage',
    'items.read',
    'items.manage',
    'app.enable',
    'resource.contribute',
    'resource.review',
    'resource.manage',
  ],
  teacher: ['org.read', 'roster.read', 'homework.manage', 'assessment.take', 'items.read', 'items.manage', 'resource.contribute'],
  head_teacher: [
    'org.read',
    'roster.read',
    'pii.read',
    'homework.manage',
    'assessment.take',
    'items.read',
    'items.manage',
    'resource.contribute',
  ],
  student: ['student.read_own', 'homework.take'],
  parent: ['student.read_own', 'homework.view_child'],
  sys_admin: ['org.read', 'org.manage', 'user.manage', 'resource.configure'],
  sec_admin: ['grant.manage', 'security.manage'],
  audit_admin: ['audit.read'],
};

export const roleHas = (role: Role, permission: Permission): boolean => ROLE_PERMISSIONS[role].includes(permission);

/** Roles whose scope is an organisation subtree rather than a class or a child. */
export const ADMIN_ROLES: readonly Role[] = ['bureau_admin', 'researcher', 'school_admin', 'sys_admin', 'sec_admin', 'audit_admin'];

/** Roles whose holders must use two-step verification (MFA, 等保三级 for administrators): they enrol at their first sign-in. */
export const MFA_REQUIRED_ROLES: readonly Role[] = ['bureau_admin', 'sys_admin', 'sec_admin', 'audit_admin'];
