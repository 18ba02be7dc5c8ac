import { ZHealth } from '@qiming/shared';
import { sql } from 'kysely';
import type { ZApp } from '../../core/http/app.ts';
import { currentMigration } from '../../core/db/migrate.ts';
import { rateLimitState } from '../../core/rate-limit/index.ts';

export async function systemRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/health',
    {
      config: { access: { public: true } },
      schema: { tags: ['system'], summary: '健康检查', response: { 200: ZHealth } },
    },
    async (req) => {
      await sql`SELECT 1`.execute(req.ctx.db);
      return {
        status: 'ok' as const,
        database: req.ctx.dbKind,
        migration: await currentMigration(req.ctx.db),
        uptimeSeconds: Math.round((Date.now() - req.ctx.startedAt) / 1000),
        version: '0.1.0',
        rateLimits: rateLimitState(req.ctx),
      };
    },
  );
}
