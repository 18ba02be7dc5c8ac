export { resourcesRoutes } from './resources.routes.ts';
export { ensureShippedCatalogue } from './curriculum/curriculum.service.ts';
export { ensureLexicon } from './screening/sensitive.ts';
