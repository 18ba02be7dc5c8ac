export { resourcesRoutes } from './resources.routes.ts';
export { ensureShippedCatalogue } from './curriculum/curriculum.service.ts';
export { ensureLexicon } from './screening/sensitive.ts';
export { seedResourcesDemo } from './demo/seed-resources-demo.ts';
export { sweepStaleUploads } from './upload-sweep.ts';
export { ensureSearchDocumentsCurrent } from './indexing.ts';
