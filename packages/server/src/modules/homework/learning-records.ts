import type { TGradeResult } from '@qiming/shared';
import type { DbOrTx } from '../../core/db/database.ts';
import {
  buildStatement,
  INTERACTION_TYPES,
  insertStatements,
  responseString,
  scoreOf,
  serializeStatements,
  type SerializedStatement,
  type StatementInput,
  type XapiStatement,
} from '../lrs/index.ts';
import * as repo from './homework.repository.ts';
import { BKT_DEFAULTS, traceMastery, type Observation } from './knowledge-tracing.ts';
import { knowledgePointsOf, optionCount, type SnapshotItem } from './paper-snapshot.ts';

/**
 * What follows a grade, written in the caller's transaction: the xAPI statements (伴随式数据采集),
 * the knowledge-tracing update (BKT) of the person's mastery, and the 错题本 entries of the items
 * not fully right. Used by submit (objective items), manual grading and practice.
 */
export type GradedAnswer = {
  item: SnapshotItem;
  response: unknown;
  result: Pick<TGradeResult, 'score' | 'maxScore' | 'isCorrect' | 'needsManualGrading'>;
};

export type RecordContext = {
  user: { id: string; name?: string };
  registration: string | null;
  assignmentId: string | null;
  classId: string | null;
  schoolId: string | null;
  subject: string | null;
  instructor?: { id: string; name?: string };
  /** answered (pupil's answer graded at once) or scored (a teacher's grade). */
  verb: 'answered' | 'scored';
  at: Date;
};

/** What the statements of graded answers share: actor, attempt, assignment, class, school, grader, moment. */
const answerCommon = (ctx: RecordContext): Omit<StatementInput, 'verb' | 'object' | 'result'> => ({
  actor: { userId: ctx.user.id, name: ctx.user.name },
  registration: ctx.registration ?? undefined,
  assignmentId: ctx.assignmentId ?? undefined,
  classId: ctx.classId,
  schoolId: ctx.schoolId,
  instructor: ctx.instructor ? { userId: ctx.instructor.id, name: ctx.instructor.name } : undefined,
  timestamp: ctx.at,
});

const answerParts = (ctx: RecordContext, answers: readonly GradedAnswer[]) =>
  answers.map(({ item, response, result }) => ({
    verb: ctx.verb,
    object: { kind: 'item' as const, id: item.itemId, interactionType: INTERACTION_TYPES[item.content.type] },
    result: {
      ...(result.needsManualGrading ? {} : { score: scoreOf(result.score, result.maxScore), success: result.isCorrect === true }),
      completion: true,
      response: responseString(response),
      extensions: { 'urn:qiming:ext:item-version': item.versionId, 'urn:qiming:ext:needs-manual-grading': result.needsManualGrading },
    },
  }));

/** One xAPI statement per graded answer (answered: graded at once; scored: a teacher's grade). */
export function answerStatements(ctx: RecordContext, answers: readonly GradedAnswer[]): XapiStatement[] {
  const common = answerCommon(ctx);
  return answerParts(ctx, answers).map((part) => buildStatement({ ...common, ...part }));
}

/**
 * The same statements serialized straight to their stored text, without building each (the submit
 * path), with `extra` statements of the same actor, context and moment (completed, passed/failed).
 */
export function answerStatementsSerialized(
  ctx: RecordContext,
  answers: readonly GradedAnswer[],
  extra: readonly StatementPart[] = [],
): SerializedStatement[] {
  return serializeStatements(answerCommon(ctx), [...answerParts(ctx, answers), ...extra]);
}

/** What a statement adds to the actor, context and moment of its record. */
export type StatementPart = Pick<StatementInput, 'verb' | 'object' | 'result'>;

/** The credit of a graded answer for BKT: score ÷ maximum. */
const credit = (r: GradedAnswer['result']) => (r.maxScore > 0 ? r.score / r.maxScore : 0);
const isWrong = (r: GradedAnswer['result']) => !r.needsManualGrading && r.score < r.maxScore - 1e-9;

/**
 * One person's graded answers with the statements that go with them: `extraParts` (completed,
 * passed/failed) share the answers' actor, context and moment; `extraStatements` are whole.
 */
export type GradedRecord = {
  ctx: RecordContext;
  answers: readonly GradedAnswer[];
  extraParts?: readonly StatementPart[];
  extraStatements?: readonly XapiStatement[];
};

/**
 * Writes statements, mastery and wrong items for graded answers. Answers still waiting for a
 * teacher get their statement (the answer happened) but no mastery or 错题本 change until graded.
 * `extraStatements` (completed, passed/failed) go in the same insert.
 */
