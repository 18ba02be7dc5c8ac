import { randomUUID } from 'node:crypto';

/**
 * xAPI 1.0.3 statements (伴随式数据采集) for what pupils and teachers do in homework, tests, practice
 * and assessments. Verbs are ADL's registered IRIs; activities are `urn:qiming:<kind>:<id>` IRIs;
 * actors are identified by account (the user id on this platform), never by name or e-mail.
 */

export const XAPI_VERSION = '1.0.3';
/** The account home page of every actor: the platform itself, one namespace per deployment. */
export const XAPI_ACCOUNT_HOME = 'urn:qiming';

export const VERBS = {
  attempted: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'zh-CN': '开始作答', 'en-US': 'attempted' } },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'zh-CN': '作答', 'en-US': 'answered' } },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'zh-CN': '提交', 'en-US': 'completed' } },
  scored: { id: 'http://adlnet.gov/expapi/verbs/scored', display: { 'zh-CN': '评分', 'en-US': 'scored' } },
  passed: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'zh-CN': '合格', 'en-US': 'passed' } },
  failed: { id: 'http://adlnet.gov/expapi/verbs/failed', display: { 'zh-CN': '不合格', 'en-US': 'failed' } },
} as const;
export type VerbName = keyof typeof VERBS;

export const ACTIVITY_TYPES = {
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  question: 'http://adlnet.gov/expapi/activities/cmi.interaction',
} as const;

/** xAPI interaction types for the item types of the question bank. */
export const INTERACTION_TYPES: Record<string, string> = {
  single_choice: 'choice',
  multiple_choice: 'choice',
  true_false: 'true-false',
  fill_blank: 'fill-in',
  numeric: 'numeric',
  matching: 'matching',
  ordering: 'sequencing',
  short_answer: 'long-fill-in',
  essay: 'long-fill-in',
  composite: 'other',
};

export const activityId = (kind: 'item' | 'assignment' | 'class' | 'school' | 'knowledge-point', id: string): string =>
  `urn:qiming:${kind}:${id}`;

export type XapiAgent = { objectType: 'Agent'; name?: string; account: { homePage: string; name: string } };
export type XapiResult = {
  score?: { raw: number; min: number; max: number; scaled: number };
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
  extensions?: Record<string, unknown>;
};
export type XapiStatement = {
  id: string;
  version: string;
  actor: XapiAgent;
  verb: { id: string; display: Record<string, string> };
  object: {
    objectType: 'Activity';
    id: string;
    definition?: { type?: string; interactionType?: string; name?: Record<string, string> };
  };
  result?: XapiResult;
  context?: {
    registration?: string;
    instructor?: XapiAgent;
    contextActivities?: { parent?: { id: string }[]; grouping?: { id: string }[] };
    extensions?: Record<string, unknown>;
  };
  timestamp: string;
};

export const agent = (userId: string, name?: string): XapiAgent => ({
  objectType: 'Agent',
  ...(name ? { name } : {}),
  account: { homePage: XAPI_ACCOUNT_HOME, name: userId },
});

/** A result's score block; `scaled` is raw/max in [0, 1] (0 when the maximum is 0). */
export function scoreOf(raw: number, max: number): NonNullable<XapiResult['score']> {
  const scaled = max > 0 ? Math.min(1, Math.max(0, raw / max)) : 0;
  return { raw, min: 0, max, scaled: Math.round(scaled * 10000) / 10000 };
}

/** ISO 8601 duration of milliseconds, as xAPI wants (`PT12.5S`). */
export const isoDuration = (ms: number): string => `PT${Math.max(0, Math.round(ms / 100) / 10)}S`;

export type StatementInput = {
  verb: VerbName;
  actor: { userId: string; name?: string };
  object: { kind: 'item' | 'assignment'; id: string; type?: string; interactionType?: string; name?: string };
  result?: XapiResult;
  /** The attempt (or practice session) the statement belongs to. */
  registration?: string;
  assignmentId?: string;
  classId?: string | null;
  schoolId?: string | null;
  instructor?: { userId: string; name?: string };
  extensions?: Record<string, unknown>;
  timestamp?: Date;
};

export function buildStatement(input: StatementInput): XapiStatement {
  const grouping = [
    ...(input.classId ? [{ id: activityId('class', input.classId) }] : []),
    ...(input.schoolId ? [{ id: activityId('school', input.schoolId) }] : []),
  ];
  const parent = input.assignmentId && input.object.kind !== 'assignment' ? [{ id: activityId('assignment', input.assignmentId) }] : [];
  const context: XapiStatement['context'] = {
    ...(input.registration ? { registration: input.registration } : {}),
    ...(input.instructor ? { instructor: agent(input.instructor.userId, input.instructor.name) } : {}),
    ...(parent.length || grouping.length
      ? { contextActivities: { ...(parent.length ? { parent } : {}), ...(grouping.length ? { grouping } : {}) } }
      : {}),
    ...(input.extensions ? { extensions: input.extensions } : {}),
  };
  return {
    id: randomUUID(),
    version: XAPI_VERSION,
    actor: agent(input.actor.userId, input.actor.name),
    verb: { id: VERBS[input.verb].id, display: { ...VERBS[input.verb].display } },
    object: {
      objectType: 'Activity',
      id: activityId(input.object.kind, input.object.id),
      definition: {
        type: input.object.type ?? (input.object.kind === 'item' ? ACTIVITY_TYPES.question : ACTIVITY_TYPES.assessment),
        ...(input.object.interactionType ? { interactionType: input.object.interactionType } : {}),
        ...(input.object.name ? { name: { 'zh-CN': input.object.name } } : {}),
      },
    },
    ...(input.result ? { result: input.result } : {}),
    ...(Object.keys(context).length ? { context } : {}),
    timestamp: (input.timestamp ?? new Date()).toISOString(),
  };
}

/** An xAPI response string for a structured answer (choices joined by `[,]` as the spec's choice format). */
export function responseString(response: unknown): string {
  if (response === null || response === undefined) return '';
  if (typeof response === 'string') return response.slice(0, 2000);
  if (Array.isArray(response))
    return response
      .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
      .join('[,]')
      .slice(0, 2000);
  return JSON.stringify(response).slice(0, 2000);
}
