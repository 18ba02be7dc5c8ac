import type { TGradeResult } from '@qiming/shared';
import type { DbOrTx } from '../../core/db/database.ts';
import { buildStatement, INTERACTION_TYPES, insertStatements, responseString, scoreOf, type XapiStatement } from '../lrs/index.ts';
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

export function answerStatements(ctx: RecordContext, answers: readonly GradedAnswer[]): XapiStatement[] {
  return answers.map(({ item, response, result }) =>
    buildStatement({
      verb: ctx.verb,
      actor: { userId: ctx.user.id, name: ctx.user.name },
      object: { kind: 'item', id: item.itemId, interactionType: INTERACTION_TYPES[item.content.type] },
      result: {
        ...(result.needsManualGrading ? {} : { score: scoreOf(result.score, result.maxScore), success: result.isCorrect === true }),
        completion: true,
        response: responseString(response),
        extensions: { 'urn:qiming:ext:item-version': item.versionId, 'urn:qiming:ext:needs-manual-grading': result.needsManualGrading },
      },
      registration: ctx.registration ?? undefined,
      assignmentId: ctx.assignmentId ?? undefined,
      classId: ctx.classId,
      schoolId: ctx.schoolId,
      instructor: ctx.instructor ? { userId: ctx.instructor.id, name: ctx.instructor.name } : undefined,
      timestamp: ctx.at,
    }),
  );
}

/** The credit of a graded answer for BKT: score ÷ maximum. */
const credit = (r: GradedAnswer['result']) => (r.maxScore > 0 ? r.score / r.maxScore : 0);
const isWrong = (r: GradedAnswer['result']) => !r.needsManualGrading && r.score < r.maxScore - 1e-9;

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
  await insertStatements(tx, [...answerStatements(ctx, answers), ...extraStatements]);
  const graded = answers.filter((a) => !a.result.needsManualGrading);
  const changes = new Map<string, { before: number; after: number }>();
  const kps = [...new Set(graded.flatMap((a) => knowledgePointsOf(a.item)))];
  if (kps.length) {
    const current = new Map((await repo.listMastery(tx, [ctx.user.id], kps)).map((m) => [m.knowledge_point_id, m.p_mastery]));
    const observations: Observation[] = graded.map((a) => ({
      knowledgePointIds: knowledgePointsOf(a.item),
      credit: credit(a.result),
      itemType: a.item.content.type,
      optionCount: optionCount(a.item.content),
    }));
    const next = traceMastery(current, observations);
    await repo.upsertMastery(
      tx,
      [...next].map(([kp, v]) => ({
        user_id: ctx.user.id,
        knowledge_point_id: kp,
        p_mastery: v.p,
        observations: v.observations,
        correct: v.correct,
      })),
    );
    for (const [kp, v] of next) changes.set(kp, { before: current.get(kp) ?? BKT_DEFAULTS.pInit, after: v.p });
  }
  const wrong = graded.filter((a) => isWrong(a.result));
  await repo.upsertWrongItems(
    tx,
    wrong.map((a) => ({
      user_id: ctx.user.id,
      item_id: a.item.itemId,
      item: { versionId: a.item.versionId, score: a.item.score, content: a.item.content },
      knowledge_point_ids: knowledgePointsOf(a.item),
      subject: ctx.subject ?? a.item.content.subject ?? null,
      last_response: a.response,
      assignment_id: ctx.assignmentId,
      at: ctx.at,
    })),
  );
  return changes;
}
