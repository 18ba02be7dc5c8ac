import { randomUUID } from 'node:crypto';
import {
  RESOURCE_FILE_EXTENSIONS,
  RESOURCE_TYPE_NAMES,
  type Audience,
  type ResourceType,
  type TListResourcesQuery,
  type TResource,
  type TResourceInput,
  type TUpdateResourceRequest,
} from '@qiming/shared';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext, RequestContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { extensionOf } from './files.ts';
import { reindexResource } from './indexing.ts';
import { loadPerson, manages, policiesFor, readsAsStaff, type Person } from './resources.policy.ts';
import { presentResource, presentSummary } from './resources.presenter.ts';
import * as repo from './resources.repository.ts';
import { isResourceVisible } from './visibility.ts';

const notFound = () => new AppError('NOT_FOUND', { message: '未找到该资源，或您无权查看' });
const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', { message, details: { issues: [{ path: ['body', path], message }] } });

const AUDIENCE_UNIT_KINDS: Record<Exclude<Audience, 'public'>, string[]> = {
  school: ['school', 'teaching_point'],
  district: ['district'],
  city: ['city'],
};

/** The unit a resource is published to: an ancestor-or-self of the author's unit of the audience's kind. */
export async function visiblePathFor(db: DbOrTx, unitPath: string, audience: Audience): Promise<string | null> {
  if (audience === 'public') return null;
  const unit = await repo.findAncestorUnit(db, unitPath, AUDIENCE_UNIT_KINDS[audience]);
  if (!unit) throw invalid('audience', '您所在单位之上没有这一级，不能发布到该范围');
  return unit.path;
}

async function checkUnit(
  db: DbOrTx,
  input: { unitId?: string | null; subject?: string; gradeLevel?: number; term?: string; edition?: string },
) {
  if (!input.unitId) return;
  const u = await db.selectFrom('curriculum_units').selectAll().where('id', '=', input.unitId).executeTakeFirst();
  if (!u) throw invalid('unitId', '所选单元不存在');
  if (u.subject !== input.subject || u.grade_level !== input.gradeLevel || u.term !== input.term || u.edition !== input.edition)
    throw invalid('unitId', '所选单元与学科、年级、册次或教材版本不一致');
}

/** A completed upload of the author's own whose file type the resource type accepts. */
async function takeUpload(db: DbOrTx, ctx: AuthedContext, uploadId: string, type: ResourceType) {
  const up = await db
    .selectFrom('resource_uploads')
    .select(['owner_id', 'status', 'file_hash', 'file_name'])
    .where('id', '=', uploadId)
    .executeTakeFirst();
  if (!up || up.owner_id !== ctx.actor.userId) throw invalid('uploadId', '未找到该上传文件');
  if (up.status !== 'complete' || !up.file_hash) throw new AppError('UPLOAD_INCOMPLETE');
  const ext = extensionOf(up.file_name);
  if (!RESOURCE_FILE_EXTENSIONS[type].includes(ext))
    throw new AppError('FILE_TYPE_NOT_ALLOWED', {
      message: `${RESOURCE_TYPE_NAMES[type]}只接受 ${RESOURCE_FILE_EXTENSIONS[type].map((e) => '.' + e).join('、')} 文件`,
    });
  return { fileHash: up.file_hash, fileName: up.file_name };
}

export async function createResource(ctx: AuthedContext, input: TResourceInput): Promise<TResource> {
  const unit = await repo.findContributorUnit(ctx.db, ctx.actor.userId);
  if (!unit) throw new AppError('FORBIDDEN', { message: '您的账号没有所属学校或单位，不能上传资源' });
  await checkUnit(ctx.db, input);
  const visiblePath = await visiblePathFor(ctx.db, unit.path, input.audience);
  const file = input.uploadId ? await takeUpload(ctx.db, ctx, input.uploadId, input.type) : null;
  const id = randomUUID();
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto('resources')
      .values({
        id,
        type: input.type,
        title: input.title,
        description: input.description,
        subject: input.subject,
        grade_level: input.gradeLevel,
        term: input.term,
        edition: input.edition,
        unit_id: input.unitId,
        knowledge_points: input.knowledgePoints,
        keywords: input.keywords,
        author_name: input.authorName || ctx.actor.displayName,
        licence: input.licence,
        level: input.level,
        owner_id: ctx.actor.userId,
        school_id: unit.id,
        school_path: unit.path,
        audience: input.audience,
        visible_path: visiblePath,
        file_hash: file?.fileHash ?? null,
        file_name: file?.fileName ?? null,
        created_at: new Date(),
        updated_at: new Date(),
      })
      .execute();
    await recordAudit(tx, ctx, {
      action: 'resource.create',
      targetType: 'resource',
      targetId: id,
      scopeId: unit.id,
      summary: { title: input.title, type: input.type, file: file?.fileName ?? null },
    });
  });
  return getResource(ctx, id);
}

