import { z } from 'zod';

/** Scopes an application may ask for, with the words the consent screen shows. */
export const OIDC_SCOPE_NAMES: Record<string, string> = {
  openid: '确认您的身份（平台账号编号）',
  profile: '您的姓名和用户名',
  roles: '您在平台上的角色（如教师、学生、家长）',
  org: '您所在的学校、班级和区域',
  offline_access: '在您离开后保持登录（刷新令牌）',
};

export const ZOidcInteraction = z.object({
  uid: z.string(),
  prompt: z.enum(['login', 'consent']),
  client: z.object({ clientId: z.string(), name: z.string(), logoUrl: z.string().nullable() }),
  scopes: z.array(z.object({ scope: z.string(), label: z.string() })),
  /** False when the application has not been enabled for the user's school or region: only cancelling is possible. */
  isEnabled: z.boolean(),
  account: z.object({ displayName: z.string(), username: z.string() }),
});
export type TOidcInteraction = z.infer<typeof ZOidcInteraction>;

export const ZOidcDecision = z.object({ approve: z.boolean({ message: '请选择同意或拒绝' }) });
export const ZOidcRedirect = z.object({ redirectTo: z.string() });
export const ZUidParams = z.object({ uid: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, { message: '登录请求编号格式不正确' }) });

export const ZOidcKeyList = z.object({
  items: z.array(
    z.object({
      kid: z.string(),
      alg: z.string(),
      createdAt: z.string(),
      retiredAt: z.string().nullable(),
      expiresAt: z.string().nullable(),
      status: z.enum(['active', 'retired', 'expired']),
    }),
  ),
});

export const ZUpstreamInfo = z.object({ enabled: z.boolean(), name: z.string().nullable() });
export type TUpstreamInfo = z.infer<typeof ZUpstreamInfo>;
export const ZUpstreamLink = z.object({
  id: z.string(),
  provider: z.string(),
  subject: z.string(),
  linkedBy: z.enum(['claim', 'provisioned']),
  claimValue: z.string().nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), unitName: z.string().nullable() }),
});
export type TUpstreamLink = z.infer<typeof ZUpstreamLink>;
export const ZUpstreamLinkList = z.object({ items: z.array(ZUpstreamLink) });
