import { richTextPreview, type TGradeItemRequest, type TGradingOverview, type TGradingQueue } from '@qiming/shared';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { buildStatement, insertStatements, scoreOf } from '../lrs/index.ts';
import { statusAfterGrading } from './attempt-lifecycle.ts';
import { finalizeExpiredAttempts } from './attempts.service.ts';
import { attemptItems } from './grade-and-close.ts';
import * as repo from './homework.repository.ts';
import { getManagedAssignment, notFound } from './homework.policy.ts';
import { answerStatements, recordGradedAnswers } from './learning-records.ts';
import type { SnapshotItem } from './paper-snapshot.ts';

/**
 * The grading view (阅卷): one question across all pupils. Subjective items (short answer, essay)
 * wait for a teacher; any item can be re-scored (a teacher overrules the engine).
 */

const round2 = (x: number) => Math.round(x * 100) / 100;
const MANUAL_TYPES = new Set(['short_answer', 'essay', 'composite']);

/** Finished attempts of the pupils in the teacher's classes (assessments: everyone the manager reaches). */
async function gradableAttempts(ctx: AuthedContext, a: Awaited<ReturnType<typeof getManagedAssignment>>) {
  await finalizeExpiredAttempts(ctx, { assignmentIds: [a.id] });
  let q = ctx.db
    .selectFrom('hw_attempts as t')
    .innerJoin('hw_recipients as r', (j) => j.onRef('r.assignment_id', '=', 't.assignment_id').onRef('r.user_id', '=', 't.user_id'))
    .innerJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('org_units as c', 'c.id', 'r.class_id')
    .selectAll('t')
    .select(['u.display_name', 'c.name as class_name', 'r.class_id'])
    .where('t.assignment_id', '=', a.id)
    .where('t.status', '!=', 'in_progress');
  if (a.kind !== 'assessment') q = q.where('r.class_id', 'in', a.reachableClassIds);
  const rows = await q.orderBy('c.name').orderBy('u.display_name').orderBy('t.attempt_no').execute();
  return rows as unknown as (repo.AttemptRow & { display_name: string; class_name: string | null; class_id: string | null })[];
}

function itemsOf(a: repo.AssignmentRow, attempts: repo.AttemptRow[]): SnapshotItem[] {
  if (a.kind !== 'assessment') return a.paper.items;
  const seen = new Map<string, SnapshotItem>();
  for (const t of attempts) for (const it of attemptItems(a, t)) if (!seen.has(it.key)) seen.set(it.key, it);
  return [...seen.values()];
}

export async function getGradingOverview(ctx: AuthedContext, assignmentId: string): Promise<TGradingOverview> {
  const a = await getManagedAssignment(ctx, assignmentId);
  const attempts = await gradableAttempts(ctx, a);
  const responses = await repo.listResponses(
    ctx.db,
    attempts.map((t) => t.id),
  );
  const items = itemsOf(a, attempts);
  return {
    assignmentId: a.id,
    title: a.title,
    items: items
      .map((it) => {
        const rs = responses.filter((r) => r.item_key === it.key);
        return {
          key: it.key,
          position: it.position,
          type: it.content.type,
          stemPreview: richTextPreview(it.content.stem),
          maxScore: it.score,
          pending: rs.filter((r) => r.needs_manual && !r.graded_at).length,
          graded: rs.filter((r) => r.graded_at || !r.needs_manual).length,
        };
      })
      // subjective items (the ones that need a teacher) first
      .sort(
        (x, y) =>
          Number(y.pending > 0) - Number(x.pending > 0) ||
          Number(MANUAL_TYPES.has(y.type)) - Number(MANUAL_TYPES.has(x.type)) ||
          x.position - y.position,
      ),
  };
}

export async function getGradingQueue(ctx: AuthedContext, assignmentId: string, itemKey: string): Promise<TGradingQueue> {
  const a = await getManagedAssignment(ctx, assignmentId);
  const attempts = await gradableAttempts(ctx, a);
  const item = itemsOf(a, attempts).find((i) => i.key === itemKey);
  if (!item) throw new AppError('NOT_FOUND', { message: '该作业中没有这道题' });
  const relevant = attempts.filter((t) => attemptItems(a, t).some((i) => i.key === itemKey));
  const responses = new Map(
    (
      await repo.listResponses(
        ctx.db,
        relevant.map((t) => t.id),
      )
    )
      .filter((r) => r.item_key === itemKey)
      .map((r) => [r.attempt_id, r]),
  );
  const graders = await repo.userNames(ctx.db, [
    ...new Set([...responses.values()].map((r) => r.graded_by).filter((x): x is string => !!x)),
  ]);
  return {
    assignmentId: a.id,
    item: {
      key: item.key,
      itemId: item.itemId,
      position: item.position,
      sectionTitle: item.sectionTitle,
      type: item.content.type,
      score: item.score,
      difficulty: item.content.difficulty,
      knowledgePointIds: item.content.knowledgePointIds ?? [],
      content: item.content,
    },
    responses: relevant.map((t) => {
      const r = responses.get(t.id);
      const suggested = (r?.detail as { suggestedScore?: number } | null)?.suggestedScore;
      return {
        attemptId: t.id,
        student: { id: t.user_id, name: t.display_name, className: t.class_name },
        response: r?.response ?? null,
        score: r?.score ?? null,
        suggestedScore: suggested ?? null,
        comment: r?.comment ?? null,
        rubricScores: r?.rubric_scores ?? null,
        gradedAt: r?.graded_at ? r.graded_at.toISOString() : null,
        gradedByName: r?.graded_by ? (graders.get(r.graded_by) ?? null) : null,
      };
    }),
  };
}

