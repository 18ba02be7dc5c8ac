import { registerScopeResolver } from '../../core/access/access.ts';

export { appsRoutes } from './apps.routes.ts';
export { isAppEnabledFor } from './apps.service.ts';
export { findOidcClient, oidcClientMetadata, findCasService } from './apps.clients.ts';

// an application sits where it was registered: editing it takes a grant over that unit
registerScopeResolver('app', async (db, id) => {
  const a = await db.selectFrom('apps').select('owner_scope_path').where('id', '=', id).executeTakeFirst();
  return a ? { path: a.owner_scope_path } : null;
});
