export { resourcesRoutes } from './resources.routes.ts';
export { ensureShippedCatalogue } from './curriculum/curriculum.service.ts';
export { ensureLexicon } from './screening/sensitive.ts';
export { visibleTo, loadViewer, canSee, type Viewer } from './visibility.ts';