export async function recordGradedAnswers(
  tx: DbOrTx,
  ctx: RecordContext,
  answers: readonly GradedAnswer[],
  extraStatements: readonly XapiStatement[] = [],
): Promise<Map<string, { before: number; after: number }>> {
  const [changes] = await recordGradedAnswersOfMany(tx, [{ ctx, answers, extraStatements }]);
  return changes;
}

/** What a batch of graded records writes besides the answers: statements, mastery and 错题本 rows. */
export type RecordWrites = {
  statements: (XapiStatement | SerializedStatement)[];
  /** Each row says which record (by index) it belongs to. */
  mastery: (Parameters<typeof repo.upsertMastery>[1][number] & { record: number })[];
  wrong: (repo.WrongItemInput & { record: number })[];
  /** Per record: the mastery of each knowledge point before and after. */
  changes: Map<string, { before: number; after: number }>[];
};

/** The knowledge points whose current mastery the records need (graded answers only). */
export function knowledgePointsOfRecords(records: readonly GradedRecord[]): string[] {
  const kps = new Set<string>();
  for (const r of records)
    for (const a of r.answers) if (!a.result.needsManualGrading) for (const kp of knowledgePointsOf(a.item)) kps.add(kp);
  return [...kps];
}

/** Reads the current mastery the records need (none when their items carry no knowledge points). */
export async function currentMasteryOf(tx: DbOrTx, records: readonly GradedRecord[]): Promise<repo.MasteryRow[]> {
  const kps = knowledgePointsOfRecords(records);
  return kps.length ? repo.listMastery(tx, [...new Set(records.map((r) => r.ctx.user.id))], kps) : [];
}

/**
 * What graded records write, decided from the people's current mastery: one xAPI statement per
 * answer (plus the records' extra statements), the BKT update of each person's mastery, and a
 * 错题本 row per graded answer that was not fully right. Pure: the caller writes the result.
 * Each record must be of a different person: one person's mastery is traced from the value before
 * the batch, so two records of one person would each miss the other's update.
 */
export function planGradedRecords(records: readonly GradedRecord[], currentMastery: readonly repo.MasteryRow[]): RecordWrites {
  const statements = records.flatMap((r) => [...answerStatementsSerialized(r.ctx, r.answers, r.extraParts), ...(r.extraStatements ?? [])]);
  const graded = records.map((r) => r.answers.filter((a) => !a.result.needsManualGrading));
  const current = new Map<string, Map<string, number>>(records.map((r) => [r.ctx.user.id, new Map()]));
  for (const m of currentMastery) current.get(m.user_id)?.set(m.knowledge_point_id, m.p_mastery);
  const mastery: RecordWrites['mastery'] = [];
  const wrong: RecordWrites['wrong'] = [];
  const changes = records.map((r, i) => {
    const changed = new Map<string, { before: number; after: number }>();
    const mine = current.get(r.ctx.user.id)!;
    if (graded[i].some((a) => knowledgePointsOf(a.item).length)) {
      const observations: Observation[] = graded[i].map((a) => ({
        knowledgePointIds: knowledgePointsOf(a.item),
        credit: credit(a.result),
        itemType: a.item.content.type,
        optionCount: optionCount(a.item.content),
      }));
      const next = traceMastery(mine, observations);
      for (const [kp, v] of next) {
        mastery.push({
          record: i,
          user_id: r.ctx.user.id,
          knowledge_point_id: kp,
          p_mastery: v.p,
          observations: v.observations,
          correct: v.correct,
        });
        changed.set(kp, { before: mine.get(kp) ?? BKT_DEFAULTS.pInit, after: v.p });
      }
    }
    for (const a of graded[i].filter((g) => isWrong(g.result)))
      wrong.push({
        record: i,
        user_id: r.ctx.user.id,
        item_id: a.item.itemId,
        item: { versionId: a.item.versionId, score: a.item.score, content: a.item.content },
        knowledge_point_ids: knowledgePointsOf(a.item),
        subject: r.ctx.subject ?? a.item.content.subject ?? null,
        last_response: a.response,
        assignment_id: r.ctx.assignmentId,
        at: r.ctx.at,
      });
    return changed;
  });
  return { statements, mastery, wrong, changes };
}

/**
 * Writes statements, mastery and wrong items for graded answers of several people at once (a batch
 * of submissions), in the caller's transaction, one statement per table.
 */
export async function recordGradedAnswersOfMany(
  tx: DbOrTx,
  records: readonly GradedRecord[],
): Promise<Map<string, { before: number; after: number }>[]> {
  const plan = planGradedRecords(records, await currentMasteryOf(tx, records));
  await insertStatements(tx, plan.statements);
  await repo.upsertMastery(tx, plan.mastery);
  await repo.upsertWrongItems(tx, plan.wrong);
  return plan.changes;
}
