import { z } from 'zod';
import { AUDIT_RETENTION_FLOOR_DAYS } from '../domain.ts';
import { ZRole } from './auth.ts';
import { ZId } from './common.ts';

export const ZSecurityPolicy = z.object({
  passwordMinLength: z.number().int().min(8, '密码最短长度不得少于 8').max(64),
  passwordExpiryDays: z.number().int().min(0, '0 表示不过期').max(3650),
  lockoutThreshold: z.number().int().min(3).max(10),
  lockoutMinutes: z.number().int().min(5).max(1440),
  sessionIdleMinutes: z.number().int().min(5).max(480),
  auditRetentionDays: z
    .number()
    .int()
    .min(AUDIT_RETENTION_FLOOR_DAYS, `审计记录保存期限不得少于 ${AUDIT_RETENTION_FLOOR_DAYS} 天`)
    .max(3650),
  rateLimitWindowMinutes: z.number().int().min(1).max(1440),
  signInFailuresPerIp: z.number().int().min(10).max(100_000),
  signInFailuresPerUsername: z.number().int().min(3).max(1000),
  codeFailuresPerUser: z.number().int().min(3).max(100),
});
export type TSecurityPolicy = z.infer<typeof ZSecurityPolicy>;

export const ZUserSummary = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(ZRole),
  isActive: z.boolean(),
  isLocked: z.boolean(),
  mfaEnabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
});
export type TUserSummary = z.infer<typeof ZUserSummary>;
export const ZListUsersQuery = z.object({
  q: z.string().trim().max(64).optional(),
  role: ZRole.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export const ZResetPasswordResponse = z.object({ temporaryPassword: z.string() });
export const ZSetActiveRequest = z.object({ isActive: z.boolean() });

export const ZGrant = z.object({
  id: z.string(),
  userId: z.string(),
  role: ZRole,
  scopeId: z.string().nullable(),
  scopeName: z.string(),
  subject: z.string().nullable(),
  createdAt: z.string(),
});
export type TGrant = z.infer<typeof ZGrant>;
export const ZCreateGrantRequest = z.object({
  userId: ZId,
  role: ZRole,
  scopeId: ZId,
  subject: z.string().optional(),
});
export const ZListGrantsQuery = z.object({ userId: ZId });
