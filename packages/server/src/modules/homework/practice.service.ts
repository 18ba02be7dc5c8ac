import { randomUUID } from 'node:crypto';
import {
  checkResponseShape,
  gradeResponse,
  presentItemForPupil,
  type TMastery,
  type TPracticeAnswerResult,
  type TPracticeSet,
  type TWrongItem,
  richTextPreview,
} from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { findSimilarItems, knowledgePointNames, knowledgePoints, type TFoundItem } from '../items/index.ts';
import * as repo from './homework.repository.ts';
import { BKT_DEFAULTS, MASTERED_AT, pickNextItems } from './knowledge-tracing.ts';
import { recordGradedAnswers } from './learning-records.ts';
import { difficulty01, type SnapshotItem } from './paper-snapshot.ts';

/** 错题本, mastery and practice (巩固练习) of one person. */

/** Two right answers in a row in practice clear an item from the 错题本. */
export const CLEAR_AFTER = 2;

type PracticeItem = SnapshotItem & { reason: 'wrong_item' | 'similar' | 'weak_point' };

export async function listWrongItems(
  ctx: AuthedContext,
  userId: string,
  q: { subject?: string; status: 'open' | 'mastered' | 'all'; page: number; pageSize: number },
): Promise<{ items: TWrongItem[]; total: number; page: number; pageSize: number }> {
  let base = ctx.db.selectFrom('hw_wrong_items as w').where('w.user_id', '=', userId);
  if (q.subject) base = base.where('w.subject', '=', q.subject);
  if (q.status === 'open') base = base.where('w.mastered_at', 'is', null);
  if (q.status === 'mastered') base = base.where('w.mastered_at', 'is not', null);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base
    .leftJoin('hw_assignments as a', 'a.id', 'w.assignment_id')
    .selectAll('w')
    .select('a.title as assignment_title')
    .orderBy('w.last_wrong_at', 'desc')
    .orderBy('w.item_id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  const names = await knowledgePointNames(ctx.db, [...new Set(rows.flatMap((r) => r.knowledge_point_ids))]);
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    items: rows.map((r) => {
      const item = r.item as { content: SnapshotItem['content']; score: number };
      return {
        itemId: r.item_id,
        type: item.content.type,
        subject: r.subject,
        stemPreview: richTextPreview(item.content.stem),
        item: presentItemForPupil(item.content, { shuffleSeed: r.item_id, score: item.score }),
        // the 错题本 is for learning from mistakes: the key and explanation are shown
        solution: item.content,
        lastResponse: r.last_response ?? null,
        knowledgePoints: r.knowledge_point_ids.map((id) => ({ id, name: names.get(id) ?? '未命名知识点' })),
        wrongCount: r.wrong_count,
        practiceCorrect: r.practice_correct,
        assignmentTitle: r.assignment_title ?? null,
        lastWrongAt: r.last_wrong_at.toISOString(),
        masteredAt: r.mastered_at ? r.mastered_at.toISOString() : null,
      };
    }),
  };
}

export async function listMasteryOf(ctx: AuthedContext, userId: string): Promise<TMastery[]> {
  const rows = await repo.listMasteryOfUser(ctx.db, userId);
  const kps = await knowledgePoints(
    ctx.db,
    rows.map((r) => r.knowledge_point_id),
  );
  return rows.map((r) => ({
    knowledgePointId: r.knowledge_point_id,
    name: kps.get(r.knowledge_point_id)?.name ?? '未命名知识点',
    subject: kps.get(r.knowledge_point_id)?.subject ?? null,
    pMastery: Math.round(r.p_mastery * 1000) / 1000,
    mastered: r.p_mastery >= MASTERED_AT,
    observations: r.observations,
    correct: r.correct,
    updatedAt: r.updated_at.toISOString(),
  }));
}

/** The path of the pupil's class: bank visibility for practice items is decided by it. */
async function audiencePath(db: DbOrTx, userId: string): Promise<string> {
  const r = await db
    .selectFrom('students as s')
    .leftJoin('org_units as c', 'c.id', 's.class_id')
    .innerJoin('org_units as sc', 'sc.id', 's.school_id')
    .select(['c.path as class_path', 'sc.path as school_path'])
    .where('s.user_id', '=', userId)
    .executeTakeFirst();
  if (!r) throw new AppError('NOT_FOUND', { message: '未找到学生信息' });
  return r.class_path ?? r.school_path;
}

