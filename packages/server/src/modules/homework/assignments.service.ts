import { randomUUID } from 'node:crypto';
import type {
  TAssignmentDetail,
  TAssignmentSummary,
  TClassDoneItems,
  TCreateAssignmentRequest,
  TGroup,
  TMyAssignment,
} from '@qiming/shared';
import { coversPath } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { getPaperForDelivery, getReadablePaper } from '../items/index.ts';
import { finalizeExpiredAttempts } from './attempts.service.ts';
import * as repo from './homework.repository.ts';
import { getManagedAssignment, notFound } from './homework.policy.ts';
import { presentAssignmentSummary, presentMyAssignment } from './homework.presenter.ts';
import { forgetAssignment, snapshotFromDelivery } from './snapshot-cache.ts';

type ZGroupInput = { classId: string; name: string; studentIds: string[] };

const issue = (path: (string | number)[], message: string) =>
  new AppError('VALIDATION_FAILED', { message, details: { issues: [{ path, message }] } });

/** The school (or teaching point) a class belongs to: the nearest such ancestor on its path. */
export async function schoolOfPath(db: DbOrTx, path: string) {
  const ids = path.split('/').filter(Boolean);
  return db
    .selectFrom('org_units')
    .select(['id', 'name', 'path'])
    .where('id', 'in', ids)
    .where('kind', 'in', ['school', 'teaching_point'])
    .orderBy(({ fn }) => fn('length', ['path']), 'desc')
    .executeTakeFirst();
}

async function summaries(ctx: AuthedContext, rows: repo.AssignmentRow[], canManage: boolean): Promise<TAssignmentSummary[]> {
  const ids = rows.map((r) => r.id);
  const [classes, progress, names] = await Promise.all([
    repo.listAssignmentClasses(ctx.db, ids),
    repo.assignmentProgress(ctx.db, ids),
    repo.userNames(ctx.db, [...new Set(rows.map((r) => r.created_by))]),
  ]);
  const now = new Date();
  return rows.map((a) =>
    presentAssignmentSummary(
      a,
      {
        classes: classes
          .filter((c) => c.assignment_id === a.id)
          .map((c) => ({ id: c.class_id, name: c.name, wholeClass: c.whole_class, groupName: c.group_name })),
        progress: progress.get(a.id),
        createdByName: names.get(a.created_by) ?? '',
        canManage,
      },
      now,
    ),
  );
}

