import { richTextPreview, type TAssignmentAnalysis, type TItemAnalysis, type TPupilReport, type TPupilResult } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { knowledgePointNames } from '../items/index.ts';
import { finalizeExpiredAttempts } from './attempts.service.ts';
import { itemStatistics, knowledgePointRates, mean, optionCounts, SCORE_BANDS, scoreBand, scoreHistogram, testStatistics } from './ctt.ts';
import * as repo from './homework.repository.ts';
import { getManagedAssignment, notFound } from './homework.policy.ts';
import { presentAssignmentSummary } from './homework.presenter.ts';
import { choiceOptions, chosenOptions, knowledgePointsOf } from './paper-snapshot.ts';

/**
 * Analysis of one assignment (作业分析) over the best finished attempt of each pupil: score
 * distribution, classical test theory per item, which options were chosen, knowledge-point
 * rates and mastery, and every pupil's result. docs/homework-analysis.md explains the figures.
 */

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

type PupilRow = {
  user_id: string;
  display_name: string;
  student_no: string | null;
  class_id: string | null;
  class_name: string | null;
  school_id: string | null;
  school_name: string | null;
};

async function listPupils(db: DbOrTx, assignmentId: string, classIds: string[] | null): Promise<PupilRow[]> {
  let q = db
    .selectFrom('hw_recipients as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('students as s', 's.user_id', 'r.user_id')
    .leftJoin('org_units as c', 'c.id', 'r.class_id')
    .leftJoin('org_units as sc', 'sc.id', 'r.school_id')
    .select(['r.user_id', 'u.display_name', 's.student_no', 'r.class_id', 'c.name as class_name', 'r.school_id', 'sc.name as school_name'])
    .where('r.assignment_id', '=', assignmentId);
  if (classIds) q = q.where('r.class_id', 'in', classIds.length ? classIds : ['00000000-0000-0000-0000-000000000000']);
  return q.orderBy('c.name').orderBy('s.student_no').orderBy('u.display_name').execute();
}

/** Each person's best finished attempt (highest score, then the latest), and how many they made. */
function bestAttempts(attempts: repo.AttemptRow[]) {
  const best = new Map<string, repo.AttemptRow>();
  const count = new Map<string, number>();
  for (const t of attempts) {
    count.set(t.user_id, (count.get(t.user_id) ?? 0) + 1);
    if (t.status === 'in_progress') continue;
    const b = best.get(t.user_id);
    if (!b || (t.score ?? -1) > (b.score ?? -1) || ((t.score ?? -1) === (b.score ?? -1) && t.attempt_no > b.attempt_no))
      best.set(t.user_id, t);
  }
  return { best, count };
}

export function pupilResults(
  pupils: PupilRow[],
  attempts: repo.AttemptRow[],
  a: Pick<repo.AssignmentRow, 'max_score' | 'pass_score'>,
): TPupilResult[] {
  const { best, count } = bestAttempts(attempts);
  const open = new Set(attempts.filter((t) => t.status === 'in_progress').map((t) => t.user_id));
  const scores = [...best.values()].map((t) => t.score ?? 0).sort((x, y) => y - x);
  return pupils.map((p) => {
    const t = best.get(p.user_id);
    const score = t?.score ?? null;
    const max = t?.max_score ?? a.max_score;
    return {
      userId: p.user_id,
      name: p.display_name,
      studentNo: p.student_no,
      className: p.class_name,
      schoolName: p.school_name,
      status: t ? t.status : open.has(p.user_id) ? 'in_progress' : 'not_started',
      attemptId: t?.id ?? attempts.find((x) => x.user_id === p.user_id)?.id ?? null,
      attempts: count.get(p.user_id) ?? 0,
      score,
      // competition ranking: equal scores share a rank
      rank: score === null ? null : scores.indexOf(score) + 1,
      band: score === null ? null : scoreBand(score, max),
      passed: a.pass_score === null || score === null || (t && t.pending_manual > 0) ? null : score >= a.pass_score - 1e-9,
      submittedAt: t?.submitted_at ? new Date(t.submitted_at).toISOString() : null,
      durationSeconds: t?.submitted_at ? Math.round((new Date(t.submitted_at).getTime() - new Date(t.started_at).getTime()) / 1000) : null,
    };
  });
}

async function loadScope(ctx: AuthedContext, assignmentId: string, classId?: string) {
  const a = await getManagedAssignment(ctx, assignmentId);
  if (a.kind === 'assessment') throw new AppError('BAD_REQUEST', { message: '培训考核请查看考核结果表' });
  if (classId && !a.reachableClassIds.includes(classId)) throw notFound();
  const classIds = classId ? [classId] : a.reachableClassIds;
  await finalizeExpiredAttempts(ctx, { assignmentIds: [a.id] });
  const pupils = await listPupils(ctx.db, a.id, classIds);
  const attempts = pupils.length
    ? ((await ctx.db
        .selectFrom('hw_attempts')
        .selectAll()
        .where('assignment_id', '=', a.id)
        .where(
          'user_id',
          'in',
          pupils.map((p) => p.user_id),
        )
        .execute()) as unknown as repo.AttemptRow[])
    : [];
  return { a, pupils, attempts };
}

export async function getAnalysis(ctx: AuthedContext, assignmentId: string, classId?: string): Promise<TAssignmentAnalysis> {
  const { a, pupils, attempts } = await loadScope(ctx, assignmentId, classId);
  const { best } = bestAttempts(attempts);
  const finished = [...best.values()];
  const responses = await repo.listResponses(
    ctx.db,
    finished.map((t) => t.id),
  );
  const byAttempt = new Map<string, Map<string, repo.ResponseRow>>();
  for (const r of responses) {
    const m = byAttempt.get(r.attempt_id) ?? new Map();
    m.set(r.item_key, r);
    byAttempt.set(r.attempt_id, m);
  }
  const items = a.paper.items;
  const matrix = {
    items: items.map((i) => ({ key: i.key, maxScore: i.score })),
    persons: finished.map((t) => ({ id: t.user_id, scores: items.map((i) => byAttempt.get(t.id)?.get(i.key)?.score ?? null) })),
  };
  const stats = itemStatistics(matrix);
  const test = testStatistics(matrix);
  const totals = finished.map((t) => t.score ?? 0);

  const itemAnalysis: TItemAnalysis[] = items.map((item, i) => {
    const rs = finished.map((t) => byAttempt.get(t.id)?.get(item.key));
    const opts = choiceOptions(item.content);
    const chosen = rs.map((r) => (r ? chosenOptions(item.content, r.response) : null));
    const counted = opts
      ? optionCounts(
          chosen,
          opts.map((o) => o.id),
        )
      : null;
    const answered = rs.filter((r) => r && r.response !== null).length;
    return {
      key: item.key,
      position: item.position,
      type: item.content.type,
      stemPreview: richTextPreview(item.content.stem),
      maxScore: item.score,
      knowledgePointIds: knowledgePointsOf(item),
      answered,
      p: stats[i].p,
      correctRate: stats[i].correctRate,
      averageScore: round(mean(rs.map((r) => r?.score ?? 0))),
      pointBiserial: stats[i].pointBiserial,
      discrimination: stats[i].discrimination,
      quality: stats[i].quality,
      band: stats[i].band,
      options: opts && counted ? opts.map((o) => ({ ...o, count: counted.counts[o.id] ?? 0 })) : null,
      unanswered: finished.length - answered,
    };
  });

  const kpIds = [...new Set(items.flatMap(knowledgePointsOf))];
  const rates = knowledgePointRates(
    items.map((i) => ({ key: i.key, maxScore: i.score, knowledgePointIds: knowledgePointsOf(i) })),
    matrix.persons,
  );
  const [names, mastery] = await Promise.all([
    knowledgePointNames(ctx.db, kpIds),
    repo.listMastery(
      ctx.db,
      pupils.map((p) => p.user_id),
      kpIds,
    ),
  ]);
  const knowledgePoints = kpIds.map((id) => {
    const ms = mastery.filter((m) => m.knowledge_point_id === id).map((m) => m.p_mastery);
    return {
      id,
      name: names.get(id) ?? '未命名知识点',
      items: rates.get(id)?.items ?? 0,
      rate: rates.get(id)?.rate ?? 0,
      mastery: ms.length ? round(mean(ms), 3) : null,
    };
  });

  const classes = await repo.listAssignmentClasses(ctx.db, [a.id]);
  const progress = await repo.assignmentProgress(ctx.db, [a.id]);
  const creator = await repo.userNames(ctx.db, [a.created_by]);
  return {
    assignment: presentAssignmentSummary(a, {
      classes: classes.map((c) => ({ id: c.class_id, name: c.name, wholeClass: c.whole_class, groupName: c.group_name })),
      progress: progress.get(a.id),
      createdByName: creator.get(a.created_by) ?? '',
      canManage: true,
    }),
    test,
    histogram: scoreHistogram(totals, a.max_score, 10),
    bands: SCORE_BANDS.map((b) => ({ band: b.key, count: totals.filter((s) => scoreBand(s, a.max_score) === b.key).length })),
    items: itemAnalysis,
    knowledgePoints,
    pupils: pupilResults(pupils, attempts, a),
  };
}

/** One pupil's report on an assignment: for the teacher, the pupil themself, or their parent. */
export async function getPupilReport(ctx: AuthedContext, assignmentId: string, pupilId: string): Promise<TPupilReport> {
  const a = await repo.findAssignment(ctx.db, assignmentId);
  if (!a || a.kind === 'assessment') throw notFound();
  const recipient = await repo.findRecipient(ctx.db, a.id, pupilId);
  if (!recipient) throw notFound();
  const actor = ctx.actor;
  let allowed = false;
  if (actor.role === 'student') allowed = actor.userId === pupilId;
  else if (actor.role === 'parent')
    allowed = !!(await ctx.db
      .selectFrom('guardianships')
      .select('student_id')
      .where('parent_id', '=', actor.userId)
      .where('student_id', '=', pupilId)
      .executeTakeFirst());
  else if (actor.permissions.has('homework.manage')) {
    const managed = await getManagedAssignment(ctx, a.id).catch(() => null);
    allowed = !!managed && !!recipient.class_id && managed.reachableClassIds.includes(recipient.class_id);
  }
  if (!allowed) throw notFound();
  await finalizeExpiredAttempts(ctx, { assignmentIds: [a.id] });

  const classPupils = await listPupils(ctx.db, a.id, recipient.class_id ? [recipient.class_id] : null);
  const attempts = (await ctx.db
    .selectFrom('hw_attempts')
    .selectAll()
    .where('assignment_id', '=', a.id)
    .where(
      'user_id',
      'in',
      classPupils.map((p) => p.user_id),
    )
    .execute()) as unknown as repo.AttemptRow[];
  const results = pupilResults(classPupils, attempts, a);
  const me = results.find((r) => r.userId === pupilId);
  if (!me) throw notFound();
  const { best } = bestAttempts(attempts);
  const finished = [...best.values()];
  const responses = await repo.listResponses(
    ctx.db,
    finished.map((t) => t.id),
  );
  const mine = best.get(pupilId);
  const scoreOf = (attemptId: string | undefined, key: string) => responses.find((r) => r.attempt_id === attemptId && r.item_key === key);
  const items = a.paper.items;
  const classRate = (key: string, max: number) =>
    finished.length ? round(mean(finished.map((t) => (scoreOf(t.id, key)?.score ?? 0) / (max || 1))), 3) : 0;
  const kpIds = [...new Set(items.flatMap(knowledgePointsOf))];
  const kpItems = items.map((i) => ({ key: i.key, maxScore: i.score, knowledgePointIds: knowledgePointsOf(i) }));
  const myRates = knowledgePointRates(kpItems, mine ? [{ scores: items.map((i) => scoreOf(mine.id, i.key)?.score ?? null) }] : []);
  const classRates = knowledgePointRates(
    kpItems,
    finished.map((t) => ({ scores: items.map((i) => scoreOf(t.id, i.key)?.score ?? null) })),
  );
  const [names, mastery] = await Promise.all([knowledgePointNames(ctx.db, kpIds), repo.listMastery(ctx.db, [pupilId], kpIds)]);
  const scored = results.filter((r) => r.score !== null).map((r) => r.score!);
  return {
    assignment: { id: a.id, title: a.title, kind: a.kind, maxScore: a.max_score, closesAt: a.closes_at.toISOString() },
    pupil: me,
    classAverage: scored.length ? round(mean(scored)) : null,
    items: items.map((i) => {
      const r = mine ? scoreOf(mine.id, i.key) : undefined;
      return {
        key: i.key,
        position: i.position,
        type: i.content.type,
        stemPreview: richTextPreview(i.content.stem),
        maxScore: i.score,
        score: r?.score ?? (mine ? 0 : null),
        isCorrect: r?.is_correct ?? null,
        classRate: classRate(i.key, i.score),
      };
    }),
    knowledgePoints: kpIds.map((id) => ({
      id,
      name: names.get(id) ?? '未命名知识点',
      rate: myRates.get(id)?.rate ?? 0,
      classRate: classRates.get(id)?.rate ?? 0,
      mastery: mastery.find((m) => m.knowledge_point_id === id)?.p_mastery ?? null,
    })),
  };
}
