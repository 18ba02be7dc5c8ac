import { randomUUID } from 'node:crypto';
import type { TCollection, TCollectionDetail, TCollectionInput } from '@qiming/shared';
import { sql } from 'kysely';
import { hasPermission } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext, RequestContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { loadPerson, manages, type Person } from './resources.policy.ts';
import { presentSummary } from './resources.presenter.ts';
import * as repo from './resources.repository.ts';
import { visiblePathFor } from './resources.service.ts';
import { resourceVisibleTo } from './visibility.ts';

/**
 * 资源目录 (directories, curated by a school or bureau for a subject, grade or community) and
 * 专题合集 (anyone's themed collections). A collection is published to an audience like a
 * resource and read by the same visibility rule; each viewer sees only the items they may see.
 */

const notFound = () => new AppError('NOT_FOUND', { message: '未找到该资源目录，或您无权查看' });

const collectionRows = (db: DbOrTx, actor: RequestContext['actor']) =>
  db
    .selectFrom('resource_collections as c')
    .innerJoin('users as u', 'u.id', 'c.owner_id')
    .innerJoin('org_units as s', 's.id', 'c.school_id')
    .select([
      'c.id',
      'c.kind',
      'c.title',
      'c.description',
      'c.subject',
      'c.grade_level',
      'c.community',
      'c.audience',
      'c.owner_id',
      'c.school_id',
      'c.updated_at',
      's.path as unit_path',
      'u.display_name as owner_name',
      's.name as school_name',
      (eb) =>
        eb
          .selectFrom('resource_collection_items as i')
          .innerJoin('resources as r', 'r.id', 'i.resource_id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('i.collection_id', '=', 'c.id')
          .where('r.status', '=', 'published')
          .where('r.deleted_at', 'is', null)
          .where(resourceVisibleTo(actor))
          .as('item_count'),
    ])
    .where((eb) => eb.or([resourceVisibleTo(actor, 'c'), ...(actor ? [eb('c.owner_id', '=', actor.userId)] : [])]));

type Row = Awaited<ReturnType<ReturnType<typeof collectionRows>['executeTakeFirstOrThrow']>>;

const canEdit = (p: Person, c: Pick<Row, 'owner_id' | 'unit_path'>) =>
  !!p.actor && (p.actor.userId === c.owner_id || manages(p, { school_path: c.unit_path }));

const present = (c: Row, p: Person): TCollection => ({
  id: c.id,
  kind: c.kind as TCollection['kind'],
  title: c.title,
  description: c.description,
  subject: c.subject,
  gradeLevel: c.grade_level,
  community: c.community,
  audience: c.audience as TCollection['audience'],
  ownerName: c.owner_name,
  schoolName: c.school_name,
  itemCount: Number(c.item_count ?? 0),
  updatedAt: new Date(c.updated_at).toISOString(),
  canEdit: canEdit(p, c),
});

export async function listCollections(
  ctx: RequestContext,
  q: { kind?: string; subject?: string; gradeLevel?: number; community?: string; mine?: boolean },
) {
  const person = await loadPerson(ctx.db, ctx.actor);
  let query = collectionRows(ctx.db, ctx.actor);
  if (q.kind) query = query.where('c.kind', '=', q.kind);
  if (q.subject) query = query.where('c.subject', '=', q.subject);
  if (q.gradeLevel) query = query.where('c.grade_level', '=', q.gradeLevel);
  if (q.community) query = query.where('c.community', '=', q.community);
  if (q.mine) {
    if (!ctx.actor) throw new AppError('UNAUTHENTICATED');
    query = query.where('c.owner_id', '=', ctx.actor.userId);
  }
  const rows = await query.orderBy('c.updated_at', 'desc').limit(200).execute();
  return rows.map((c) => present(c, person));
}

async function findReadable(ctx: RequestContext, id: string) {
  const row = await collectionRows(ctx.db, ctx.actor).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getCollection(ctx: RequestContext, id: string): Promise<TCollectionDetail> {
  const person = await loadPerson(ctx.db, ctx.actor);
  const c = await findReadable(ctx, id);
  const items = await ctx.db
    .selectFrom('resource_collection_items as i')
    .innerJoin('resources as r', 'r.id', 'i.resource_id')
    .select(['r.id', 'i.note'])
    .where('i.collection_id', '=', id)
    .where('r.status', '=', 'published')
    .where('r.deleted_at', 'is', null)
    .where(resourceVisibleTo(ctx.actor))
    .orderBy('i.seq')
    .execute();
  const rows = await repo.rowsByIds(
    ctx.db,
    items.map((i) => i.id),
  );
  const notes = new Map(items.map((i) => [i.id, i.note]));
  return { ...present(c, person), items: rows.map((r) => ({ ...presentSummary(r), note: notes.get(r.id) ?? '' })) };
}

/** A 资源目录 is the school's or bureau's (resource.manage); a 专题合集 anyone's who contributes. */
function checkKind(ctx: AuthedContext, kind: string) {
  if (kind === 'directory' && !hasPermission(ctx.actor, 'resource.manage'))
    throw new AppError('FORBIDDEN', { message: '资源目录由学校或教育局管理员建立，您可以建立专题合集' });
}

export async function createCollection(ctx: AuthedContext, input: TCollectionInput): Promise<TCollectionDetail> {
  checkKind(ctx, input.kind);
  const unit = await repo.findContributorUnit(ctx.db, ctx.actor.userId);
  if (!unit) throw new AppError('FORBIDDEN', { message: '您的账号没有所属学校或单位，不能建立资源目录' });
  const visiblePath = await visiblePathFor(ctx.db, unit.path, input.audience);
  const id = randomUUID();
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto('resource_collections')
      .values({
        id,
        kind: input.kind,
        title: input.title,
        description: input.description,
        subject: input.subject,
        grade_level: input.gradeLevel,
        community: input.community,
        owner_id: ctx.actor.userId,
        school_id: unit.id,
        audience: input.audience,
        visible_path: visiblePath,
        created_at: new Date(),
        updated_at: new Date(),
      })
      .execute();
    await recordAudit(tx, ctx, {
      action: 'resource.collection_create',
      targetType: 'resource_collection',
      targetId: id,
      scopeId: unit.id,
      summary: { title: input.title, kind: input.kind, audience: input.audience },
    });
  });
  return getCollection(ctx, id);
}

