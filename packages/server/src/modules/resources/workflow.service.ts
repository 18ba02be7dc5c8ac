import { randomUUID } from 'node:crypto';
import {
  REVIEW_LEVEL_NAMES,
  REVIEW_LEVELS,
  type Audience,
  type ReviewLevel,
  type TReviewDetail,
  type TReviewSettings,
} from '@qiming/shared';
import { sql } from 'kysely';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx, type Tx } from '../../core/db/database.ts';
import type { ResourceRow } from '../../core/db/schema.ts';
import { AppError } from '../../core/errors.ts';
import { notify } from '../notify/index.ts';
import { reindexResource } from './indexing.ts';
import { currentLevel, LEVEL_UNIT_KINDS, loadPerson, manages, reviews } from './resources.policy.ts';
import { presentSummary } from './resources.presenter.ts';
import * as repo from './resources.repository.ts';
import { getResource, readableResource } from './resources.service.ts';
import { getReviewSettings, latestScreening, saveReviewSettings, screenResource } from './screening/screening.service.ts';

const notFound = () => new AppError('NOT_FOUND', { message: '未找到该资源，或您无权查看' });
const link = (id: string) => `/resources/${id}`;

const UNIT_LEVEL: Record<string, number> = { school: 0, teaching_point: 0, district: 1, city: 2, province: 2 };
const AUDIENCE_LEVEL: Record<Audience, number> = { school: 0, district: 1, city: 2, public: 2 };

/**
 * The review levels a resource passes: the configured ones from its author's own level up to the
 * level of its audience (a school resource is reviewed by the school; one for the city by the
 * school, the district and the city). With none configured in that span, the nearest one above.
 */
export function reviewChain(settings: TReviewSettings, unitKind: string, audience: Audience): ReviewLevel[] {
  const from = UNIT_LEVEL[unitKind] ?? 0;
  const to = Math.max(from, AUDIENCE_LEVEL[audience]);
  const chain = REVIEW_LEVELS.filter((l, i) => i >= from && i <= to && settings.levels.includes(l));
  if (chain.length) return chain;
  const above = REVIEW_LEVELS.find((l, i) => i >= from && settings.levels.includes(l));
  return [above ?? REVIEW_LEVELS[to]];
}

async function step(tx: Tx, ctx: AuthedContext, resourceId: string, action: string, level: string | null, comment = '') {
  await tx
    .insertInto('resource_review_steps')
    .values({ id: randomUUID(), resource_id: resourceId, action, level, actor_id: ctx.actor.userId, comment, created_at: new Date() })
    .execute();
}

/** Everyone who reviews at a level over a school: administrators and researchers whose grant is on a unit of that level above it. */
async function reviewersOf(db: DbOrTx, level: ReviewLevel, schoolPath: string, except: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_grants as g')
    .innerJoin('org_units as u', 'u.id', 'g.scope_id')
    .select('g.user_id')
    .distinct()
    .where('g.role', 'in', ['school_admin', 'bureau_admin', 'researcher'])
    .where('u.kind', 'in', LEVEL_UNIT_KINDS[level])
    .where('g.scope_path', 'is not', null)
    .where(sql<boolean>`starts_with(${schoolPath}, g.scope_path)`)
    .where('g.user_id', '!=', except)
    .execute();
  return rows.map((r) => r.user_id);
}

const requireLocked = async (tx: Tx, id: string) => {
  const r = await repo.lockResource(tx, id);
  if (!r) throw notFound();
  return r;
};

