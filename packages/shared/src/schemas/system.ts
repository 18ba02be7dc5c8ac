import { z } from 'zod';
export const ZHealth = z.object({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgres']),
  migration: z.string().nullable(),
  uptimeSeconds: z.number(),
  version: z.string(),
  /** where rate limits are counted: the database, Redis (QIMING_REDIS_URL), or the database while Redis does not answer */
  rateLimits: z.enum(['database', 'redis', 'redis_down']),
});