async function editable(ctx: AuthedContext, id: string) {
  const person = await loadPerson(ctx.db, ctx.actor);
  const c = await collectionRows(ctx.db, ctx.actor).where('c.id', '=', id).executeTakeFirst();
  if (!c) throw notFound();
  if (!canEdit(person, c)) throw new AppError('FORBIDDEN', { message: '只有建立者或其学校、上级管理员可以修改该资源目录' });
  return c;
}

export async function updateCollection(ctx: AuthedContext, id: string, input: Partial<TCollectionInput>): Promise<TCollectionDetail> {
  const c = await editable(ctx, id);
  if (input.kind) checkKind(ctx, input.kind);
  const visiblePath = input.audience ? await visiblePathFor(ctx.db, c.unit_path, input.audience) : undefined;
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .updateTable('resource_collections')
      .set({
        ...(input.kind !== undefined && { kind: input.kind }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.subject !== undefined && { subject: input.subject }),
        ...(input.gradeLevel !== undefined && { grade_level: input.gradeLevel }),
        ...(input.community !== undefined && { community: input.community }),
        ...(input.audience !== undefined && { audience: input.audience, visible_path: visiblePath ?? null }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'resource.collection_update',
      targetType: 'resource_collection',
      targetId: id,
      scopeId: c.school_id,
      summary: { fields: Object.keys(input) },
    });
  });
  return getCollection(ctx, id);
}

export async function deleteCollection(ctx: AuthedContext, id: string): Promise<void> {
  const c = await editable(ctx, id);
  await withTransaction(ctx.db, async (tx) => {
    await tx.deleteFrom('resource_collections').where('id', '=', id).execute();
    await recordAudit(tx, ctx, {
      action: 'resource.collection_delete',
      targetType: 'resource_collection',
      targetId: id,
      scopeId: c.school_id,
      summary: { title: c.title },
    });
  });
}