/** Resolves classes, groups and single pupils to the pupils who get the assignment; each must be in the teacher's classes. */
async function resolveRecipients(ctx: AuthedContext, input: Pick<TCreateAssignmentRequest, 'classIds' | 'groupIds' | 'studentIds'>) {
  const db = ctx.db;
  const classes = new Map<string, { id: string; path: string; whole: boolean; groups: string[] }>();
  const recipients = new Map<string, string>(); // pupil → class
  const classRows = input.classIds.length
    ? await db
        .selectFrom('org_units')
        .select(['id', 'path'])
        .where('id', 'in', input.classIds)
        .where('kind', '=', 'class')
        .where('archived_at', 'is', null)
        .execute()
    : [];
  input.classIds.forEach((id, i) => {
    const c = classRows.find((r) => r.id === id);
    if (!c || !coversPath(ctx.actor, c.path))
      throw new AppError('NOT_FOUND', {
        message: '未找到该班级，或您不是该班级的任课教师',
        details: { issues: [{ path: ['body', 'classIds', i], message: '未找到该班级' }] },
      });
    classes.set(id, { id, path: c.path, whole: true, groups: [] });
  });
  const wholeIds = [...classes.keys()];
  if (wholeIds.length) {
    const pupils = await db
      .selectFrom('students')
      .select(['user_id', 'class_id'])
      .where('class_id', 'in', wholeIds)
      .where('status', '=', 'enrolled')
      .execute();
    for (const p of pupils) recipients.set(p.user_id, p.class_id!);
  }
  if (input.groupIds.length) {
    const groups = await db
      .selectFrom('hw_groups as g')
      .innerJoin('org_units as c', 'c.id', 'g.class_id')
      .select(['g.id', 'g.name', 'g.class_id', 'g.student_ids', 'c.path'])
      .where('g.id', 'in', input.groupIds)
      .execute();
    input.groupIds.forEach((id) => {
      const g = groups.find((r) => r.id === id);
      if (!g || !coversPath(ctx.actor, g.path)) throw new AppError('NOT_FOUND', { message: '未找到该分组' });
      const c = classes.get(g.class_id) ?? { id: g.class_id, path: g.path, whole: false, groups: [] };
      c.groups.push(g.name);
      classes.set(g.class_id, c);
    });
    const members = groups.flatMap((g) => g.student_ids);
    const pupils = members.length
      ? await db
          .selectFrom('students')
          .select(['user_id', 'class_id'])
          .where('user_id', 'in', members)
          .where('status', '=', 'enrolled')
          .execute()
      : [];
    for (const p of pupils) if (p.class_id && classes.has(p.class_id)) recipients.set(p.user_id, p.class_id);
  }
  if (input.studentIds.length) {
    const pupils = await db
      .selectFrom('students as s')
      .innerJoin('org_units as c', 'c.id', 's.class_id')
      .select(['s.user_id', 's.class_id', 'c.path'])
      .where('s.user_id', 'in', input.studentIds)
      .where('s.status', '=', 'enrolled')
      .execute();
    input.studentIds.forEach((id, i) => {
      const p = pupils.find((r) => r.user_id === id);
      if (!p || !coversPath(ctx.actor, p.path))
        throw new AppError('NOT_FOUND', {
          message: '未找到该学生，或该学生不在您任教的班级',
          details: { issues: [{ path: ['body', 'studentIds', i], message: '未找到该学生' }] },
        });
      recipients.set(p.user_id, p.class_id!);
      if (!classes.has(p.class_id!)) classes.set(p.class_id!, { id: p.class_id!, path: p.path, whole: false, groups: [] });
    });
  }
  if (!recipients.size) throw issue(['body', 'classIds'], '所选班级或分组中没有在读学生');
  return { classes: [...classes.values()], recipients };
}

export async function createAssignment(ctx: AuthedContext, input: TCreateAssignmentRequest): Promise<TAssignmentSummary> {
  await getReadablePaper(ctx, input.paperId);
  const paper = snapshotFromDelivery(await getPaperForDelivery(ctx.db, input.paperId));
  if (!paper.items.length) throw new AppError('PAPER_EMPTY');
  const { classes, recipients } = await resolveRecipients(ctx, input);
  const school = await schoolOfPath(ctx.db, classes[0].path);
  if (!school) throw notFound();
  const id = randomUUID();
  const now = new Date();
  await withTransaction(ctx.db, async (tx) => {
    await repo.insertAssignment(tx, {
      id,
      kind: input.kind,
      title: input.title,
      owner_unit_id: school.id,
      owner_path: school.path,
      subject: paper.subject,
      paper_id: input.paperId,
      bank_id: null,
      draw_count: null,
      draw_filters: null,
      paper,
      max_score: paper.maxScore,
      opens_at: input.opensAt,
      closes_at: input.closesAt,
      time_limit_minutes: input.timeLimitMinutes,
      max_attempts: input.maxAttempts,
      shuffle_items: input.shuffleItems,
      shuffle_options: input.shuffleOptions,
      show_answers: input.showAnswers,
      pass_score: null,
      instructions: input.instructions,
      created_by: ctx.actor.userId,
      created_at: now,
    });
    await repo.insertAssignmentClasses(
      tx,
      classes.map((c) => ({
        assignment_id: id,
        class_id: c.id,
        class_path: c.path,
        whole_class: c.whole,
        group_name: c.groups.join('、') || null,
      })),
    );
    await repo.insertRecipients(
      tx,
      [...recipients].map(([userId, classId]) => ({ assignment_id: id, user_id: userId, class_id: classId, school_id: school.id })),
    );
    await recordAudit(tx, ctx, {
      action: 'homework.assign',
      targetType: 'assignment',
      targetId: id,
      scopeId: school.id,
      summary: { title: input.title, kind: input.kind, paperId: input.paperId, classes: classes.length, pupils: recipients.size },
    });
  });
  return getAssignmentSummary(ctx, id);
}

