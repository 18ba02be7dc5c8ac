import path from 'node:path';
import { loadConfig } from './core/config.ts';
import { openDatabase } from './core/db/database.ts';
import { migrateToLatest } from './core/db/migrate.ts';
import { purgeAudit } from './core/audit/audit.ts';
import { purgeExpiredRateLimits } from './core/rate-limit/index.ts';
import { getSecurityPolicy } from './core/settings.ts';
import { resolveSecretKey } from './core/secret.ts';
import { purgeExpiredChallenges, purgeExpiredOidcPayloads } from './modules/identity/index.ts';
import { seedItemsDemo, syncKnowledgePoints } from './modules/items/index.ts';
import { seedHomeworkDemo } from './modules/homework/index.ts';
import { failStalledImports, seedDemo } from './modules/org/index.ts';
import { configureSearchSnapshots, pruneSearchChanges, snapshotSearchIndex, warmSearchIndex } from './modules/search/index.ts';
import {
  ensureLexicon,
  ensureSearchDocumentsCurrent,
  ensureShippedCatalogue,
  seedResourcesDemo,
  sweepStaleUploads,
} from './modules/resources/index.ts';
import { createAppContext, createServer } from './server.ts';

const config = loadConfig();
const warn = (msg: string) => console.warn(`⚠ ${msg}`);

async function main() {
  const secretKey = resolveSecretKey(config.secretKey, config.dataDir, warn);
  const database = await openDatabase(config);
  const migration = await migrateToLatest(database.db);
  await syncKnowledgePoints(database.db);
  const ctx = createAppContext(database, { ...config, secretKey });
  await ensureShippedCatalogue(ctx.db);
  await ensureLexicon(ctx.db);
  const reindexed = await ensureSearchDocumentsCurrent(ctx.db);
  if (reindexed) console.log(`资源检索索引已更新 Search documents of ${reindexed} published resources rebuilt in the current shape.`);

  if (config.demo) {
    const started = Date.now();
    const seeded = await seedDemo(ctx, config.demoPassword);
    if (seeded) {
      console.log(`\n已生成演示数据 Demo region created: ${seeded.users} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      console.log(`演示账号 Demo accounts (password: ${config.demoPassword}; 首次登录须修改密码 / change it at first sign-in;`);
      console.log('  教育局管理员和三员还须绑定验证器 / bureau and security administrators then bind an authenticator app):');
      for (const a of seeded.accounts) console.log(`  ${a.username.padEnd(22)} ${a.role.padEnd(14)} ${a.description}`);
      console.log('');
    }
    const items = await seedItemsDemo(ctx);
    if (items) console.log(`已生成演示题库 Demo question bank: ${items.items} items, ${items.papers} papers.`);
    const hwStarted = Date.now();
    const homework = await seedHomeworkDemo(ctx);
    if (homework)
      console.log(
        `演示作业 Demo homework: ${homework.assignments} assignments, ${homework.attempts} graded attempts (t11005 / s112024001) in ${((Date.now() - hwStarted) / 1000).toFixed(1)} s.`,
      );
    const resStarted = Date.now();
    const resources = await seedResourcesDemo(ctx);
    if (resources)
      console.log(
        `演示资源 Demo resources: ${resources.published} published, ${resources.pending} waiting for review (shinan_researcher, sn_shiyan_admin), ${resources.files} files, in ${((Date.now() - resStarted) / 1000).toFixed(1)} s.\n`,
      );
  }

  const { server } = await createServer(ctx, { logger: { level: config.logLevel } });

  // housekeeping: imports whose process died are failed, passed rate-limit windows and sign-in challenges dropped
  // (every minute); audit records past retention are purged (daily, never keeping less than 180 days)
  const sweepImports = async () => {
    const failed = await failStalledImports(ctx.db);
    if (failed) server.log.warn({ failed }, 'interrupted roster imports marked as failed');
  };
  const purgeRateLimits = async () => void (await Promise.all([purgeExpiredRateLimits(ctx), purgeExpiredChallenges(ctx.db)]));
  const purgeAuditLog = async () => {
    const removed = await purgeAudit(ctx.db, (await getSecurityPolicy(ctx.db, { fresh: true })).auditRetentionDays);
    if (removed) server.log.info({ removed }, 'audit records past retention purged');
  };
  const purgeOidc = async () => {
    const removed = await purgeExpiredOidcPayloads(ctx.db);
    if (removed) server.log.info({ removed }, 'expired single sign-on codes, tokens and sessions removed');
  };
  const sweepUploads = async () => {
    const removed = await sweepStaleUploads(ctx);
    if (removed) server.log.info({ removed }, 'unfinished uploads untouched for a week removed');
  };
  const pruneSearchLog = async () => {
    const removed = await pruneSearchChanges(ctx.db);
    if (removed) server.log.info({ removed }, 'search change-log rows older than a day removed');
  };
  const snapshotSearch = async () => {
    const written = await snapshotSearchIndex(ctx.db);
    if (written) server.log.info({ bytes: written.bytes, ms: Math.round(written.ms) }, 'search index snapshot written');
  };
  const every = (ms: number, task: () => Promise<void>, what: string) => {
    const timer = setInterval(() => void task().catch((err: unknown) => server.log.error({ err }, `${what} failed`)), ms);
    timer.unref();
    return timer;
  };
  const timers = [
    every(60_000, sweepImports, 'import sweep'),
    every(60_000, purgeRateLimits, 'rate-limit and challenge purge'),
    every(86_400_000, purgeAuditLog, 'audit purge'),
    every(3_600_000, purgeOidc, 'single sign-on purge'),
    every(3_600_000, sweepUploads, 'stale upload sweep'),
    every(3_600_000, pruneSearchLog, 'search change-log prune'),
    every(3_600_000, snapshotSearch, 'search index snapshot'),
  ];
  await sweepImports();
  await purgeAuditLog();
  const shutdown = async (signal: string) => {
    server.log.info(`${signal}: shutting down`);
    timers.forEach(clearInterval);
    await server.close();
    await ctx.rateLimitStore?.close?.();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await server.listen({ port: config.port, host: config.host });
  // the search index is read from its snapshot (or built from the table) now rather than at the first search
  configureSearchSnapshots(path.join(config.dataDir, 'search-index'));
  const warmStarted = Date.now();
  void warmSearchIndex(ctx.db).then(
    (s) => server.log.info({ documents: s.documents, words: s.words, from: s.source, ms: Date.now() - warmStarted }, 'search index ready'),
    (err: unknown) => server.log.error({ err }, 'search index build failed (it is tried again at the next search)'),
  );
  console.log(`启明 Qiming is running at http://${config.host}:${config.port}  (database: ${database.kind}, migration ${migration})`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
