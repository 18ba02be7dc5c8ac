/**
 * Every error the API returns has a stable code. The code decides the HTTP status (one table,
 * here) and has a default Chinese message that the web app shows when the server sends none.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: '提交的数据有误，请检查后重试' },
  BAD_REQUEST: { status: 400, message: '请求无效' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  SESSION_EXPIRED: { status: 401, message: '登录已超时，请重新登录' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  AUTH_ACCOUNT_LOCKED: { status: 423, message: '密码错误次数过多，账号已锁定' },
  AUTH_ACCOUNT_DISABLED: { status: 403, message: '账号已停用，请联系管理员' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: '首次登录或密码已过期，请先修改密码' },
  PASSWORD_POLICY_VIOLATION: { status: 400, message: '新密码不符合密码策略' },
  PASSWORD_INCORRECT: { status: 400, message: '当前密码不正确' },
  FORBIDDEN: { status: 403, message: '没有权限执行此操作' },
  ROLE_NOT_HELD: { status: 403, message: '您没有该角色' },
  NOT_FOUND: { status: 404, message: '未找到该对象，或您无权查看' },
  CONFLICT: { status: 409, message: '数据已被修改或已存在' },
  DUPLICATE_CODE: { status: 409, message: '编码已存在' },
  DUPLICATE_STUDENT_NO: { status: 409, message: '学号已存在' },
  DUPLICATE_USERNAME: { status: 409, message: '用户名已存在' },
  CLASS_NOT_EMPTY: { status: 409, message: '班级中仍有学生，不能删除' },
  IMPORT_HAS_ERRORS: { status: 409, message: '导入文件仍有错误，请修正后重试，或选择只导入无误的行' },
  IMPORT_STATE_INVALID: { status: 409, message: '导入任务当前状态不允许此操作' },
  FILE_INVALID: { status: 400, message: '文件无法读取，请上传 .xlsx 格式的模板文件' },
  FILE_TOO_LARGE: { status: 413, message: '文件过大' },
  QTI_INVALID: { status: 400, message: '文件不是 QTI 题目或 IMS 内容包' },
  RETENTION_TOO_SHORT: { status: 400, message: '审计记录保存期限不得少于 180 天' },
  // homework, tests and assessments
  HOMEWORK_NOT_OPEN: { status: 409, message: '作业尚未开始，请在开始时间后再作答' },
  HOMEWORK_CLOSED: { status: 409, message: '作业已截止，不能再作答或提交' },
  ATTEMPT_DEADLINE_PASSED: { status: 409, message: '答题时间已到，本次作答已按最后保存的答案提交' },
  ATTEMPTS_EXHAUSTED: { status: 409, message: '作答次数已用完' },
  ATTEMPT_NOT_OPEN: { status: 409, message: '本次作答已提交，不能再修改' },
  RESPONSE_INVALID: { status: 400, message: '答案格式与题目不符' },
  PAPER_EMPTY: { status: 400, message: '试卷中没有题目，不能布置' },
  RATE_LIMITED: { status: 429, message: '请求过于频繁，请稍后再试' },
  CSRF_REJECTED: { status: 403, message: '请求来源无效' },
  MFA_ENROLLMENT_REQUIRED: { status: 403, message: '您的角色须启用两步验证，请先绑定验证器' },
  MFA_CHALLENGE_EXPIRED: { status: 401, message: '验证已超时，请重新输入用户名和密码' },
  MFA_CODE_INVALID: { status: 400, message: '验证码不正确，请输入验证器中当前显示的 6 位数字' },
  MFA_CODE_REUSED: { status: 400, message: '该验证码已使用过，请等验证器显示新的验证码后再输入' },
  MFA_RECOVERY_CODE_INVALID: { status: 400, message: '恢复码不正确或已被使用' },
  MFA_NOT_ENABLED: { status: 409, message: '尚未启用两步验证' },
  MFA_ALREADY_ENABLED: { status: 409, message: '已启用两步验证，如需更换验证器请先停用' },
  MFA_ENROLLMENT_NOT_STARTED: { status: 409, message: '绑定已失效，请重新开始绑定验证器' },
  APP_NOT_ENABLED: { status: 403, message: '该应用尚未对您所在的学校或区域开通' },
  APP_DISABLED: { status: 409, message: '该应用已停用' },
  OIDC_INTERACTION_NOT_FOUND: { status: 404, message: '登录请求已过期，请回到应用重新登录' },
  // resources
  UPLOAD_OFFSET_MISMATCH: { status: 409, message: '上传位置与服务器已收到的不一致，请从服务器给出的位置续传' },
  UPLOAD_INCOMPLETE: { status: 409, message: '文件尚未上传完整' },
  FILE_TYPE_NOT_ALLOWED: { status: 400, message: '该资源类型不接受这种文件' },
  RESOURCE_STATE_INVALID: { status: 409, message: '资源当前状态不允许此操作' },
  INTERNAL: { status: 500, message: '服务器内部错误，请稍后重试' },
} as const satisfies Record<string, { status: number; message: string }>;

export type AppErrorCode = keyof typeof ERROR_CODES;

export type TErrorBody = {
  error: { code: AppErrorCode; message: string; details?: unknown; requestId?: string };
};

/** One validation problem: where (path), what (Chinese message). */
export type TValidationIssue = { path: (string | number)[]; message: string; code?: string };
