import { z } from 'zod';
import { ZId } from './common.ts';

/** 应用接入: an application registered once and enabled per district or school. */
export const APP_CATEGORIES = ['teaching', 'management', 'resources', 'homeschool', 'research', 'other'] as const;
export const ZAppCategory = z.enum(APP_CATEGORIES, { message: '请选择应用类别' });
export type TAppCategory = z.infer<typeof ZAppCategory>;
export const APP_CATEGORY_NAMES: Record<TAppCategory, string> = {
  teaching: '教学应用',
  management: '管理应用',
  resources: '资源平台',
  homeschool: '家校应用',
  research: '教研应用',
  other: '其他',
};

const ZHttpUrl = z
  .url({ message: '请输入完整的网址（以 http:// 或 https:// 开头）' })
  .max(500, { message: '网址不能超过 500 个字符' })
  .refine((u) => /^https?:\/\//i.test(u), { message: '网址须以 http:// 或 https:// 开头' })
  .refine((u) => !u.includes('#'), { message: '网址不能包含 #' });

export const OIDC_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const OIDC_ID_TOKEN_ALGS = ['RS256', 'ES256'] as const;
export const ZOidcSettings = z.object({
  redirectUris: z.array(ZHttpUrl).max(10, { message: '回调地址最多 10 个' }).default([]),
  postLogoutRedirectUris: z.array(ZHttpUrl).max(10, { message: '退出后跳转地址最多 10 个' }).default([]),
  backchannelLogoutUri: z.preprocess((v) => (v === '' || v === undefined ? null : v), ZHttpUrl.nullable()),
  grantTypes: z
    .array(z.enum(OIDC_GRANT_TYPES, { message: '授权方式无效' }))
    .min(1, { message: '至少选择一种授权方式' })
    .default(['authorization_code', 'refresh_token']),
  /** A browser or mobile app that cannot keep a secret: no client secret, PKCE only. */
  isPublic: z.boolean().default(false),
  /** What the ID tokens it receives are signed with: RS256 (every library) or ES256 (cheaper, smaller). */
  idTokenSigningAlg: z.enum(OIDC_ID_TOKEN_ALGS).default('RS256'),
});
export type TOidcSettings = z.infer<typeof ZOidcSettings>;

export const ZCasSettings = z.object({
  /** Service URLs this application may ask tickets for: a URL prefix, e.g. https://app.example.cn/ */
  servicePrefix: ZHttpUrl,
});

const appFields = {
  name: z.string().trim().min(1, { message: '请输入应用名称' }).max(50, { message: '应用名称不能超过 50 个字' }),
  description: z.string().trim().max(500, { message: '简介不能超过 500 个字' }).default(''),
  category: ZAppCategory,
  homeUrl: ZHttpUrl,
  isTrusted: z.boolean().default(false),
};

export const ZCreateAppRequest = z
  .object({
    ...appFields,
    ownerScopeId: ZId,
    protocol: z.enum(['oidc', 'cas'], { message: '请选择接入协议' }),
    oidc: ZOidcSettings.optional(),
    cas: ZCasSettings.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.protocol === 'oidc') {
      if (!v.oidc) ctx.addIssue({ code: 'custom', path: ['oidc'], message: '请填写 OpenID Connect 接入设置' });
      else {
        const usesCode = v.oidc.grantTypes.includes('authorization_code');
        if (usesCode && v.oidc.redirectUris.length === 0)
          ctx.addIssue({ code: 'custom', path: ['oidc', 'redirectUris'], message: '授权码方式至少需要一个回调地址' });
        if (v.oidc.grantTypes.includes('refresh_token') && !usesCode)
          ctx.addIssue({ code: 'custom', path: ['oidc', 'grantTypes'], message: '刷新令牌须与授权码方式一起使用' });
        if (v.oidc.isPublic && v.oidc.grantTypes.includes('client_credentials'))
          ctx.addIssue({ code: 'custom', path: ['oidc', 'isPublic'], message: '公开客户端不能使用客户端凭证方式' });
      }
    }
    if (v.protocol === 'cas' && !v.cas) ctx.addIssue({ code: 'custom', path: ['cas'], message: '请填写 CAS 接入设置' });
  });
export type TCreateAppRequest = z.infer<typeof ZCreateAppRequest>;

export const ZUpdateAppRequest = z.object({
  ...appFields,
  status: z.enum(['active', 'disabled']),
  oidc: ZOidcSettings.omit({ isPublic: true }).optional(),
  cas: ZCasSettings.optional(),
});
export type TUpdateAppRequest = z.infer<typeof ZUpdateAppRequest>;

export const ZApp = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: ZAppCategory,
  homeUrl: z.string(),
  logoUrl: z.string().nullable(),
  protocol: z.enum(['oidc', 'cas']),
  isTrusted: z.boolean(),
  status: z.enum(['active', 'disabled']),
  ownerScope: z.object({ id: z.string(), name: z.string() }),
  oidc: z
    .object({
      clientId: z.string(),
      isPublic: z.boolean(),
      redirectUris: z.array(z.string()),
      postLogoutRedirectUris: z.array(z.string()),
      backchannelLogoutUri: z.string().nullable(),
      grantTypes: z.array(z.string()),
      idTokenSigningAlg: z.enum(OIDC_ID_TOKEN_ALGS),
    })
    .nullable(),
  cas: z.object({ servicePrefix: z.string() }).nullable(),
  enablements: z.array(z.object({ scopeId: z.string(), scopeName: z.string() })),
  createdAt: z.string(),
  policies: z.object({ canEdit: z.boolean(), canEnable: z.boolean() }),
});
export type TApp = z.infer<typeof ZApp>;

/** The client secret appears once, in the answer that created or replaced it. */
export const ZAppWithSecret = z.object({ app: ZApp, clientSecret: z.string().nullable() });
export type TAppWithSecret = z.infer<typeof ZAppWithSecret>;

export const ZAppList = z.object({ items: z.array(ZApp) });

export const ZMyApp = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: ZAppCategory,
  logoUrl: z.string().nullable(),
  launchUrl: z.string(),
});
export type TMyApp = z.infer<typeof ZMyApp>;
export const ZMyAppList = z.object({ items: z.array(ZMyApp) });

export const ZAppEnablementParams = z.object({ id: ZId, scopeId: ZId });
