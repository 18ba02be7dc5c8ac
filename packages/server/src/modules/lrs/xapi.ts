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

type ContextInput = Pick<StatementInput, 'registration' | 'instructor' | 'assignmentId' | 'classId' | 'schoolId' | 'extensions'>;

/** A statement's context; an item's has its assignment as parent, an assignment's has none. */
function contextOf(input: ContextInput, objectKind: StatementInput['object']['kind']): XapiStatement['context'] {
  const grouping = [
    ...(input.classId ? [{ id: activityId('class', input.classId) }] : []),
    ...(input.schoolId ? [{ id: activityId('school', input.schoolId) }] : []),
  ];
  const parent = input.assignmentId && objectKind !== 'assignment' ? [{ id: activityId('assignment', input.assignmentId) }] : [];
  return {
    ...(input.registration ? { registration: input.registration } : {}),
    ...(input.instructor ? { instructor: agent(input.instructor.userId, input.instructor.name) } : {}),
    ...(parent.length || grouping.length
      ? { contextActivities: { ...(parent.length ? { parent } : {}), ...(grouping.length ? { grouping } : {}) } }
      : {}),
    ...(input.extensions ? { extensions: input.extensions } : {}),
  };
}

function objectOf(object: StatementInput['object']): XapiStatement['object'] {
  return {
    objectType: 'Activity',
    id: activityId(object.kind, object.id),
    definition: {
      type: object.type ?? (object.kind === 'item' ? ACTIVITY_TYPES.question : ACTIVITY_TYPES.assessment),
      ...(object.interactionType ? { interactionType: object.interactionType } : {}),
      ...(object.name ? { name: { 'zh-CN': object.name } } : {}),
    },
  };
}

export function buildStatement(input: StatementInput): XapiStatement {
  const context = contextOf(input, input.object.kind);
  return {
    id: randomUUID(),
    version: XAPI_VERSION,
    actor: agent(input.actor.userId, input.actor.name),
    verb: { id: VERBS[input.verb].id, display: { ...VERBS[input.verb].display } },
    object: objectOf(input.object),
    ...(input.result ? { result: input.result } : {}),
    ...(context && Object.keys(context).length ? { context } : {}),
    timestamp: (input.timestamp ?? new Date()).toISOString(),
  };
}

/**
 * A statement as it is stored, with the keys its record is filed under. Its JSON is `part` alone,
 * or — for statements serialized together (`serializeStatements`) — the members of `shared`
 * (version, actor, context, timestamp) and those of `part` (id, verb, object, result, and a context
 * of its own where it differs), one object. A record stores `shared` once for its statements.
 */
export type SerializedStatement = {
  id: string;
  actorId: string;
  registration: string | null;
  classId: string | null;
  timestamp: string;
  /** The members the statement shares with the others of its call, as a JSON object; null: `part` is the whole statement. */
  shared: string | null;
  part: string;
};

/** The whole statement of a serialized one. */
export const statementOf = (s: SerializedStatement): XapiStatement =>
  (s.shared === null ? JSON.parse(s.part) : { ...JSON.parse(s.shared), ...JSON.parse(s.part) }) as XapiStatement;

const CLASS_PREFIX = 'urn:qiming:class:';
function classIdOf(s: XapiStatement): string | null {
  const g = s.context?.contextActivities?.grouping?.find((a) => a.id.startsWith(CLASS_PREFIX));
  return g ? g.id.slice(CLASS_PREFIX.length) : null;
}

export const serializeStatement = (s: XapiStatement): SerializedStatement => ({
  id: s.id,
  actorId: s.actor.account.name,
  registration: s.context?.registration ?? null,
  classId: classIdOf(s),
  timestamp: s.timestamp,
  shared: null,
  part: JSON.stringify(s),
});

const verbJson = new Map<VerbName, string>();
/** Activities' JSON, per process: the items of a paper recur in every pupil's answers. */
const objectJson = new Map<string, string>();
const OBJECT_JSON_ENTRIES = 20_000;

function activityJson(object: StatementInput['object']): string {
  const key = `${object.kind}|${object.id}|${object.type ?? ''}|${object.interactionType ?? ''}|${object.name ?? ''}`;
  let json = objectJson.get(key);
  if (json === undefined) {
    if (objectJson.size >= OBJECT_JSON_ENTRIES) objectJson.clear();
    objectJson.set(key, (json = JSON.stringify(objectOf(object))));
  }
  return json;
}

const contextText = (common: ContextInput, kind: StatementInput['object']['kind']): string => {
  const c = contextOf(common, kind);
  return c && Object.keys(c).length ? JSON.stringify(c) : '';
};

/**
 * Statements that share actor, context and moment (a submitted attempt's answers), serialized
 * straight to their stored text without building each statement: what they share (version,
 * actor, context, timestamp) once, as `shared`, and each statement's own members as its `part` —
 * together exactly the statement `buildStatement` makes for the same input (tested). A record
 * stores the shared members once: a submitted attempt's eleven statements take ~6 KB instead of
 * ~12 KB.
 */
export function serializeStatements(
  common: Omit<StatementInput, 'verb' | 'object' | 'result'>,
  parts: readonly Pick<StatementInput, 'verb' | 'object' | 'result'>[],
): SerializedStatement[] {
  const actorId = common.actor.userId;
  const timestamp = (common.timestamp ?? new Date()).toISOString();
  // an item's context names its assignment as parent, an assignment's does not: the items' is
  // shared, a statement whose context differs carries its own
  const itemContext = parts.some((p) => p.object.kind !== 'assignment') ? contextText(common, 'item') : null;
  const assignmentContext = parts.some((p) => p.object.kind === 'assignment') ? contextText(common, 'assignment') : null;
  // a statement without a context cannot take one from what is shared: then none is shared
  const contexts = [itemContext, assignmentContext].filter((c) => c !== null);
  const sharedContext = contexts.includes('') ? '' : (contexts[0] ?? '');
  const shared = `{"version":"${XAPI_VERSION}","actor":${JSON.stringify(agent(actorId, common.actor.name))},${
    sharedContext ? `"context":${sharedContext},` : ''
  }"timestamp":"${timestamp}"}`;
  const classId = common.classId || null;
  const registration = common.registration || null;
  return parts.map((p) => {
    let verb = verbJson.get(p.verb);
    if (verb === undefined) verbJson.set(p.verb, (verb = JSON.stringify({ id: VERBS[p.verb].id, display: VERBS[p.verb].display })));
    const id = randomUUID();
    const result = p.result ? `,"result":${JSON.stringify(p.result)}` : '';
    const own = p.object.kind === 'assignment' ? assignmentContext! : itemContext!;
    const context = own && own !== sharedContext ? `,"context":${own}` : '';
    return {
      id,
      actorId,
      registration,
      classId,
      timestamp,
      shared,
      part: `{"id":"${id}","verb":${verb},"object":${activityJson(p.object)}${result}${context}}`,
    };
  });
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
