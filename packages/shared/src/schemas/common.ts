import { z } from 'zod';

export const ZId = z.uuid({ message: '编号格式不正确' });
export const ZPage = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type TPage = z.infer<typeof ZPage>;
export const paged = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export const ZIdParams = z.object({ id: ZId });
export const ZOk = z.object({ ok: z.literal(true) });
