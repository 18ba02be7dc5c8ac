import { randomUUID } from 'node:crypto';
import type { TComment, TSafetyHit } from '@qiming/shared';
import { sql } from 'kysely';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext, RequestContext } from '../../core/context.ts';
import { withTransaction, type Tx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { notify } from '../notify/index.ts';
import { reindexPopularity } from './indexing.ts';
import { loadPerson, manages, type Person } from './resources.policy.ts';
import { presentSummary } from './resources.presenter.ts';
import * as repo from './resources.repository.ts';
import { readableResource } from './resources.service.ts';
import { getMatcher, scanText } from './screening/sensitive.ts';
import { resourceVisibleTo } from './visibility.ts';

/**
 * Favourites, ratings and comments: only on a published resource the caller may see. A comment
 * is screened with the resource centre's word list; one with a hit is held — shown to its author
 * (with the words) and to the resource's moderators (managers of its school, reviewers over it),
 * who publish or delete it — and never to anyone else.
 */

const notPublished = () => new AppError('RESOURCE_STATE_INVALID', { message: '只能对已发布的资源收藏、评分和评论' });

async function publishedResource(ctx: RequestContext, id: string) {
  const found = await readableResource(ctx, id);
  if (found.r.status !== 'published') throw notPublished();
  return found;
}

/** Moderators of a resource's comments: managers of its school and reviewers whose scope holds it. */
const moderates = (p: Person, r: { school_path: string }) => manages(p, r) || p.reviewScopes.some((s) => r.school_path.startsWith(s.path));

export async function setFavourite(ctx: AuthedContext, id: string, isFavourite: boolean) {
  const { r } = await publishedResource(ctx, id);
  return withTransaction(ctx.db, async (tx) => {
    const changed = isFavourite
      ? (
          await tx
            .insertInto('resource_favourites')
            .values({ user_id: ctx.actor.userId, resource_id: id, created_at: new Date() })
            .onConflict((oc) => oc.columns(['user_id', 'resource_id']).doNothing())
            .executeTakeFirst()
        ).numInsertedOrUpdatedRows
      : (
          await tx
            .deleteFrom('resource_favourites')
            .where('user_id', '=', ctx.actor.userId)
            .where('resource_id', '=', id)
            .executeTakeFirst()
        ).numDeletedRows;
    if (Number(changed ?? 0) > 0) {
      await tx
        .updateTable('resources')
        .set((eb) => ({ favourite_count: eb('favourite_count', '+', isFavourite ? 1 : -1) }))
        .where('id', '=', id)
        .execute();
      await reindexPopularity(tx, id);
      await recordAudit(tx, ctx, {
        action: isFavourite ? 'resource.favourite' : 'resource.unfavourite',
        targetType: 'resource',
        targetId: id,
        scopeId: r.school_id,
      });
    }
    const row = await tx.selectFrom('resources').select('favourite_count').where('id', '=', id).executeTakeFirstOrThrow();
    return { isFavourite, favouriteCount: row.favourite_count };
  });
}

/** My favourites that I may still see, newest first. */
export async function listFavourites(ctx: AuthedContext, q: { page: number; pageSize: number }) {
  const base = ctx.db
    .selectFrom('resource_favourites as f')
    .innerJoin('resources as r', 'r.id', 'f.resource_id')
    .where('f.user_id', '=', ctx.actor.userId)
    .where('r.deleted_at', 'is', null)
    .where('r.status', '=', 'published')
    .where(resourceVisibleTo(ctx.actor));
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const ids = await base
    .select('r.id')
    .orderBy('f.created_at', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  const rows = await repo.rowsByIds(
    ctx.db,
    ids.map((i) => i.id),
  );
  return { items: rows.map(presentSummary), total: Number(total), page: q.page, pageSize: q.pageSize };
}

/** One rating per user and resource (1–5 stars); rating again replaces it. */
export async function rateResource(ctx: AuthedContext, id: string, stars: number) {
  const { r } = await publishedResource(ctx, id);
  if (r.owner_id === ctx.actor.userId) throw new AppError('FORBIDDEN', { message: '不能给自己的资源评分' });
  return withTransaction(ctx.db, async (tx) => {
    const before = await tx
      .selectFrom('resource_ratings')
      .select('stars')
      .where('user_id', '=', ctx.actor.userId)
      .where('resource_id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    await tx
      .insertInto('resource_ratings')
      .values({ user_id: ctx.actor.userId, resource_id: id, stars, updated_at: new Date() })
      .onConflict((oc) => oc.columns(['user_id', 'resource_id']).doUpdateSet({ stars, updated_at: new Date() }))
      .execute();
    await tx
      .updateTable('resources')
      .set((eb) => ({
        rating_sum: eb('rating_sum', '+', stars - (before?.stars ?? 0)),
        rating_count: eb('rating_count', '+', before ? 0 : 1),
      }))
      .where('id', '=', id)
      .execute();
    await reindexPopularity(tx, id);
    await recordAudit(tx, ctx, {
      action: 'resource.rate',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { stars, before: before?.stars ?? null },
    });
    const row = await tx.selectFrom('resources').select(['rating_sum', 'rating_count']).where('id', '=', id).executeTakeFirstOrThrow();
    return {
      stars,
      ratingAverage: row.rating_count ? Math.round((row.rating_sum / row.rating_count) * 10) / 10 : null,
      ratingCount: row.rating_count,
    };
  });
}

type CommentRow = {
  id: string;
  user_id: string;
  body: string;
  status: string;
  hits: unknown;
  created_at: Date | string;
  display_name: string;
  school_name: string | null;
};

function presentComment(c: CommentRow, viewer: string | null, canModerate: boolean): TComment {
  const isAuthor = viewer === c.user_id;
  return {
    id: c.id,
    authorName: c.display_name,
    authorSchool: c.school_name ?? '',
    body: c.body,
    status: c.status as TComment['status'],
    hits: isAuthor || canModerate ? (c.hits as TSafetyHit[]) : [],
    createdAt: new Date(c.created_at).toISOString(),
    canDelete: isAuthor || canModerate,
    canPublish: canModerate && c.status === 'held',
  };
}

const commentRows = (db: RequestContext['db'] | Tx) =>
  db
    .selectFrom('resource_comments as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
    .select(['c.id', 'c.user_id', 'c.body', 'c.status', 'c.hits', 'c.created_at', 'u.display_name', 'o.name as school_name'])
    .where('c.deleted_at', 'is', null);

/** Published comments, plus held ones for their authors and the resource's moderators; oldest first. */
export async function listComments(ctx: RequestContext, id: string) {
  const { r, person } = await readableResource(ctx, id);
  const canModerate = moderates(person, r);
  const viewer = ctx.actor?.userId ?? null;
  const rows = await commentRows(ctx.db)
    .where('c.resource_id', '=', id)
    .where((eb) =>
      canModerate ? sql<boolean>`true` : eb.or([eb('c.status', '=', 'published'), ...(viewer ? [eb('c.user_id', '=', viewer)] : [])]),
    )
    .orderBy('c.created_at')
    .limit(500)
    .execute();
  return { items: rows.map((c) => presentComment(c, viewer, canModerate)), total: rows.length, canModerate };
}

export async function addComment(ctx: AuthedContext, id: string, body: string): Promise<TComment> {
  const { r, person } = await publishedResource(ctx, id);
  const hits = scanText(await getMatcher(ctx.db), 'text', body);
  const status = hits.length ? 'held' : 'published';
  const commentId = randomUUID();
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto('resource_comments')
      .values({
        id: commentId,
        resource_id: id,
        user_id: ctx.actor.userId,
        body,
        status,
        hits: JSON.stringify(hits),
        created_at: new Date(),
      })
      .execute();
    if (status === 'published') await bumpComments(tx, id, 1);
    await recordAudit(tx, ctx, {
      action: status === 'held' ? 'resource.comment_held' : 'resource.comment',
      targetType: 'resource_comment',
      targetId: commentId,
      scopeId: r.school_id,
      summary: { resourceId: id, hits: hits.map((h) => h.word) },
    });
    if (status === 'published' && r.owner_id !== ctx.actor.userId)
      await notify(tx, {
        userIds: [r.owner_id],
        kind: 'resource.commented',
        title: `新评论：${r.title}`,
        body: body.slice(0, 80),
        link: `/resources/${id}`,
      });
  });
  const row = await commentRows(ctx.db).where('c.id', '=', commentId).executeTakeFirstOrThrow();
  return presentComment(row, ctx.actor.userId, moderates(person, r));
}

const bumpComments = (tx: Tx, resourceId: string, by: number) =>
  tx
    .updateTable('resources')
    .set((eb) => ({ comment_count: eb('comment_count', '+', by) }))
    .where('id', '=', resourceId)
    .execute();

async function commentForModeration(ctx: AuthedContext, tx: Tx, commentId: string) {
  const c = await tx
    .selectFrom('resource_comments')
    .selectAll()
    .where('id', '=', commentId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  const notFound = new AppError('NOT_FOUND', { message: '未找到该评论，或您无权处理' });
  if (!c) throw notFound;
  const person = await loadPerson(tx, ctx.actor);
  const found = await readableResource({ ...ctx, db: tx }, c.resource_id, person).catch(() => null);
  if (!found) throw notFound;
  return { c, r: found.r, canModerate: moderates(person, found.r) };
}

/** The author or a moderator removes a comment. */
export async function deleteComment(ctx: AuthedContext, commentId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { c, r, canModerate } = await commentForModeration(ctx, tx, commentId);
    if (c.user_id !== ctx.actor.userId && !canModerate) throw new AppError('NOT_FOUND', { message: '未找到该评论，或您无权处理' });
    await tx.updateTable('resource_comments').set({ deleted_at: new Date() }).where('id', '=', commentId).execute();
    if (c.status === 'published') await bumpComments(tx, c.resource_id, -1);
    await recordAudit(tx, ctx, {
      action: 'resource.comment_delete',
      targetType: 'resource_comment',
      targetId: commentId,
      scopeId: r.school_id,
      summary: { resourceId: c.resource_id, byAuthor: c.user_id === ctx.actor.userId },
    });
  });
}

/** A moderator, having read the words in context, publishes a held comment. */
export async function publishComment(ctx: AuthedContext, commentId: string): Promise<TComment> {
  await withTransaction(ctx.db, async (tx) => {
    const { c, r, canModerate } = await commentForModeration(ctx, tx, commentId);
    if (!canModerate) throw new AppError('NOT_FOUND', { message: '未找到该评论，或您无权处理' });
    if (c.status !== 'held') throw new AppError('RESOURCE_STATE_INVALID', { message: '该评论已发布' });
    await tx.updateTable('resource_comments').set({ status: 'published' }).where('id', '=', commentId).execute();
    await bumpComments(tx, c.resource_id, 1);
    await recordAudit(tx, ctx, {
      action: 'resource.comment_publish',
      targetType: 'resource_comment',
      targetId: commentId,
      scopeId: r.school_id,
      summary: { resourceId: c.resource_id },
    });
  });
  const row = await commentRows(ctx.db).where('c.id', '=', commentId).executeTakeFirstOrThrow();
  return presentComment(row, ctx.actor.userId, true);
}
