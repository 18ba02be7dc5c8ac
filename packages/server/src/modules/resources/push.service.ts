import { randomUUID } from 'node:crypto';
import type { TPushItem } from '@qiming/shared';
import { sql } from 'kysely';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { loadPerson, manages } from './resources.policy.ts';
import { readableResource } from './resources.service.ts';

/**
 * Push upward (报送): an administrator of a published resource's school (or a bureau above it)
 * marks it for the upper-level platform; it waits in the push queue as `queued` until the
 * federation module delivers it (`sent`) or gives up (`failed`); a mark can be cancelled while
 * queued, and withdrawing or deleting the resource cancels it too.
 */

const queueRows = (db: DbOrTx) =>
  db
    .selectFrom('resource_push_queue as q')
    .innerJoin('resources as r', 'r.id', 'q.resource_id')
    .innerJoin('org_units as s', 's.id', 'r.school_id')
    .innerJoin('users as u', 'u.id', 'q.requested_by')
    .select([
      'q.id',
      'q.resource_id',
      'q.status',
      'q.requested_at',
      'q.attempts',
      'q.last_error',
      'r.title',
      's.name as school_name',
      'u.display_name as requested_by',
    ])
    .where('r.deleted_at', 'is', null);

type Row = Awaited<ReturnType<ReturnType<typeof queueRows>['executeTakeFirstOrThrow']>>;
const present = (q: Row): TPushItem => ({
  id: q.id,
  resourceId: q.resource_id,
  title: q.title,
  schoolName: q.school_name,
  status: q.status as TPushItem['status'],
  requestedBy: q.requested_by,
  requestedAt: new Date(q.requested_at).toISOString(),
  attempts: q.attempts,
  lastError: q.last_error,
});

/** The resource, for someone who may push it: 404 if they cannot see it, 403 if they see it but do not manage it. */
async function managedResource(ctx: AuthedContext, id: string) {
  const person = await loadPerson(ctx.db, ctx.actor);
  const { r } = await readableResource(ctx, id, person);
  if (!manages(person, r)) throw new AppError('FORBIDDEN', { message: '只有该资源所在学校或上级教育局的管理员可以报送' });
  return r;
}

export async function pushResource(ctx: AuthedContext, id: string): Promise<TPushItem> {
  const r = await managedResource(ctx, id);
  if (r.status !== 'published') throw new AppError('RESOURCE_STATE_INVALID', { message: '只有已发布的资源可以报送' });
  await withTransaction(ctx.db, async (tx) => {
    const existing = await tx.selectFrom('resource_push_queue').selectAll().where('resource_id', '=', id).forUpdate().executeTakeFirst();
    if (existing && ['queued', 'sent'].includes(existing.status))
      throw new AppError('RESOURCE_STATE_INVALID', { message: existing.status === 'sent' ? '该资源已报送' : '该资源已在报送队列中' });
    await tx
      .insertInto('resource_push_queue')
      .values({
        id: randomUUID(),
        resource_id: id,
        status: 'queued',
        requested_by: ctx.actor.userId,
        requested_at: new Date(),
        attempts: 0,
        updated_at: new Date(),
      })
      .onConflict((oc) =>
        oc.column('resource_id').doUpdateSet({
          status: 'queued',
          requested_by: ctx.actor.userId,
          requested_at: new Date(),
          attempts: 0,
          last_error: null,
          updated_at: new Date(),
        }),
      )
      .execute();
    await recordAudit(tx, ctx, {
      action: 'resource.push',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { title: r.title },
    });
  });
  return present(await queueRows(ctx.db).where('q.resource_id', '=', id).executeTakeFirstOrThrow());
}

export async function cancelPush(ctx: AuthedContext, id: string): Promise<TPushItem> {
  const r = await managedResource(ctx, id);
  await withTransaction(ctx.db, async (tx) => {
    const res = await tx
      .updateTable('resource_push_queue')
      .set({ status: 'cancelled', updated_at: new Date() })
      .where('resource_id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (!Number(res.numUpdatedRows)) throw new AppError('RESOURCE_STATE_INVALID', { message: '该资源不在待报送状态，无法取消' });
    await recordAudit(tx, ctx, { action: 'resource.push_cancel', targetType: 'resource', targetId: id, scopeId: r.school_id });
  });
  return present(await queueRows(ctx.db).where('q.resource_id', '=', id).executeTakeFirstOrThrow());
}

/** The queue of the schools the caller manages, newest first, with a count per status. */
export async function listPushQueue(ctx: AuthedContext, q: { status?: string; page: number; pageSize: number }) {
  const person = await loadPerson(ctx.db, ctx.actor);
  if (!person.managePaths.length) return { items: [], total: 0, page: q.page, pageSize: q.pageSize, counts: {} };
  const inScope = sql<boolean>`(${sql.join(
    person.managePaths.map((p) => sql`starts_with(r.school_path, ${p})`),
    sql` OR `,
  )})`;
  const base = queueRows(ctx.db).where(inScope);
  const counts = await ctx.db
    .selectFrom('resource_push_queue as q')
    .innerJoin('resources as r', 'r.id', 'q.resource_id')
    .select(['q.status', sql<number>`count(*)`.as('n')])
    .where('r.deleted_at', 'is', null)
    .where(inScope)
    .groupBy('q.status')
    .execute();
  const filtered = q.status ? base.where('q.status', '=', q.status) : base;
  const total = counts.filter((c) => !q.status || c.status === q.status).reduce((s, c) => s + Number(c.n), 0);
  const rows = await filtered
    .orderBy('q.requested_at', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return {
    items: rows.map(present),
    total,
    page: q.page,
    pageSize: q.pageSize,
    counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
  };
}