export async function getAssignmentSummary(ctx: AuthedContext, id: string): Promise<TAssignmentSummary> {
  const a = await getManagedAssignment(ctx, id);
  return (await summaries(ctx, [a], true))[0];
}

export async function getAssignmentDetail(ctx: AuthedContext, id: string): Promise<TAssignmentDetail> {
  const a = await getManagedAssignment(ctx, id);
  const [summary] = await summaries(ctx, [a], true);
  return {
    ...summary,
    instructions: a.instructions,
    items: a.paper.items.map((it) => ({
      key: it.key,
      itemId: it.itemId,
      position: it.position,
      sectionTitle: it.sectionTitle,
      type: it.content.type,
      score: it.score,
      difficulty: it.content.difficulty,
      knowledgePointIds: it.content.knowledgePointIds ?? [],
      content: it.content,
    })),
  };
}

export async function listAssignments(
  ctx: AuthedContext,
  q: { classId?: string; kind?: string; state?: string; page: number; pageSize: number },
): Promise<{ items: TAssignmentSummary[]; total: number; page: number; pageSize: number }> {
  const { total, rows } = await repo.listAssignmentsForTeacher(ctx.db, ctx.actor, q);
  return { items: await summaries(ctx, rows, true), total, page: q.page, pageSize: q.pageSize };
}

export async function updateAssignment(ctx: AuthedContext, id: string, input: { title?: string; closesAt?: Date; instructions?: string }) {
  const a = await getManagedAssignment(ctx, id);
  if (input.closesAt && input.closesAt <= a.opens_at) throw issue(['body', 'closesAt'], '截止时间应晚于开始时间');
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .updateTable('hw_assignments')
      .set({
        ...(input.title ? { title: input.title } : {}),
        ...(input.closesAt ? { closes_at: input.closesAt } : {}),
        ...(input.instructions !== undefined ? { instructions: input.instructions } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'homework.update',
      targetType: 'assignment',
      targetId: id,
      scopeId: a.owner_unit_id,
      summary: { title: input.title, closesAt: input.closesAt?.toISOString() },
    });
  });
  forgetAssignment(id);
  return getAssignmentSummary(ctx, id);
}

export async function archiveAssignment(ctx: AuthedContext, id: string): Promise<void> {
  const a = await getManagedAssignment(ctx, id);
  await withTransaction(ctx.db, async (tx) => {
    await tx.updateTable('hw_assignments').set({ archived_at: new Date() }).where('id', '=', id).execute();
    await recordAudit(tx, ctx, {
      action: 'homework.archive',
      targetType: 'assignment',
      targetId: id,
      scopeId: a.owner_unit_id,
      summary: { title: a.title },
    });
  });
  forgetAssignment(id);
}

/** A pupil's (or an assessed teacher's) own assignments. */
export async function listMyAssignments(
  ctx: AuthedContext,
  q: { kind?: string; filter: 'todo' | 'done' | 'all' },
  userId = ctx.actor.userId,
): Promise<TMyAssignment[]> {
  let query = ctx.db
    .selectFrom('hw_recipients as r')
    .innerJoin('hw_assignments as a', 'a.id', 'r.assignment_id')
    .selectAll('a')
    .where('r.user_id', '=', userId)
    .where('a.archived_at', 'is', null);
  query = q.kind
    ? query.where('a.kind', '=', q.kind)
    : ctx.actor.role === 'student' || ctx.actor.role === 'parent'
      ? query.where('a.kind', '!=', 'assessment')
      : query;
  const rows = (await query.orderBy('a.closes_at', 'desc').limit(200).execute()) as unknown as repo.AssignmentRow[];
  const ids = rows.map((r) => r.id);
  if (ids.length) await finalizeExpiredAttempts(ctx, { assignmentIds: ids, userId });
  const attempts = ids.length
    ? ((await ctx.db
        .selectFrom('hw_attempts')
        .selectAll()
        .where('assignment_id', 'in', ids)
        .where('user_id', '=', userId)
        .orderBy('attempt_no')
        .execute()) as unknown as repo.AttemptRow[])
    : [];
  const now = new Date();
  const out = rows.map((a) =>
    presentMyAssignment(
      a,
      attempts.filter((t) => t.assignment_id === a.id),
      now,
    ),
  );
  const done = (m: TMyAssignment) => m.state === 'closed' || (!m.openAttemptId && m.attemptsUsed > 0);
  const filtered = q.filter === 'todo' ? out.filter((m) => !done(m)) : q.filter === 'done' ? out.filter(done) : out;
  // open work first, the one closing soonest on top
  return filtered.sort(
    (x, y) => Number(done(x)) - Number(done(y)) || (done(x) ? y.closesAt.localeCompare(x.closesAt) : x.closesAt.localeCompare(y.closesAt)),
  );
}

