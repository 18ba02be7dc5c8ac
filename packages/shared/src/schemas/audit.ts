import { z } from 'zod';

export const ZAuditQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  actor: z.string().trim().max(64).optional(),
  action: z.string().trim().max(64).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export const ZAuditRecord = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  scopeId: z.string().nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(['success', 'failure']),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  summary: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type TAuditRecord = z.infer<typeof ZAuditRecord>;

export const ZAuditVerifyResult = z.object({
  ok: z.boolean(),
  algorithm: z.string(),
  checked: z.number().int(),
  firstBrokenId: z.string().nullable(),
  reason: z.string().nullable(),
});
export type TAuditVerifyResult = z.infer<typeof ZAuditVerifyResult>;
