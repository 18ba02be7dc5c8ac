import { type Config } from './core/config.ts';
import type { AppContext } from './core/context.ts';
import { createFieldCipher } from './core/crypto/crypto.ts';
import type { Database } from './core/db/database.ts';
import { buildApp, type ZApp } from './core/http/app.ts';
import { appsRoutes } from './modules/apps/index.ts';
import { databaseRateLimitStore, redisRateLimitStore } from './core/rate-limit/index.ts';
import { storageFor } from './core/storage/local-storage.ts';
import { auditRoutes } from './modules/audit/index.ts';
import { homeworkRoutes } from './modules/homework/index.ts';
import { identityRoutes } from './modules/identity/index.ts';
import { itemsRoutes } from './modules/items/index.ts';
import { notifyRoutes } from './modules/notify/index.ts';
import { orgRoutes } from './modules/org/index.ts';
import { searchRoutes } from './modules/search/index.ts';
import { resourcesRoutes } from './modules/resources/index.ts';
import { systemRoutes } from './modules/system/index.ts';

export async function registerModules(api: ZApp): Promise<void> {
  await systemRoutes(api);
  await identityRoutes(api);
  await orgRoutes(api);
  await auditRoutes(api);
  await searchRoutes(api);
  await itemsRoutes(api);
  await appsRoutes(api);
  await homeworkRoutes(api);
  await resourcesRoutes(api);
  await notifyRoutes(api);
}

export function createAppContext(database: Database, config: Config & { secretKey: string }): AppContext {
  return {
    db: database.db,
    dbKind: database.kind,
    changes: database.changes,
    config,
    cipher: createFieldCipher(config.secretKey),
    storage: storageFor(config.dataDir),
    startedAt: Date.now(),
    // while Redis does not answer, the limits are counted in the database (redis-store.ts)
    ...(config.redisUrl ? { rateLimitStore: redisRateLimitStore(config.redisUrl, { fallback: databaseRateLimitStore(database.db) }) } : {}),
  };
}

/** Builds the HTTP server over an open, migrated database. */
export async function createServer(ctx: AppContext, opts: { logger?: boolean | object } = {}) {
  return buildApp(ctx, registerModules, opts);
}
