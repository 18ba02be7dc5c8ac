import { gradeResponse, type TGradeResult } from '@qiming/shared';
import type { DbOrTx, Tx } from '../../core/db/database.ts';
import { isoDuration, scoreOf } from '../lrs/index.ts';
import { statusAfterGrading } from './attempt-lifecycle.ts';
import * as repo from './homework.repository.ts';
import {
  currentMasteryOf,
  planGradedRecords,
  recordGradedAnswersOfMany,
  type GradedAnswer,
  type GradedRecord,
  type StatementPart,
} from './learning-records.ts';
import type { SnapshotItem } from './paper-snapshot.ts';

export type Responses = Record<string, Record<string, unknown> | null>;

/** The items of an attempt in the order its person sees them: the paper's, or (assessments) the person's own draw. */
export function attemptItems(a: repo.AssignmentRow, t: Pick<repo.AttemptRow, 'item_order' | 'drawn_items'>): SnapshotItem[] {
  const pool = a.kind === 'assessment' ? ((t.drawn_items as SnapshotItem[] | null) ?? []) : a.paper.items;
  const byKey = new Map(pool.map((i) => [i.key, i]));
  return t.item_order.map((k) => byKey.get(k)).filter((i): i is SnapshotItem => !!i);
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** An open attempt, locked by the caller, to grade with its last answers and close. */
export type Closing = {
  a: repo.AssignmentRow;
  locked: repo.LockedAttempt;
  user: { id: string; name: string };
  /** Answers sent with the submit; items not in it keep their saved answer. */
  latest: Responses;
  submitKey: string | null;
  now: Date;
};

export type Closed = { attempt: repo.AttemptRow; responses: repo.ResponseRow[] };

/** What of a grade result is kept per answer: the per-blank/option/part breakdown, not the score fields. */
function detailOf(r: TGradeResult): unknown {
  const { score: _s, maxScore: _m, isCorrect: _c, needsManualGrading: _n, isAnswered: _a, ...detail } = r;
  return Object.keys(detail).length ? detail : null;
}

/**
 * Grades open attempts (pure): every answer graded at once where the grading engine can
 * (objective items), the rest left for the teacher; per attempt the answers' rows, how it closes,
 * the learning record to write, and the attempt as it will be once closed.
 */
export function gradeClosings(list: readonly Closing[]) {
  return list.map(({ a, locked, user, latest, submitKey, now }) => {
    const t = locked.attempt;
    const answers: (GradedAnswer & { result: TGradeResult })[] = attemptItems(a, t).map((item) => {
      const response = item.key in latest ? latest[item.key] : (locked.saved.get(item.key) ?? null);
      return { item, response, result: gradeResponse(item.content, response) };
    });
    const rows = answers.map(({ item, response, result }) => ({
      attempt_id: t.id,
      item_key: item.key,
      item_id: item.itemId,
      response,
      saved_at: now,
      score: result.needsManualGrading ? null : result.score,
      max_score: item.score,
      is_correct: result.needsManualGrading ? null : result.isCorrect,
      needs_manual: result.needsManualGrading,
      detail: detailOf(result),
    }));
    const auto = round2(answers.reduce((s, x) => s + (x.result.needsManualGrading ? 0 : x.result.score), 0));
    const pending = answers.filter((x) => x.result.needsManualGrading).length;
    const status = statusAfterGrading(pending);
    const finish: repo.AttemptFinish = {
      id: t.id,
      status,
      submitted_at: now,
      graded_at: status === 'graded' ? now : null,
      submit_key: submitKey,
      auto_score: auto,
      score: auto,
      pending_manual: pending,
    };
    // completed (and passed/failed) share the answers' actor, context and moment: one record
    const object = { kind: 'assignment' as const, id: a.id, name: a.title };
    const extraParts: StatementPart[] = [
      {
        verb: 'completed',
        object,
        result: {
          score: scoreOf(auto, t.max_score),
          completion: true,
          duration: isoDuration(now.getTime() - new Date(t.started_at).getTime()),
          extensions: { 'urn:qiming:ext:pending-manual': pending },
        },
      },
    ];
    if (a.pass_score !== null && pending === 0) {
      const passed = auto >= a.pass_score - 1e-9;
      extraParts.push({ verb: passed ? 'passed' : 'failed', object, result: { score: scoreOf(auto, t.max_score), success: passed } });
    }
    const record: GradedRecord = {
      ctx: {
        user,
        registration: t.id,
        assignmentId: a.id,
        classId: locked.recipient.class_id,
        schoolId: locked.recipient.school_id,
        subject: a.subject,
        verb: 'answered',
        at: now,
      },
      answers,
      extraParts,
    };
    const { id: _id, ...set } = finish;
    const closed: Closed = {
      attempt: { ...t, ...set, status, revision: t.revision + 1 },
      responses: rows.map((r) => ({ ...r, comment: null, rubric_scores: null, graded_by: null, graded_at: null })),
    };
    return { rows, finish, record, closed };
  });
}

/**
 * Grades open attempts and closes them, in the caller's transaction (rows already locked): every
 * answer graded at once where the grading engine can (objective items), the rest left for the
 * teacher; then one statement per table for all of them — the answers, the attempts, and the
 * learning records (xAPI statements, mastery, 错题本). The attempts must be of different people.
 */
export async function gradeAndCloseMany(tx: Tx, list: readonly Closing[]): Promise<Closed[]> {
  const graded = gradeClosings(list);
  await repo.upsertGradedResponses(
    tx,
    graded.flatMap((g) => g.rows),
  );
  await repo.finishAttempts(
    tx,
    graded.map((g) => g.finish),
  );
  await recordGradedAnswersOfMany(
    tx,
    graded.map((g) => g.record),
  );
  return graded.map((g) => g.closed);
}

/**
 * The same for attempts read without a lock (the submit path under load), written in one
 * statement: an attempt closes only if it is still open at the revision that was read — no
 * autosave, submit or deadline close came in between — and its answers and learning records are
 * written only if it closed. Returns each attempt's result, or null for one that changed meanwhile
 * (the caller submits it again under the row lock). The attempts must be of different people.
 */
export async function gradeAndCloseIfUnchanged(db: DbOrTx, list: readonly Closing[]): Promise<(Closed | null)[]> {
  if (!list.length) return [];
  const graded = gradeClosings(list);
  const records = graded.map((g) => g.record);
  const plan = planGradedRecords(records, await currentMasteryOf(db, records));
  const attemptOf = (record: number) => graded[record].finish.id;
  const closed = await repo.closeAttemptsIfUnchanged(db, {
    finishes: graded.map((g, i) => ({ ...g.finish, revision: list[i].locked.attempt.revision })),
    responses: graded.flatMap((g) => g.rows),
    statements: plan.statements,
    mastery: plan.mastery.map(({ record, ...m }) => ({ ...m, attempt_id: attemptOf(record) })),
    wrong: plan.wrong.map(({ record, ...w }) => ({ ...w, attempt_id: attemptOf(record) })),
  });
  return graded.map((g) => (closed.has(g.finish.id) ? g.closed : null));
}
