import { z } from 'zod';
import { paged, ZPage } from './common.ts';

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

/** Whether the sign-in page offers 使用上级平台账号登录, and the upstream's name. */
export const ZUpstreamInfo = z.object({ enabled: z.boolean(), name: z.string().nullable() });
export type TUpstreamInfo = z.infer<typeof ZUpstreamInfo>;

/** Why an upstream sign-in came back to the sign-in page without a session (`/login?upstream_error=…`). */
export const UPSTREAM_FAILURES = ['expired', 'denied', 'failed', 'unavailable', 'no_account', 'disabled'] as const;

export const ZUpstreamLink = z.object({
  id: z.string(),
  provider: z.string(),
  subject: z.string(),
  linkedBy: z.enum(['claim', 'provisioned']),
  claimValue: z.string().nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    isActive: z.boolean(),
    unitName: z.string().nullable(),
  }),
});
export type TUpstreamLink = z.infer<typeof ZUpstreamLink>;
export const ZUpstreamLinkList = paged(ZUpstreamLink);
export type TUpstreamLinkList = z.infer<typeof ZUpstreamLinkList>;
export const ZUpstreamLinksQuery = ZPage.extend({
  q: z.string().trim().max(64, { message: '搜索词不能超过 64 个字' }).optional(),
});
export type TUpstreamLinksQuery = z.infer<typeof ZUpstreamLinksQuery>;
