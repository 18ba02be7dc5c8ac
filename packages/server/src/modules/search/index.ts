/** The search index: other modules hand it what they publish and may reuse its visibility rule. */
export { searchRoutes } from './search.routes.ts';
export { indexDocuments, removeDocument, searchDocuments, suggest, updatePopularity, type SearchDocumentInput } from './search.service.ts';
export { visibleTo, type VisibilityColumns } from './visibility.ts';
export { SYNONYM_GROUPS } from './synonyms.ts';