/** Edits a draft, returned or withdrawn resource of one's own. */
export async function updateResource(ctx: AuthedContext, id: string, input: TUpdateResourceRequest): Promise<TResource> {
  await withTransaction(ctx.db, async (tx) => {
    const r = await repo.lockResource(tx, id);
    if (!r || r.owner_id !== ctx.actor.userId) throw notFound();
    if (!['draft', 'returned', 'withdrawn'].includes(r.status))
      throw new AppError('RESOURCE_STATE_INVALID', { message: '审核中或已发布的资源不能修改，请先撤回' });
    const merged = {
      subject: input.subject ?? r.subject,
      gradeLevel: input.gradeLevel ?? r.grade_level,
      term: input.term ?? r.term,
      edition: input.edition ?? r.edition,
      unitId: input.unitId !== undefined ? input.unitId : r.unit_id,
    };
    await checkUnit(tx, merged);
    const type = (input.type ?? r.type) as ResourceType;
    const file = input.uploadId ? await takeUpload(tx, ctx, input.uploadId, type) : null;
    if (!file && input.type && r.file_name && !RESOURCE_FILE_EXTENSIONS[type].includes(extensionOf(r.file_name)))
      throw new AppError('FILE_TYPE_NOT_ALLOWED', { message: `${RESOURCE_TYPE_NAMES[type]}不接受现有文件 ${r.file_name}，请重新上传` });
    const visiblePath = input.audience ? await visiblePathFor(tx, r.school_path, input.audience) : r.visible_path;
    await tx
      .updateTable('resources')
      .set({
        ...(input.type !== undefined && { type: input.type }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.description !== undefined && { description: input.description }),
        subject: merged.subject,
        grade_level: merged.gradeLevel,
        term: merged.term,
        edition: merged.edition,
        unit_id: merged.unitId,
        ...(input.knowledgePoints !== undefined && { knowledge_points: input.knowledgePoints }),
        ...(input.keywords !== undefined && { keywords: input.keywords }),
        ...(input.authorName !== undefined && { author_name: input.authorName || ctx.actor.displayName }),
        ...(input.licence !== undefined && { licence: input.licence }),
        ...(input.level !== undefined && { level: input.level }),
        ...(input.audience !== undefined && { audience: input.audience, visible_path: visiblePath }),
        ...(file && { file_hash: file.fileHash, file_name: file.fileName }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'resource.update',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { fields: Object.keys(input), file: file?.fileName },
    });
  });
  return getResource(ctx, id);
}

async function myMarks(db: DbOrTx, userId: string, resourceId: string) {
  const [fav, rating] = await Promise.all([
    db
      .selectFrom('resource_favourites')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('resource_id', '=', resourceId)
      .executeTakeFirst(),
    db
      .selectFrom('resource_ratings')
      .select('stars')
      .where('user_id', '=', userId)
      .where('resource_id', '=', resourceId)
      .executeTakeFirst(),
  ]);
  return { isFavourite: !!fav, rating: rating?.stars ?? null };
}

/** A resource the caller may read (published and visible, their own, or theirs to review or manage); 404 otherwise. */
export async function readableResource(ctx: RequestContext, id: string, person?: Person) {
  const p = person ?? (await loadPerson(ctx.db, ctx.actor));
  const r = await repo.findResource(ctx.db, id);
  if (!r) throw notFound();
  if (!readsAsStaff(p, r) && !(r.status === 'published' && (await isResourceVisible(ctx.db, ctx.actor, id)))) throw notFound();
  return { r, person: p };
}

export async function getResource(ctx: RequestContext, id: string): Promise<TResource> {
  const { r, person } = await readableResource(ctx, id);
  const me = ctx.actor ? await myMarks(ctx.db, ctx.actor.userId, id) : null;
  return presentResource(r, person, me);
}

export async function listResources(ctx: RequestContext, q: TListResourcesQuery) {
  const { total, rows } = await repo.listPublished(ctx.db, ctx.actor, { ...q, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: rows.map(presentSummary), total, page: q.page, pageSize: q.pageSize };
}

export async function listMyResources(ctx: AuthedContext, q: { status?: string; page: number; pageSize: number }) {
  const { total, rows } = await repo.listOwned(ctx.db, ctx.actor.userId, {
    status: q.status,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  return { items: rows.map(presentSummary), total, page: q.page, pageSize: q.pageSize };
}

/** Soft-deletes: the author (unless in review) or a manager of its school; a published one leaves the index. */
export async function deleteResource(ctx: AuthedContext, id: string): Promise<void> {
  const person = await loadPerson(ctx.db, ctx.actor);
  await withTransaction(ctx.db, async (tx) => {
    const r = await repo.lockResource(tx, id);
    if (!r || !(r.owner_id === ctx.actor.userId || manages(person, r))) throw notFound();
    if (!policiesFor(person, r).canDelete) throw new AppError('RESOURCE_STATE_INVALID', { message: '审核中的资源不能删除，请先撤回' });
    await tx.updateTable('resources').set({ deleted_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
    await tx
      .updateTable('resource_push_queue')
      .set({ status: 'cancelled', updated_at: new Date() })
      .where('resource_id', '=', id)
      .where('status', '=', 'queued')
      .execute();
    await reindexResource(tx, id);
    await recordAudit(tx, ctx, {
      action: 'resource.delete',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { title: r.title, status: r.status },
    });
  });
}

/** 名师 / 名校 / 名课 marks, given by a manager of the resource's school or a bureau above it. */
export async function setMarks(ctx: AuthedContext, id: string, marks: string[]): Promise<TResource> {
  const person = await loadPerson(ctx.db, ctx.actor);
  await withTransaction(ctx.db, async (tx) => {
    const r = await repo.lockResource(tx, id);
    if (!r || !manages(person, r)) throw notFound();
    if (r.status !== 'published') throw new AppError('RESOURCE_STATE_INVALID', { message: '只有已发布的资源可以标记名师、名校、名课' });
    await tx
      .updateTable('resources')
      .set({ marks: [...new Set(marks)], updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await reindexResource(tx, id);
    await recordAudit(tx, ctx, {
      action: 'resource.marks',
      targetType: 'resource',
      targetId: id,
      scopeId: r.school_id,
      summary: { before: r.marks, after: marks },
    });
  });
  return getResource(ctx, id);
}
