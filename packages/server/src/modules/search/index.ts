/** The search index: other modules hand it what they publish and may reuse its visibility rule. */
export { searchRoutes } from './search.routes.ts';
export {
  indexDocuments,
  pruneSearchChanges,
  removeDocument,
  searchDocuments,
  searchIndexStats,
  snapshotSearchIndex,
  suggest,
  updatePopularity,
  warmSearchIndex,
  type SearchDocumentInput,
} from './search.service.ts';
export { bulkIndexDocuments, type BulkOptions } from './bulk.ts';
export { configureSearchSnapshots } from './index-holder.ts';
export { visibleTo, type VisibilityColumns } from './visibility.ts';
export { SYNONYM_GROUPS } from './synonyms.ts';