/** Checks a teacher's score against the item: within its maximum, rubric marks per criterion within their points. */
function checkGrade(item: SnapshotItem, input: TGradeItemRequest): number {
  const issues: { path: (string | number)[]; message: string }[] = [];
  let score = input.score;
  if (input.rubricScores) {
    const rubric = item.content.type === 'essay' ? item.content.rubric : [];
    if (!rubric.length) issues.push({ path: ['body', 'rubricScores'], message: '这道题没有评分标准' });
    for (const [id, points] of Object.entries(input.rubricScores)) {
      const c = rubric.find((r) => r.id === id);
      if (!c) issues.push({ path: ['body', 'rubricScores', id], message: `评分项 ${id} 不存在` });
      else if (points > c.points) issues.push({ path: ['body', 'rubricScores', id], message: `“${c.name}”最多 ${c.points} 分` });
    }
    score = round2(Object.values(input.rubricScores).reduce((s, p) => s + p, 0));
  }
  if (score > item.score + 1e-9) issues.push({ path: ['body', 'score'], message: `本题满分 ${item.score} 分` });
  if (issues.length) throw new AppError('VALIDATION_FAILED', { message: issues.map((i) => i.message).join('；'), details: { issues } });
  return score;
}

export async function gradeItem(ctx: AuthedContext, attemptId: string, itemKey: string, input: TGradeItemRequest) {
  const now = new Date();
  const t0 = await repo.findAttempt(ctx.db, attemptId);
  if (!t0) throw notFound();
  const a = await getManagedAssignment(ctx, t0.assignment_id);
  const recipient = await repo.findRecipient(ctx.db, a.id, t0.user_id);
  if (a.kind !== 'assessment' && (!recipient?.class_id || !a.reachableClassIds.includes(recipient.class_id))) throw notFound();
  const item = attemptItems(a, t0).find((i) => i.key === itemKey);
  if (!item) throw new AppError('NOT_FOUND', { message: '该作答中没有这道题' });
  const score = checkGrade(item, input);

  const result = await withTransaction(ctx.db, async (tx) => {
    const t = (await repo.findAttempt(tx, attemptId, { forUpdate: true }))!;
    if (t.status === 'in_progress') throw new AppError('ATTEMPT_NOT_OPEN', { message: '学生尚未提交，不能批改' });
    const prev = (await repo.listResponses(tx, [t.id])).find((r) => r.item_key === itemKey);
    const firstGrade = !prev || (prev.needs_manual && !prev.graded_at);
    const isCorrect = score >= item.score - 1e-9;
    await tx
      .insertInto('hw_responses')
      .values({
        attempt_id: t.id,
        item_key: itemKey,
        item_id: item.itemId,
        response: null,
        saved_at: now,
        max_score: item.score,
        score,
        is_correct: isCorrect,
        needs_manual: prev?.needs_manual ?? false,
        comment: input.comment ?? null,
        rubric_scores: input.rubricScores ? JSON.stringify(input.rubricScores) : null,
        graded_by: ctx.actor.userId,
        graded_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['attempt_id', 'item_key']).doUpdateSet((eb) => ({
          score: eb.ref('excluded.score'),
          is_correct: eb.ref('excluded.is_correct'),
          comment: eb.ref('excluded.comment'),
          rubric_scores: eb.ref('excluded.rubric_scores'),
          graded_by: eb.ref('excluded.graded_by'),
          graded_at: eb.ref('excluded.graded_at'),
        })),
      )
      .execute();
    const all = await repo.listResponses(tx, [t.id]);
    const total = round2(all.reduce((s, r) => s + (r.score ?? 0), 0));
    const pending = all.filter((r) => r.needs_manual && !r.graded_at).length;
    const status = statusAfterGrading(pending);
    await tx
      .updateTable('hw_attempts')
      .set({ score: total, pending_manual: pending, status, graded_at: status === 'graded' ? now : null })
      .where('id', '=', t.id)
      .execute();
    const pupil = { id: t.user_id, name: (await repo.userNames(tx, [t.user_id])).get(t.user_id) };
    const extra = [];
    if (status === 'graded' && a.pass_score !== null) {
      const passed = total >= a.pass_score - 1e-9;
      extra.push(
        buildStatement({
          verb: passed ? 'passed' : 'failed',
          actor: { userId: pupil.id, name: pupil.name },
          object: { kind: 'assignment', id: a.id, name: a.title },
          result: { score: scoreOf(total, t.max_score), success: passed },
          registration: t.id,
          classId: recipient?.class_id,
          schoolId: recipient?.school_id,
          timestamp: now,
        }),
      );
    }
    const answer = {
      item,
      response: prev?.response ?? null,
      result: { score, maxScore: item.score, isCorrect, needsManualGrading: false },
    };
    const recordCtx = {
      user: pupil,
      registration: t.id,
      assignmentId: a.id,
      classId: recipient?.class_id ?? null,
      schoolId: recipient?.school_id ?? null,
      subject: a.subject,
      instructor: { id: ctx.actor.userId, name: ctx.actor.displayName },
      verb: 'scored' as const,
      at: now,
    };
    // a re-grade is recorded as a statement; mastery and the 错题本 count only the first grade
    if (firstGrade) await recordGradedAnswers(tx, recordCtx, [answer], extra);
    else await insertStatements(tx, [...answerStatements(recordCtx, [answer]), ...extra]);
    await recordAudit(tx, ctx, {
      action: 'homework.grade',
      targetType: 'attempt',
      targetId: t.id,
      scopeId: recipient?.class_id ?? a.owner_unit_id,
      summary: { item: itemKey, score, previous: prev?.score ?? null },
    });
    return { attemptId: t.id, key: itemKey, score, attemptScore: total, attemptStatus: status, pendingManual: pending };
  });
  return result;
}