// groups (分组)

export async function listGroups(ctx: AuthedContext, classId: string): Promise<TGroup[]> {
  const rows = await ctx.db.selectFrom('hw_groups').selectAll().where('class_id', '=', classId).orderBy('name').execute();
  const names = await repo.userNames(ctx.db, [...new Set(rows.flatMap((r) => r.student_ids))]);
  return rows.map((g) => ({
    id: g.id,
    classId: g.class_id,
    name: g.name,
    students: g.student_ids.map((id) => ({ id, name: names.get(id) ?? '' })),
  }));
}

/**
 * Every item in the papers of the homework and tests given to a class (whole class or a group of
 * it), so automatic assembly can leave them out. The route has already placed the class in the
 * caller's scope.
 */
export async function listClassDoneItems(ctx: AuthedContext, classId: string): Promise<TClassDoneItems> {
  return { classId, itemIds: await listItemIdsDoneByClass(ctx.db, classId) };
}

export async function createGroup(ctx: AuthedContext, input: ZGroupInput): Promise<TGroup> {
  const pupils = await ctx.db
    .selectFrom('students')
    .select('user_id')
    .where('class_id', '=', input.classId)
    .where('user_id', 'in', input.studentIds)
    .execute();
  const inClass = new Set(pupils.map((p) => p.user_id));
  const bad = input.studentIds.map((id, i) => [id, i] as const).filter(([id]) => !inClass.has(id));
  if (bad.length)
    throw new AppError('VALIDATION_FAILED', {
      message: '分组中有不属于该班级的学生',
      details: { issues: bad.map(([, i]) => ({ path: ['body', 'studentIds', i], message: '该学生不在此班级' })) },
    });
  const clash = await ctx.db
    .selectFrom('hw_groups')
    .select('id')
    .where('class_id', '=', input.classId)
    .where('name', '=', input.name)
    .executeTakeFirst();
  if (clash) throw new AppError('CONFLICT', { message: `该班级已有名为“${input.name}”的分组` });
  const id = randomUUID();
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto('hw_groups')
      .values({
        id,
        class_id: input.classId,
        name: input.name,
        student_ids: [...new Set(input.studentIds)],
        created_by: ctx.actor.userId,
        created_at: new Date(),
      })
      .execute();
    await recordAudit(tx, ctx, {
      action: 'homework.group.create',
      targetType: 'hw_group',
      targetId: id,
      scopeId: input.classId,
      summary: { name: input.name, size: input.studentIds.length },
    });
  });
  return (await listGroups(ctx, input.classId)).find((g) => g.id === id)!;
}

/** Item ids a class has already been given (for automatic paper assembly to leave out). */
export async function listItemIdsDoneByClass(db: DbOrTx, classId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('hw_assignment_classes as ac')
    .innerJoin('hw_assignments as a', 'a.id', 'ac.assignment_id')
    .select('a.paper')
    .where('ac.class_id', '=', classId)
    .where('a.archived_at', 'is', null)
    .execute();
  const ids = new Set<string>();
  for (const r of rows) for (const it of (r.paper as repo.AssignmentRow['paper']).items) ids.add(it.itemId);
  return [...ids];
}