/** Adds a published resource the editor may see; adding it again updates its note. */
export async function addCollectionItem(ctx: AuthedContext, id: string, resourceId: string, note: string): Promise<TCollectionDetail> {
  const c = await editable(ctx, id);
  const visible = await ctx.db
    .selectFrom('resources as r')
    .select('r.id')
    .where('r.id', '=', resourceId)
    .where('r.status', '=', 'published')
    .where('r.deleted_at', 'is', null)
    .where(resourceVisibleTo(ctx.actor))
    .executeTakeFirst();
  if (!visible)
    throw new AppError('VALIDATION_FAILED', {
      message: '只能加入您能看到的已发布资源',
      details: { issues: [{ path: ['body', 'resourceId'], message: '只能加入您能看到的已发布资源' }] },
    });
  await withTransaction(ctx.db, async (tx) => {
    const [{ next }] = await tx
      .selectFrom('resource_collection_items')
      .select(sql<number>`coalesce(max(seq) + 1, 0)`.as('next'))
      .where('collection_id', '=', id)
      .execute();
    await tx
      .insertInto('resource_collection_items')
      .values({ collection_id: id, resource_id: resourceId, seq: Number(next), note })
      .onConflict((oc) => oc.columns(['collection_id', 'resource_id']).doUpdateSet({ note }))
      .execute();
    await tx.updateTable('resource_collections').set({ updated_at: new Date() }).where('id', '=', id).execute();
    await recordAudit(tx, ctx, {
      action: 'resource.collection_add',
      targetType: 'resource_collection',
      targetId: id,
      scopeId: c.school_id,
      summary: { resourceId },
    });
  });
  return getCollection(ctx, id);
}

export async function removeCollectionItem(ctx: AuthedContext, id: string, resourceId: string): Promise<TCollectionDetail> {
  const c = await editable(ctx, id);
  await withTransaction(ctx.db, async (tx) => {
    const res = await tx
      .deleteFrom('resource_collection_items')
      .where('collection_id', '=', id)
      .where('resource_id', '=', resourceId)
      .executeTakeFirst();
    if (!Number(res.numDeletedRows)) throw new AppError('NOT_FOUND', { message: '该资源不在这个资源目录中' });
    await recordAudit(tx, ctx, {
      action: 'resource.collection_remove',
      targetType: 'resource_collection',
      targetId: id,
      scopeId: c.school_id,
      summary: { resourceId },
    });
  });
  return getCollection(ctx, id);
}

/**
 * Puts the items in the order given. Items the editor did not list (ones they cannot see, or
 * added meanwhile) keep their relative order after the listed ones.
 */
export async function reorderCollectionItems(ctx: AuthedContext, id: string, resourceIds: string[]): Promise<TCollectionDetail> {
  const c = await editable(ctx, id);
  await withTransaction(ctx.db, async (tx) => {
    await tx.selectFrom('resource_collections').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    const current = await tx
      .selectFrom('resource_collection_items')
      .select('resource_id')
      .where('collection_id', '=', id)
      .orderBy('seq')
      .execute();
    const held = new Set(current.map((i) => i.resource_id));
    const strangers = resourceIds.filter((r) => !held.has(r));
    if (strangers.length)
      throw new AppError('VALIDATION_FAILED', {
        message: '只能排列这个资源目录中的资源',
        details: { issues: [{ path: ['body', 'resourceIds'], message: '只能排列这个资源目录中的资源' }] },
      });
    const listed = new Set(resourceIds);
    const order = [...resourceIds, ...current.map((i) => i.resource_id).filter((r) => !listed.has(r))];
    for (const [seq, resourceId] of order.entries())
      await tx
        .updateTable('resource_collection_items')
        .set({ seq })
        .where('collection_id', '=', id)
        .where('resource_id', '=', resourceId)
        .execute();
    await tx.updateTable('resource_collections').set({ updated_at: new Date() }).where('id', '=', id).execute();
    await recordAudit(tx, ctx, {
      action: 'resource.collection_reorder',
      targetType: 'resource_collection',
      targetId: id,
      scopeId: c.school_id,
      summary: { count: resourceIds.length },
    });
  });
  return getCollection(ctx, id);
}
