import { z } from 'zod';
import { ROLES } from '../roles.ts';
import { PERMISSIONS } from '../roles.ts';

export const ZRole = z.enum(ROLES);

export const ZLoginRequest = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(128),
});
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZRoleGrantView = z.object({
  role: ZRole,
  scopeId: z.string().nullable(),
  scopeName: z.string(),
  subject: z.string().nullable(),
});
export type TRoleGrantView = z.infer<typeof ZRoleGrantView>;

export const ZMe = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  mustChangePassword: z.boolean(),
  mfaRequired: z.boolean(),
  mfaEnabled: z.boolean(),
  /** mfaRequired and not yet enrolled: nothing else is reachable until the user enrols. */
  mfaEnrollmentRequired: z.boolean(),
  activeRole: ZRole.nullable(),
  roles: z.array(ZRole),
  grants: z.array(ZRoleGrantView),
  permissions: z.array(z.enum(PERMISSIONS)),
  sessionIdleMinutes: z.number().int(),
});
export type TMe = z.infer<typeof ZMe>;

export const ZSwitchRoleRequest = z.object({ role: ZRole });
export type TSwitchRoleRequest = z.infer<typeof ZSwitchRoleRequest>;

export const ZChangePasswordRequest = z.object({
  currentPassword: z.string().min(1, '请输入当前密码').max(128),
  newPassword: z.string().min(1, '请输入新密码').max(128),
});
export type TChangePasswordRequest = z.infer<typeof ZChangePasswordRequest>;