const fromFound = (f: TFoundItem, position: number, reason: PracticeItem['reason']): PracticeItem => ({
  key: f.itemId,
  itemId: f.itemId,
  versionId: f.versionId,
  position,
  sectionTitle: '巩固练习',
  score: f.content.score,
  content: f.content,
  reason,
});

/** Picks a practice set: the 错题本 and items like them, or the items knowledge tracing picks for the weakest points. */
export async function startPractice(
  ctx: AuthedContext,
  input: { source: 'wrong_items' | 'weak_points'; itemId?: string; subject?: string; count: number },
): Promise<TPracticeSet> {
  const userId = ctx.actor.userId;
  const path = await audiencePath(ctx.db, userId);
  const picked: PracticeItem[] = [];
  const add = (p: Omit<PracticeItem, 'position'>) => {
    if (picked.length < input.count && !picked.some((x) => x.itemId === p.itemId)) picked.push({ ...p, position: picked.length + 1 });
  };
  const wrongRows = await ctx.db
    .selectFrom('hw_wrong_items')
    .selectAll()
    .where('user_id', '=', userId)
    .where('mastered_at', 'is', null)
    .$if(!!input.subject, (q) => q.where('subject', '=', input.subject!))
    .$if(!!input.itemId, (q) => q.where('item_id', '=', input.itemId!))
    .orderBy('last_wrong_at', 'desc')
    .limit(input.count)
    .execute();
  const asItem = (w: (typeof wrongRows)[number]): Omit<PracticeItem, 'position'> => {
    const it = w.item as { versionId: string; score: number; content: SnapshotItem['content'] };
    return {
      key: w.item_id,
      itemId: w.item_id,
      versionId: it.versionId,
      sectionTitle: '错题重练',
      score: it.score,
      content: it.content,
      reason: 'wrong_item',
    };
  };
  if (input.source === 'wrong_items') {
    if (input.itemId && !wrongRows.length) throw new AppError('NOT_FOUND', { message: '错题本中没有这道题' });
    for (const w of wrongRows) add(asItem(w));
    const kps = [...new Set(wrongRows.flatMap((w) => w.knowledge_point_ids))];
    const similar = await findSimilarItems(ctx.db, {
      knowledgePointIds: kps,
      audiencePath: path,
      excludeItemIds: wrongRows.map((w) => w.item_id),
      limit: input.count,
    });
    for (const f of similar) add(fromFound(f, 0, 'similar'));
  } else {
    const mastery = await repo.listMastery(ctx.db, [userId]);
    const weak = mastery.filter((m) => m.p_mastery < MASTERED_AT).sort((a, b) => a.p_mastery - b.p_mastery);
    const kps = [...new Set([...weak.map((m) => m.knowledge_point_id), ...wrongRows.flatMap((w) => w.knowledge_point_ids)])].slice(0, 20);
    const recent = await ctx.db
      .selectFrom('hw_practice_sets')
      .select('items')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(3)
      .execute();
    const exclude = [...new Set(recent.flatMap((r) => (r.items as PracticeItem[]).map((i) => i.itemId)))];
    const candidates = await findSimilarItems(ctx.db, {
      knowledgePointIds: kps,
      audiencePath: path,
      excludeItemIds: exclude,
      subject: input.subject,
      limit: 60,
    });
    const m = new Map(mastery.map((x) => [x.knowledge_point_id, x.p_mastery]));
    const next = pickNextItems(
      candidates.map((c) => ({ itemId: c.itemId, knowledgePointIds: c.knowledgePointIds, difficulty: difficulty01(c) })),
      m,
      { count: input.count, params: BKT_DEFAULTS },
    );
    const byId = new Map(candidates.map((c) => [c.itemId, c]));
    for (const n of next) add(fromFound(byId.get(n.itemId)!, 0, 'weak_point'));
    // not enough new items on weak points: redo wrong items
    for (const w of wrongRows) add(asItem(w));
  }
  if (!picked.length)
    throw new AppError('NOT_FOUND', { message: '暂时没有可练习的题目：完成作业后，系统会根据错题和知识点掌握情况推荐练习' });
  const id = randomUUID();
  await ctx.db
    .insertInto('hw_practice_sets')
    .values({ id, user_id: userId, source: input.source, items: JSON.stringify(picked), created_at: new Date() })
    .execute();
  return {
    id,
    createdAt: new Date().toISOString(),
    items: picked.map((p) => ({
      key: p.key,
      itemId: p.itemId,
      reason: p.reason,
      item: presentItemForPupil(p.content, { shuffleSeed: `${id}:${p.key}`, score: p.score }),
    })),
  };
}