/** Submits one's own resource: it is screened at once and goes to its first review level with the report. */
export async function submitResource(ctx: AuthedContext, id: string) {
  await withTransaction(ctx.db, async (tx) => {
    const r = await requireLocked(tx, id);
    if (r.owner_id !== ctx.actor.userId) throw notFound();
    if (!['draft', 'returned', 'withdrawn'].includes(r.status))
      throw new AppError('RESOURCE_STATE_INVALID', { message: '该资源已在审核中或已发布' });
    if (!r.file_hash) throw new AppError('RESOURCE_STATE_INVALID', { message: '请先上传资源文件再提交审核' });
    const unit = await tx.selectFrom('org_units').select('kind').where('id', '=', r.school_id).executeTakeFirstOrThrow();
    const chain = reviewChain(await getReviewSettings(tx), unit.kind, r.audience as Audience);
    await tx
      .updateTable('resources')
      .set({
        status: 'in_review',
        review_levels: chain,
        review_index: 0,
        return_reason: null,
        submitted_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await step(tx, ctx, id, 'submit', null);
    const screening = await screenResource(tx, r);
    await tx
      .insertInto('resource_review_steps')
      .values({
        id: randomUUID(),
        resource_id: id,
        action: 'screen',
        level: null,
        actor_id: null,
        comment: screening.isFlagged
          ? `发现 ${screening.safetyHits.length} 处敏感词、${screening.duplicates.length} 个相似资源，请审核人重点核查`
          : '未发现敏感内容和重复资源',
        created_at: new Date(),
      })
      .execute();
    await recordAudit(tx, ctx, {
      action: 'resource.submit',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { chain, flagged: screening.isFlagged, hits: screening.safetyHits.length, duplicates: screening.duplicates.length },
    });
    await notify(tx, {
      userIds: await reviewersOf(tx, chain[0], r.school_path, r.owner_id),
      kind: 'resource.review_requested',
      title: `待审核：${r.title}`,
      body: `${REVIEW_LEVEL_NAMES[chain[0]]}${screening.isFlagged ? '（自动筛查发现问题，请重点核查）' : ''}`,
      link: `/resources/review/${id}`,
    });
  });
  return getResource(ctx, id);
}

/** A reviewer at the current level approves: the next level gets it, or after the last it is published and indexed. */
export async function approveResource(ctx: AuthedContext, id: string, comment: string) {
  const person = await loadPerson(ctx.db, ctx.actor);
  await withTransaction(ctx.db, async (tx) => {
    const r = await requireLocked(tx, id);
    if (!reviews(person, r)) throw await refusal(tx, ctx, person, r);
    const level = currentLevel(r)!;
    await step(tx, ctx, id, 'approve', level, comment);
    const last = r.review_index >= r.review_levels.length - 1;
    if (last) {
      await tx
        .updateTable('resources')
        .set({ status: 'published', published_at: new Date(), updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      await step(tx, ctx, id, 'publish', level);
      await reindexResource(tx, id);
      await notify(tx, {
        userIds: [r.owner_id],
        kind: 'resource.published',
        title: `已发布：${r.title}`,
        body: '您的资源已通过审核并发布',
        link: link(id),
      });
    } else {
      const next = r.review_levels[r.review_index + 1] as ReviewLevel;
      await tx
        .updateTable('resources')
        .set({ review_index: r.review_index + 1, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      await notify(tx, {
        userIds: [r.owner_id],
        kind: 'resource.review_passed',
        title: `${REVIEW_LEVEL_NAMES[level]}已通过：${r.title}`,
        body: `已转交${REVIEW_LEVEL_NAMES[next]}`,
        link: link(id),
      });
      await notify(tx, {
        userIds: await reviewersOf(tx, next, r.school_path, r.owner_id),
        kind: 'resource.review_requested',
        title: `待审核：${r.title}`,
        body: REVIEW_LEVEL_NAMES[next],
        link: `/resources/review/${id}`,
      });
    }
    await recordAudit(tx, ctx, {
      action: last ? 'resource.publish' : 'resource.approve',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { level, comment },
    });
  });
  return getResource(ctx, id);
}

export async function returnResource(ctx: AuthedContext, id: string, reason: string) {
  const person = await loadPerson(ctx.db, ctx.actor);
  await withTransaction(ctx.db, async (tx) => {
    const r = await requireLocked(tx, id);
    if (!reviews(person, r)) throw await refusal(tx, ctx, person, r);
    const level = currentLevel(r)!;
    await tx
      .updateTable('resources')
      .set({ status: 'returned', return_reason: reason, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await step(tx, ctx, id, 'return', level, reason);
    await notify(tx, {
      userIds: [r.owner_id],
      kind: 'resource.returned',
      title: `已退回：${r.title}`,
      body: `${REVIEW_LEVEL_NAMES[level]}退回，原因：${reason}`,
      link: link(id),
    });
    await recordAudit(tx, ctx, {
      action: 'resource.return',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { level, reason },
    });
  });
  return getResource(ctx, id);
}

/** 404 for what the reviewer may not see at all; 409 for a resource they may see but not act on now. */
async function refusal(tx: Tx, ctx: AuthedContext, person: Awaited<ReturnType<typeof loadPerson>>, r: ResourceRow) {
  // inside the caller's transaction: the embedded database has one connection
  const seen = await readableResource({ ...ctx, db: tx }, r.id, person).then(
    () => true,
    () => false,
  );
  if (!seen) return notFound();
  if (r.owner_id === ctx.actor.userId) return new AppError('FORBIDDEN', { message: '不能审核自己提交的资源' });
  return new AppError('RESOURCE_STATE_INVALID', { message: r.status === 'in_review' ? '该资源当前不在您这一级审核' : '该资源不在审核中' });
}

/** The author takes back a resource in review or published; a manager of its school takes down a published one. */
export async function withdrawResource(ctx: AuthedContext, id: string, reason: string) {
  const person = await loadPerson(ctx.db, ctx.actor);
  await withTransaction(ctx.db, async (tx) => {
    const r = await requireLocked(tx, id);
    const isOwner = r.owner_id === ctx.actor.userId;
    if (!isOwner && !manages(person, r)) throw notFound();
    const allowed = isOwner ? ['in_review', 'published'] : ['published'];
    if (!allowed.includes(r.status)) throw new AppError('RESOURCE_STATE_INVALID', { message: '该资源不在审核中或已发布，无需撤回' });
    await tx.updateTable('resources').set({ status: 'withdrawn', updated_at: new Date() }).where('id', '=', id).execute();
    await tx
      .updateTable('resource_push_queue')
      .set({ status: 'cancelled', updated_at: new Date() })
      .where('resource_id', '=', id)
      .where('status', '=', 'queued')
      .execute();
    await step(tx, ctx, id, 'withdraw', null, reason);
    await reindexResource(tx, id);
    if (!isOwner)
      await notify(tx, {
        userIds: [r.owner_id],
        kind: 'resource.withdrawn',
        title: `已下架：${r.title}`,
        body: reason || '管理员撤下了该资源',
        link: link(id),
      });
    await recordAudit(tx, ctx, {
      action: 'resource.withdraw',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { reason, byOwner: isOwner },
    });
  });
  return getResource(ctx, id);
}

/** What waits for the caller: resources at one of their review levels, in schools their grants reach. */
export async function reviewQueue(ctx: AuthedContext, q: { page: number; pageSize: number }) {
  const person = await loadPerson(ctx.db, ctx.actor);
  if (!person.reviewScopes.length) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const base = ctx.db
    .selectFrom('resources as r')
    .where('r.deleted_at', 'is', null)
    .where('r.status', '=', 'in_review')
    .where('r.owner_id', '!=', ctx.actor.userId)
    .where((eb) =>
      eb.or(
        person.reviewScopes.map((s) =>
          eb.and([
            eb(sql`r.review_levels[r.review_index + 1]`, '=', s.level),
            eb(sql<boolean>`starts_with(r.school_path, ${s.path})`, '=', true),
          ]),
        ),
      ),
    );
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const ids = await base
    .select('r.id')
    .orderBy('r.submitted_at')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  const rows = await repo.rowsByIds(
    ctx.db,
    ids.map((i) => i.id),
  );
  const flags = rows.length
    ? await ctx.db
        .selectFrom('resource_screenings')
        .select(['resource_id', 'is_flagged'])
        .distinctOn('resource_id')
        .where(
          'resource_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('resource_id')
        .orderBy('created_at', 'desc')
        .execute()
    : [];
  const flagged = new Map(flags.map((f) => [f.resource_id, f.is_flagged]));
  return {
    items: rows.map((r) => ({ ...presentSummary(r), isFlagged: flagged.get(r.id) ?? false })),
    total: Number(total),
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** A resource with its latest screening report and every workflow step, for its reviewers and author. */
export async function reviewDetail(ctx: AuthedContext, id: string): Promise<TReviewDetail> {
  const resource = await getResource(ctx, id);
  const steps = await ctx.db
    .selectFrom('resource_review_steps as s')
    .leftJoin('users as u', 'u.id', 's.actor_id')
    .select(['s.id', 's.action', 's.level', 's.comment', 's.created_at', 'u.display_name'])
    .where('s.resource_id', '=', id)
    .orderBy('s.created_at')
    .execute();
  return {
    resource,
    screening: await latestScreening(ctx.db, id),
    steps: steps.map((s) => ({
      id: s.id,
      action: s.action as TReviewDetail['steps'][number]['action'],
      level: s.level as ReviewLevel | null,
      actorName: s.action === 'screen' ? '自动筛查' : (s.display_name ?? null),
      comment: s.comment,
      createdAt: new Date(s.created_at).toISOString(),
    })),
  };
}

export async function updateReviewSettings(ctx: AuthedContext, s: TReviewSettings): Promise<TReviewSettings> {
  const ordered = { ...s, levels: REVIEW_LEVELS.filter((l) => s.levels.includes(l)) };
  await withTransaction(ctx.db, async (tx) => {
    const before = await getReviewSettings(tx);
    await saveReviewSettings(tx, ordered);
    await recordAudit(tx, ctx, {
      action: 'resource.review_settings',
      targetType: 'settings',
      targetId: 'resources.review',
      summary: { before, after: ordered },
    });
  });
  return ordered;
}
