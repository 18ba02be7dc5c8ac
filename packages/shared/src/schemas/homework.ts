import { z } from 'zod';
import { ZId } from './common.ts';

/**
 * Homework, tests and teacher-training assessments (智慧作业, 线上测评, 培训考核): assigning a paper,
 * attempts and answers, grading, analysis, 错题本 and practice.
 */

export const ASSIGNMENT_KINDS = ['homework', 'test', 'assessment'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];
export const ASSIGNMENT_KIND_NAMES: Record<AssignmentKind, string> = { homework: '作业', test: '测验', assessment: '培训考核' };

export const SHOW_ANSWERS = ['immediately', 'after_close', 'never'] as const;
export type ShowAnswersMode = (typeof SHOW_ANSWERS)[number];
export const SHOW_ANSWERS_NAMES: Record<ShowAnswersMode, string> = {
  immediately: '提交后立即公布',
  after_close: '截止后公布',
  never: '不公布',
};

export const ATTEMPT_STATUSES = ['in_progress', 'submitted', 'graded'] as const;
export type AttemptStatusName = (typeof ATTEMPT_STATUSES)[number];
export const ATTEMPT_STATUS_NAMES: Record<AttemptStatusName, string> = {
  in_progress: '作答中',
  submitted: '待批改',
  graded: '已批改',
};

export const WINDOW_STATES = ['not_open', 'open', 'closed'] as const;
export type TWindowState = (typeof WINDOW_STATES)[number];

const ZDateTime = z.coerce.date({ message: '时间格式不正确' });
const ZTitle = z.string().trim().min(2, '标题至少 2 个字').max(80, '标题不超过 80 个字');

const windowFields = {
  opensAt: ZDateTime,
  closesAt: ZDateTime,
  timeLimitMinutes: z.number().int().min(1, '限时至少 1 分钟').max(600, '限时不超过 600 分钟').nullable().default(null),
  maxAttempts: z.number().int().min(1, '作答次数至少 1 次').max(20, '作答次数不超过 20 次').default(1),
  instructions: z.string().trim().max(1000, '说明不超过 1000 字').default(''),
};
/** Paging of homework lists (at most 100 a page). */
const pageFields = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};
const checkWindow = (v: { opensAt: Date; closesAt: Date }, ctx: z.RefinementCtx) => {
  if (v.closesAt <= v.opensAt) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: '截止时间应晚于开始时间' });
};

export const ZCreateAssignmentRequest = z
  .object({
    kind: z.enum(['homework', 'test']).default('homework'),
    title: ZTitle,
    paperId: ZId,
    /** Whole classes. */
    classIds: z.array(ZId).max(50).default([]),
    /** Saved groups (分组) of a class. */
    groupIds: z.array(ZId).max(50).default([]),
    /** Single pupils (个别学生). */
    studentIds: z.array(ZId).max(500).default([]),
    ...windowFields,
    shuffleItems: z.boolean().default(false),
    shuffleOptions: z.boolean().default(false),
    showAnswers: z.enum(SHOW_ANSWERS).default('after_close'),
  })
  .superRefine((v, ctx) => {
    checkWindow(v, ctx);
    if (!v.classIds.length && !v.groupIds.length && !v.studentIds.length)
      ctx.addIssue({ code: 'custom', path: ['classIds'], message: '请至少选择一个班级、分组或学生' });
  });
export type TCreateAssignmentRequest = z.infer<typeof ZCreateAssignmentRequest>;

export const ZUpdateAssignmentRequest = z.object({
  title: ZTitle.optional(),
  closesAt: ZDateTime.optional(),
  instructions: z.string().trim().max(1000).optional(),
});

