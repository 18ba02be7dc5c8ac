import {
  EDITION_NAMES,
  RESOURCE_LEVEL_NAMES,
  RESOURCE_TYPE_NAMES,
  TERM_NAMES,
  type Edition,
  type ResourceLevel,
  type ResourceType,
  type Term,
} from '@qiming/shared';
import { withTransaction, type Db, type Tx } from '../../core/db/database.ts';
import { indexDocuments, removeDocument, updatePopularity, type SearchDocumentInput } from '../search/index.ts';
import * as repo from './resources.repository.ts';

/**
 * The catalogue words as a teacher writes them (上册, 人教版, 课件, 区县级): the search index
 * filters, counts and labels its facets by these strings and matches them as words of the
 * document, so it must be handed the names, not the codes the resources table keeps.
 */
const nameOf = <K extends string>(names: Record<K, string>, code: string | null): string | null =>
  code === null ? null : ((names as Record<string, string>)[code] ?? code);
export const searchFacetNames = {
  term: (code: string | null) => nameOf<Term>(TERM_NAMES, code),
  edition: (code: string | null) => nameOf<Edition>(EDITION_NAMES, code),
  type: (code: string | null) => nameOf<ResourceType>(RESOURCE_TYPE_NAMES, code),
  level: (code: string | null) => nameOf<ResourceLevel>(RESOURCE_LEVEL_NAMES, code),
};

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
      term: searchFacetNames.term(r.term),
      edition: searchFacetNames.edition(r.edition),
      unitId: r.unit_id,
      unitName: r.unit_title,
      type: searchFacetNames.type(r.type),
      level: searchFacetNames.level(r.level),
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

/**
 * The shape of the documents this module hands the search index; raise it when buildSearchDocument
 * changes what it writes, and the next start re-indexes every published resource once.
 * 2: facets as names (上册, 人教版, 课件) rather than codes (first, pep, courseware).
 */
export const SEARCH_DOCUMENT_VERSION = 2;
const VERSION_KEY = 'resources.search_document_version';
const REINDEX_BATCH = 500;

/** Re-indexes every published resource when the index holds documents of an older shape. Returns how many. */
export async function ensureSearchDocumentsCurrent(db: Db): Promise<number> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', VERSION_KEY).executeTakeFirst();
  if (row && Number(row.value) >= SEARCH_DOCUMENT_VERSION) return 0;
  let done = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await db
      .selectFrom('resources')
      .select('id')
      .where('status', '=', 'published')
      .where('deleted_at', 'is', null)
      .$if(after !== null, (q) => q.where('id', '>', after!))
      .orderBy('id')
      .limit(REINDEX_BATCH)
      .execute();
    if (!ids.length) break;
    await withTransaction(db, async (tx) => {
      const docs: SearchDocumentInput[] = [];
      for (const { id } of ids) {
        const doc = await searchDocumentFor(tx, id);
        if (doc) docs.push(doc);
      }
      await indexDocuments(tx, docs);
    });
    done += ids.length;
    after = ids[ids.length - 1]!.id;
  }
  const value = JSON.stringify(SEARCH_DOCUMENT_VERSION);
  await db
    .insertInto('settings')
    .values({ key: VERSION_KEY, value, updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
    .execute();
  return done;
}