/** Grades one practice answer at once; updates mastery, the statement log and the 错题本. */
export async function answerPractice(
  ctx: AuthedContext,
  setId: string,
  input: { key: string; response: Record<string, unknown> },
): Promise<TPracticeAnswerResult> {
  const set = await ctx.db.selectFrom('hw_practice_sets').selectAll().where('id', '=', setId).executeTakeFirst();
  if (!set || set.user_id !== ctx.actor.userId) throw new AppError('NOT_FOUND', { message: '未找到该练习' });
  const item = (set.items as PracticeItem[]).find((i) => i.key === input.key);
  if (!item)
    throw new AppError('RESPONSE_INVALID', {
      message: '本次练习中没有这道题',
      details: { issues: [{ path: ['body', 'key'], message: '本次练习中没有这道题' }] },
    });
  const issues = checkResponseShape(item.content, input.response, ['body', 'response']);
  if (issues.length) throw new AppError('RESPONSE_INVALID', { message: `答案格式与题目不符（${issues[0].message}）`, details: { issues } });
  const result = gradeResponse(item.content, input.response);
  const now = new Date();
  return withTransaction(ctx.db, async (tx) => {
    const student = await tx
      .selectFrom('students')
      .select(['class_id', 'school_id'])
      .where('user_id', '=', ctx.actor.userId)
      .executeTakeFirst();
    const changes = await recordGradedAnswers(
      tx,
      {
        user: { id: ctx.actor.userId, name: ctx.actor.displayName },
        registration: set.id,
        assignmentId: null,
        classId: student?.class_id ?? null,
        schoolId: student?.school_id ?? null,
        subject: item.content.subject,
        verb: 'answered',
        at: now,
      },
      [{ item, response: input.response, result }],
    );
    let cleared = false;
    if (!result.needsManualGrading && result.score >= result.maxScore - 1e-9) {
      const w = await tx
        .updateTable('hw_wrong_items')
        .set((eb) => ({ practice_correct: eb('practice_correct', '+', 1) }))
        .where('user_id', '=', ctx.actor.userId)
        .where('item_id', '=', item.itemId)
        .where('mastered_at', 'is', null)
        .returning('practice_correct')
        .executeTakeFirst();
      if (w && w.practice_correct >= CLEAR_AFTER) {
        await tx
          .updateTable('hw_wrong_items')
          .set({ mastered_at: now })
          .where('user_id', '=', ctx.actor.userId)
          .where('item_id', '=', item.itemId)
          .execute();
        cleared = true;
      }
    }
    await tx
      .updateTable('hw_practice_sets')
      .set((eb) => ({ answered: eb('answered', '+', 1), correct: eb('correct', '+', result.isCorrect ? 1 : 0) }))
      .where('id', '=', set.id)
      .execute();
    const { score: _s, maxScore: _m, isCorrect: _c, needsManualGrading: _n, isAnswered: _a, ...detail } = result;
    return {
      key: item.key,
      score: result.score,
      maxScore: result.maxScore,
      isCorrect: result.isCorrect,
      detail: Object.keys(detail).length ? detail : null,
      solution: item.content,
      mastery: [...changes].map(([knowledgePointId, v]) => ({
        knowledgePointId,
        before: Math.round(v.before * 1000) / 1000,
        after: Math.round(v.after * 1000) / 1000,
      })),
      wrongItemCleared: cleared,
    };
  });
}