export const ZCreateAssessmentRequest = z
  .object({
    title: ZTitle,
    bankId: ZId,
    /** The schools (or a district) whose teachers take it. */
    unitIds: z.array(ZId).min(1, '请至少选择一所学校或一个区县').max(100),
    /** Items drawn per person (随机抽取 N 个题目). */
    drawCount: z.number().int().min(1, '至少抽取 1 题').max(100, '最多抽取 100 题').default(10),
    /** Pass mark as a percentage of full marks (合格线). */
    passPercent: z.number().min(1).max(100).default(60),
    ...windowFields,
    timeLimitMinutes: z.number().int().min(1).max(600).nullable().default(10),
    showAnswers: z.enum(SHOW_ANSWERS).default('immediately'),
  })
  .superRefine(checkWindow);
export type TCreateAssessmentRequest = z.infer<typeof ZCreateAssessmentRequest>;

export const ZCreateGroupRequest = z.object({
  classId: ZId,
  name: z.string().trim().min(1, '分组名称不能为空').max(30, '分组名称不超过 30 个字'),
  studentIds: z.array(ZId).min(1, '分组至少一名学生').max(100),
});
export const ZGroup = z.object({
  id: z.string(),
  classId: z.string(),
  name: z.string(),
  students: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type TGroup = z.infer<typeof ZGroup>;

/** The items a class has already been given (in any homework or test), for 组卷 to leave out. */
export const ZClassDoneItems = z.object({ classId: z.string(), itemIds: z.array(z.string()) });
export type TClassDoneItems = z.infer<typeof ZClassDoneItems>;

export const ZAssignmentClass = z.object({ id: z.string(), name: z.string(), wholeClass: z.boolean(), groupName: z.string().nullable() });

/** What every view of an assignment shows: what it is, when it is open, how it is taken. */
const assignmentFields = {
  id: z.string(),
  kind: z.enum(ASSIGNMENT_KINDS),
  title: z.string(),
  subject: z.string().nullable(),
  opensAt: z.string(),
  closesAt: z.string(),
  timeLimitMinutes: z.number().int().nullable(),
  maxAttempts: z.number().int(),
  maxScore: z.number(),
  itemCount: z.number().int(),
  state: z.enum(WINDOW_STATES),
};

export const ZAssignmentSummary = z.object({
  ...assignmentFields,
  showAnswers: z.enum(SHOW_ANSWERS),
  shuffleItems: z.boolean(),
  shuffleOptions: z.boolean(),
  passScore: z.number().nullable(),
  classes: z.array(ZAssignmentClass),
  recipients: z.number().int(),
  submitted: z.number().int(),
  pendingManual: z.number().int(),
  averageScore: z.number().nullable(),
  createdByName: z.string(),
  createdAt: z.string(),
  policies: z.object({ canGrade: z.boolean(), canEdit: z.boolean() }),
});
export type TAssignmentSummary = z.infer<typeof ZAssignmentSummary>;

export const ZListAssignmentsQuery = z.object({
  classId: ZId.optional(),
  kind: z.enum(ASSIGNMENT_KINDS).optional(),
  state: z.enum(WINDOW_STATES).optional(),
  ...pageFields,
});

/** One item of an assignment as the teacher sees it (with the answer key). */
export const ZAssignmentItem = z.object({
  key: z.string(),
  itemId: z.string(),
  position: z.number().int(),
  sectionTitle: z.string(),
  type: z.string(),
  score: z.number(),
  difficulty: z.number().int(),
  knowledgePointIds: z.array(z.string()),
  content: z.unknown(),
});
export const ZAssignmentDetail = ZAssignmentSummary.extend({
  instructions: z.string(),
  items: z.array(ZAssignmentItem),
});
export type TAssignmentDetail = z.infer<typeof ZAssignmentDetail>;

/** An assignment as a pupil (or a teacher taking an assessment) sees it in their list. */
export const ZMyAssignment = z.object({
  ...assignmentFields,
  instructions: z.string(),
  attemptsUsed: z.number().int(),
  openAttemptId: z.string().nullable(),
  lastAttempt: z
    .object({ id: z.string(), status: z.enum(ATTEMPT_STATUSES), score: z.number().nullable(), submittedAt: z.string().nullable() })
    .nullable(),
  bestScore: z.number().nullable(),
  passed: z.boolean().nullable(),
  canStart: z.boolean(),
});
export type TMyAssignment = z.infer<typeof ZMyAssignment>;
export const ZMyAssignmentsQuery = z.object({
  kind: z.enum(ASSIGNMENT_KINDS).optional(),
  /** todo: open and not finished; done: finished or closed. */
  filter: z.enum(['todo', 'done', 'all']).default('all'),
});

export const ZItemResult = z.object({
  score: z.number().nullable(),
  maxScore: z.number(),
  isCorrect: z.boolean().nullable(),
  needsManualGrading: z.boolean(),
  detail: z.unknown().nullable(),
  comment: z.string().nullable(),
  rubricScores: z.record(z.string(), z.number()).nullable(),
});
export type TItemResult = z.infer<typeof ZItemResult>;

export const ZAttemptItem = z.object({
  key: z.string(),
  itemId: z.string(),
  position: z.number().int(),
  sectionTitle: z.string(),
  score: z.number(),
  /** The item as the person sees it: answers stripped, options in this attempt's order. */
  item: z.unknown(),
  response: z.unknown().nullable(),
  /** After submitting: the grade of this item (objective at once, subjective when graded). */
  result: ZItemResult.nullable(),
  /** When answers are shown: the full item with its key and explanation (解析). */
  solution: z.unknown().nullable(),
});
export type TAttemptItem = z.infer<typeof ZAttemptItem>;

export const ZAttempt = z.object({
  id: z.string(),
  assignmentId: z.string(),
  kind: z.enum(ASSIGNMENT_KINDS),
  title: z.string(),
  instructions: z.string(),
  attemptNo: z.number().int(),
  status: z.enum(ATTEMPT_STATUSES),
  user: z.object({ id: z.string(), name: z.string() }),
  startedAt: z.string(),
  deadlineAt: z.string(),
  submittedAt: z.string().nullable(),
  /** Server time, so a client with a wrong clock counts down correctly. */
  serverTime: z.string(),
  revision: z.number().int(),
  score: z.number().nullable(),
  autoScore: z.number().nullable(),
  maxScore: z.number(),
  pendingManual: z.number().int(),
  passScore: z.number().nullable(),
  passed: z.boolean().nullable(),
  answersVisible: z.boolean(),
  items: z.array(ZAttemptItem),
  policies: z.object({ canAnswer: z.boolean() }),
});
export type TAttempt = z.infer<typeof ZAttempt>;

const ZResponses = z.record(z.string().max(64), z.record(z.string(), z.unknown()).nullable());
export const ZSaveResponsesRequest = z.object({
  /** item key → response (null clears it); only the items that changed need to be sent. */
  responses: ZResponses,
});
export const ZSaveResponsesResult = z.object({ revision: z.number().int(), savedAt: z.string(), saved: z.number().int() });
export type TSaveResponsesResult = z.infer<typeof ZSaveResponsesResult>;

export const ZSubmitAttemptRequest = z.object({
  /** Answers not yet saved (the final autosave), applied before grading. */
  responses: ZResponses.default({}),
  /** The client's key for this submit: retrying with the same key answers the same result. */
  submitKey: z
    .string()
    .trim()
    .min(8, '提交标识至少 8 个字符')
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, '提交标识格式不正确'),
});

export const ZStartAttemptResult = ZAttempt.extend({ resumed: z.boolean() });

// grading view (阅卷)
/** How an item of a paper is named in grading and analysis views. */
const itemHeadFields = {
  key: z.string(),
  position: z.number().int(),
  type: z.string(),
  stemPreview: z.string(),
  maxScore: z.number(),
};
export const ZGradingItem = z.object({
  ...itemHeadFields,
  pending: z.number().int(),
  graded: z.number().int(),
});
export const ZGradingOverview = z.object({ assignmentId: z.string(), title: z.string(), items: z.array(ZGradingItem) });
export type TGradingOverview = z.infer<typeof ZGradingOverview>;

export const ZGradingResponse = z.object({
  attemptId: z.string(),
  student: z.object({ id: z.string(), name: z.string(), className: z.string().nullable() }),
  response: z.unknown().nullable(),
  score: z.number().nullable(),
  suggestedScore: z.number().nullable(),
  comment: z.string().nullable(),
  rubricScores: z.record(z.string(), z.number()).nullable(),
  gradedAt: z.string().nullable(),
  gradedByName: z.string().nullable(),
});
export type TGradingResponse = z.infer<typeof ZGradingResponse>;
export const ZGradingQueue = z.object({
  assignmentId: z.string(),
  item: ZAssignmentItem,
  responses: z.array(ZGradingResponse),
});
export type TGradingQueue = z.infer<typeof ZGradingQueue>;

export const ZGradeItemRequest = z.object({
  score: z.number({ message: '请给出分数' }).min(0, '分数不能为负').max(1000),
  /** Rubric criterion id → points; when given, their sum is the score. */
  rubricScores: z.record(z.string(), z.number().min(0)).optional(),
  comment: z.string().trim().max(2000, '评语不超过 2000 字').optional(),
});
export type TGradeItemRequest = z.infer<typeof ZGradeItemRequest>;
export const ZGradeItemResult = z.object({
  attemptId: z.string(),
  key: z.string(),
  score: z.number(),
  attemptScore: z.number().nullable(),
  attemptStatus: z.enum(ATTEMPT_STATUSES),
  pendingManual: z.number().int(),
});

// analysis (分析)
const ZScoreBand = z.enum(['excellent', 'good', 'medium', 'pass', 'fail']);
export const ZItemAnalysis = z.object({
  ...itemHeadFields,
  knowledgePointIds: z.array(z.string()),
  answered: z.number().int(),
  p: z.number(),
  correctRate: z.number(),
  averageScore: z.number(),
  pointBiserial: z.number().nullable(),
  discrimination: z.number().nullable(),
  quality: z.enum(['excellent', 'good', 'fair', 'poor']).nullable(),
  band: z.enum(['easy', 'medium', 'hard']),
  /** Choice items: how many chose each option. */
  options: z.array(z.object({ id: z.string(), text: z.string(), count: z.number().int(), isKey: z.boolean() })).nullable(),
  unanswered: z.number().int(),
});
export type TItemAnalysis = z.infer<typeof ZItemAnalysis>;

export const ZPupilResult = z.object({
  userId: z.string(),
  name: z.string(),
  studentNo: z.string().nullable(),
  className: z.string().nullable(),
  schoolName: z.string().nullable(),
  status: z.enum(['not_started', ...ATTEMPT_STATUSES]),
  attemptId: z.string().nullable(),
  attempts: z.number().int(),
  score: z.number().nullable(),
  rank: z.number().int().nullable(),
  band: ZScoreBand.nullable(),
  passed: z.boolean().nullable(),
  submittedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
});
export type TPupilResult = z.infer<typeof ZPupilResult>;

export const ZKnowledgePointMastery = z.object({
  id: z.string(),
  name: z.string(),
  items: z.number().int(),
  /** Score rate on this assignment's items of the point. */
  rate: z.number(),
  /** Mean BKT mastery of the pupils (over everything they have answered). */
  mastery: z.number().nullable(),
});

export const ZAssignmentAnalysis = z.object({
  assignment: ZAssignmentSummary,
  test: z.object({
    n: z.number().int(),
    maxScore: z.number(),
    mean: z.number(),
    sd: z.number(),
    median: z.number(),
    min: z.number(),
    max: z.number(),
    alpha: z.number().nullable(),
    sem: z.number().nullable(),
  }),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  bands: z.array(z.object({ band: ZScoreBand, count: z.number().int() })),
  items: z.array(ZItemAnalysis),
  knowledgePoints: z.array(ZKnowledgePointMastery),
  pupils: z.array(ZPupilResult),
});
export type TAssignmentAnalysis = z.infer<typeof ZAssignmentAnalysis>;
export const ZAnalysisQuery = z.object({ classId: ZId.optional() });

export const ZPupilReport = z.object({
  assignment: z.object({ id: z.string(), title: z.string(), kind: z.enum(ASSIGNMENT_KINDS), maxScore: z.number(), closesAt: z.string() }),
  pupil: ZPupilResult,
  classAverage: z.number().nullable(),
  items: z.array(
    z.object({
      ...itemHeadFields,
      score: z.number().nullable(),
      isCorrect: z.boolean().nullable(),
      classRate: z.number(),
    }),
  ),
  knowledgePoints: z.array(
    z.object({ id: z.string(), name: z.string(), rate: z.number(), classRate: z.number(), mastery: z.number().nullable() }),
  ),
});
export type TPupilReport = z.infer<typeof ZPupilReport>;

// 错题本, mastery, practice
export const ZWrongItem = z.object({
  itemId: z.string(),
  type: z.string(),
  subject: z.string().nullable(),
  stemPreview: z.string(),
  item: z.unknown(),
  solution: z.unknown().nullable(),
  lastResponse: z.unknown().nullable(),
  knowledgePoints: z.array(z.object({ id: z.string(), name: z.string() })),
  wrongCount: z.number().int(),
  practiceCorrect: z.number().int(),
  assignmentTitle: z.string().nullable(),
  lastWrongAt: z.string(),
  masteredAt: z.string().nullable(),
});
export type TWrongItem = z.infer<typeof ZWrongItem>;
export const ZWrongItemsQuery = z.object({
  subject: z.string().max(20).optional(),
  status: z.enum(['open', 'mastered', 'all']).default('open'),
  ...pageFields,
});

export const ZMastery = z.object({
  knowledgePointId: z.string(),
  name: z.string(),
  subject: z.string().nullable(),
  pMastery: z.number(),
  mastered: z.boolean(),
  observations: z.number().int(),
  correct: z.number().int(),
  updatedAt: z.string(),
});
export type TMastery = z.infer<typeof ZMastery>;

export const ZStartPracticeRequest = z.object({
  /** wrong_items: redo items of the 错题本 and similar ones; weak_points: items picked by knowledge tracing. */
  source: z.enum(['wrong_items', 'weak_points']).default('weak_points'),
  /** Practise one wrong item and items similar to it. */
  itemId: ZId.optional(),
  subject: z.string().max(20).optional(),
  count: z.number().int().min(1).max(20).default(5),
});
export const ZPracticeSet = z.object({
  id: z.string(),
  createdAt: z.string(),
  items: z.array(
    z.object({ key: z.string(), itemId: z.string(), item: z.unknown(), reason: z.enum(['wrong_item', 'similar', 'weak_point']) }),
  ),
});
export type TPracticeSet = z.infer<typeof ZPracticeSet>;
export const ZPracticeAnswerRequest = z.object({ key: z.string().max(64), response: z.record(z.string(), z.unknown()) });
export const ZPracticeAnswerResult = z.object({
  key: z.string(),
  score: z.number(),
  maxScore: z.number(),
  isCorrect: z.boolean().nullable(),
  detail: z.unknown().nullable(),
  solution: z.unknown(),
  mastery: z.array(z.object({ knowledgePointId: z.string(), before: z.number(), after: z.number() })),
  wrongItemCleared: z.boolean(),
});
export type TPracticeAnswerResult = z.infer<typeof ZPracticeAnswerResult>;

// teacher-training assessments (培训考核)
export const ZAssessmentResultRow = ZPupilResult.extend({ grade: z.enum(['合格', '不合格', '未参加']) });
export const ZAssessmentResults = z.object({
  assignment: ZAssignmentSummary,
  passScore: z.number(),
  schools: z.array(
    z.object({
      schoolId: z.string(),
      schoolName: z.string(),
      teachers: z.number().int(),
      taken: z.number().int(),
      passed: z.number().int(),
      rows: z.array(ZAssessmentResultRow),
    }),
  ),
});
export type TAssessmentResults = z.infer<typeof ZAssessmentResults>;

// a child's homework, for parents
export const ZChildAssignment = ZMyAssignment.extend({ childId: z.string() });
