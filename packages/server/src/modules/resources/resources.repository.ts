import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import type { DB } from '../../core/db/schema.ts';
import type { Actor } from '../../core/context.ts';
import { resourceVisibleTo } from './visibility.ts';

type From = DB & { r: DB['resources'] };

/** A resource with what presenting it needs: its unit, school and district, file and push state. */
export const resourceRows = (db: DbOrTx) =>
  db
    .selectFrom('resources as r')
    .innerJoin('org_units as s', 's.id', 'r.school_id')
    .leftJoin('curriculum_units as cu', 'cu.id', 'r.unit_id')
    .leftJoin('curriculum_units as cp', 'cp.id', 'cu.parent_id')
    .leftJoin('stored_files as f', 'f.hash', 'r.file_hash')
    .leftJoin('resource_push_queue as pq', 'pq.resource_id', 'r.id')
    .select([
      'r.id',
      'r.type',
      'r.title',
      'r.description',
      'r.subject',
      'r.grade_level',
      'r.term',
      'r.edition',
      'r.unit_id',
      'r.knowledge_points',
      'r.keywords',
      'r.author_name',
      'r.licence',
      'r.level',
      'r.marks',
      'r.owner_id',
      'r.school_id',
      'r.school_path',
      'r.audience',
      'r.visible_path',
      'r.status',
      'r.review_levels',
      'r.review_index',
      'r.return_reason',
      'r.file_hash',
      'r.file_name',
      'r.download_count',
      'r.view_count',
      'r.favourite_count',
      'r.rating_sum',
      'r.rating_count',
      'r.comment_count',
      'r.published_at',
      'r.created_at',
      'r.updated_at',
      's.name as school_name',
      'cu.title as unit_title',
      'cp.title as unit_parent_title',
      'f.size as file_size',
      'f.mime as file_mime',
      'pq.status as push_status',
      'pq.requested_at as push_requested_at',
      sql<string>`coalesce((SELECT d.name FROM org_units d WHERE d.kind = 'district' AND starts_with(r.school_path, d.path) LIMIT 1), '')`.as(
        'district_name',
      ),
    ])
    .where('r.deleted_at', 'is', null);

export type ResourceRowFull = Awaited<ReturnType<ReturnType<typeof resourceRows>['executeTakeFirstOrThrow']>>;

export const findResource = (db: DbOrTx, id: string) => resourceRows(db).where('r.id', '=', id).executeTakeFirst();

export const lockResource = (db: DbOrTx, id: string) =>
  db.selectFrom('resources').selectAll().where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();

export type CatalogueFilter = {
  subject?: string;
  gradeLevel?: number;
  term?: string;
  edition?: string;
  type?: string;
  level?: string;
  unitId?: string;
  mark?: string;
  schoolId?: string;
  q?: string;
};

/** Filters of the catalogue list; `q` here is a plain title match (full-text search is the search module's). */
function applyFilter<O>(qb: SelectQueryBuilder<From, 'r', O>, f: CatalogueFilter): SelectQueryBuilder<From, 'r', O> {
  let q = qb;
  if (f.subject) q = q.where('r.subject', '=', f.subject);
  if (f.gradeLevel) q = q.where('r.grade_level', '=', f.gradeLevel);
  if (f.term) q = q.where('r.term', '=', f.term);
  if (f.edition) q = q.where('r.edition', '=', f.edition);
  if (f.type) q = q.where('r.type', '=', f.type);
  if (f.level) q = q.where('r.level', '=', f.level);
  if (f.schoolId) q = q.where('r.school_id', '=', f.schoolId);
  if (f.mark) q = q.where(sql<boolean>`${f.mark} = ANY(r.marks)`);
  if (f.unitId)
    q = q.where((eb: ExpressionBuilder<From, 'r'>) =>
      eb.or([
        eb('r.unit_id', '=', f.unitId!),
        eb('r.unit_id', 'in', eb.selectFrom('curriculum_units').select('id').where('parent_id', '=', f.unitId!)),
      ]),
    );
  if (f.q) q = q.where('r.title', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return q;
}

/** Published resources the viewer may see, filtered and paged. */
export async function listPublished(
  db: DbOrTx,
  actor: Actor | null,
  f: CatalogueFilter & { sort: 'latest' | 'popular' | 'rating'; limit: number; offset: number },
) {
  const base = applyFilter(
    db.selectFrom('resources as r').where('r.deleted_at', 'is', null).where('r.status', '=', 'published').where(resourceVisibleTo(actor)),
    f,
  );
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  let ids = base.select('r.id');
  if (f.sort === 'popular') ids = ids.orderBy('r.download_count', 'desc');
  if (f.sort === 'rating')
    ids = ids.orderBy(sql`r.rating_sum::float / greatest(r.rating_count, 1)`, 'desc').orderBy('r.rating_count', 'desc');
  const page = await ids.orderBy('r.published_at', 'desc').orderBy('r.id').limit(f.limit).offset(f.offset).execute();
  return {
    total: Number(total),
    rows: await rowsByIds(
      db,
      page.map((p) => p.id),
    ),
  };
}

/** Rows in the order of the ids given. */
export async function rowsByIds(db: DbOrTx, ids: string[]) {
  if (!ids.length) return [];
  const rows = await resourceRows(db).where('r.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is ResourceRowFull => !!r);
}

export async function listOwned(db: DbOrTx, ownerId: string, q: { status?: string; limit: number; offset: number }) {
  let base = db.selectFrom('resources as r').where('r.deleted_at', 'is', null).where('r.owner_id', '=', ownerId);
  if (q.status) base = base.where('r.status', '=', q.status);
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const page = await base.select('r.id').orderBy('r.updated_at', 'desc').limit(q.limit).offset(q.offset).execute();
  return {
    total: Number(total),
    rows: await rowsByIds(
      db,
      page.map((p) => p.id),
    ),
  };
}

/** The unit (school, district, city) a person contributes from: their home unit, climbed up to a school. */
export async function findContributorUnit(db: DbOrTx, userId: string) {
  const home = await db
    .selectFrom('users as u')
    .innerJoin('org_units as o', 'o.id', 'u.home_org_id')
    .select(['o.id', 'o.kind', 'o.path', 'o.name'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!home) return null;
  if (['school', 'teaching_point', 'district', 'city', 'province'].includes(home.kind)) return home;
  return findAncestorUnit(db, home.path, ['school', 'teaching_point']);
}

/** The nearest ancestor-or-self of a path with one of the kinds. */
export async function findAncestorUnit(db: DbOrTx, path: string, kinds: string[]) {
  const ids = path.split('/').filter(Boolean);
  if (!ids.length) return undefined;
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'kind', 'path', 'name'])
    .where('id', 'in', ids)
    .where('kind', 'in', kinds)
    .execute();
  return rows.sort((a, b) => b.path.length - a.path.length)[0];
}
