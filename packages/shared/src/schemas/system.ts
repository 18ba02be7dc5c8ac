import { z } from 'zod';
export const ZHealth = z.object({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgres']),
  migration: z.string().nullable(),
  uptimeSeconds: z.number(),
  version: z.string(),
});
