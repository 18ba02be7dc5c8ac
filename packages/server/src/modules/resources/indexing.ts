import type { Tx } from '../../core/db/database.ts';
import { indexDocuments, removeDocument, updatePopularity, type SearchDocumentInput } from '../search/index.ts';
import * as repo from './resources.repository.ts';

/** Downloads count most, then ratings (stars above neutral), favourites and views. */
export const popularityOf = (r: {
  download_count: number;
  favourite_count: number;
  view_count: number;
  rating_sum: number;
  rating_count: number;
}) => r.download_count * 3 + r.favourite_count * 2 + (r.rating_sum - 3 * r.rating_count) + r.view_count * 0.2;

type IndexedRow = Pick<
  repo.ResourceRowFull,
  | 'id'
  | 'title'
  | 'description'
  | 'keywords'
  | 'subject'
  | 'grade_level'
  | 'term'
  | 'edition'
  | 'unit_id'
  | 'unit_title'
  | 'unit_parent_title'
  | 'type'
  | 'level'
  | 'school_id'
  | 'school_name'
  | 'knowledge_points'
  | 'author_name'
  | 'audience'
  | 'visible_path'
  | 'download_count'
  | 'favourite_count'
  | 'view_count'
  | 'rating_sum'
  | 'rating_count'
  | 'published_at'
  | 'updated_at'
>;

/** The search document of a published resource, from its row, its file's text and its district. */
export function buildSearchDocument(r: IndexedRow, fileText: string, districtId: string | null): SearchDocumentInput {
  const unitTitles = [r.unit_parent_title, r.unit_title].filter(Boolean).join(' ');
  return {
    kind: 'resource',
    refId: r.id,
    title: r.title,
    body: [r.description, unitTitles, fileText].filter(Boolean).join('\n'),
    keywords: r.keywords,
    facets: {
      subject: r.subject,
      grade: r.grade_level,
      term: r.term,
      edition: r.edition,
      unitId: r.unit_id,
      unitName: r.unit_title,
      type: r.type,
      level: r.level,
      schoolId: r.school_id,
      districtId,
    },
    knowledgePoints: r.knowledge_points,
    author: r.author_name,
    schoolName: r.school_name,
    visibility: r.audience === 'public' ? 'public' : 'scoped',
    visiblePath: r.visible_path,
    popularity: popularityOf(r),
    publishedAt: new Date(r.published_at ?? r.updated_at),
  };
}

/** The search document of a published resource, or null when it must not be in the index. */
export async function searchDocumentFor(tx: Tx, id: string): Promise<SearchDocumentInput | null> {
  const r = await repo.findResource(tx, id);
  if (!r || r.status !== 'published') return null;
  const extra = await tx
    .selectFrom('resources as r')
    .leftJoin('stored_files as f', 'f.hash', 'r.file_hash')
    .select(['f.text_content'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  const district = await repo.findAncestorUnit(tx, r.school_path, ['district']);
  return buildSearchDocument(r, extra?.text_content ?? '', district?.id ?? null);
}

/**
 * Brings the search index in line with the resource: a published resource is (re)indexed, any
 * other (withdrawn, deleted, back in review) is removed. Runs in the caller's transaction.
 */
export async function reindexResource(tx: Tx, id: string): Promise<void> {
  const doc = await searchDocumentFor(tx, id);
  if (doc) await indexDocuments(tx, [doc]);
  else await removeDocument(tx, 'resource', id);
}

/** After a download, rating or favourite: the index's popularity follows the counters. */
export async function reindexPopularity(tx: Tx, id: string): Promise<void> {
  const r = await tx
    .selectFrom('resources')
    .select(['status', 'download_count', 'favourite_count', 'view_count', 'rating_sum', 'rating_count'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (r?.status === 'published') await updatePopularity(tx, 'resource', id, popularityOf(r));
}
