import {
  OIDC_SCOPE_NAMES,
  ZOidcDecision,
  ZOidcInteraction,
  ZOidcKeyList,
  ZOidcRedirect,
  ZUidParams,
  type TOidcInteraction,
} from '@qiming/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { Actor, AuthedContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { rateLimit } from '../../../core/rate-limit/index.ts';
import type { ZApp } from '../../../core/http/app.ts';
import { isAppEnabledFor } from '../../apps/index.ts';
import { listSigningKeys, rotateSigningKeys } from './oidc-keys.ts';
import { getProvider, resetProvider } from './oidc-provider.ts';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
const MOUNT = '/oidc';

/**
 * oidc-provider is a Koa application: it is handed the raw request under /oidc, with Fastify's
 * body parsing switched off in this scope so that the provider reads form posts itself.
 */
async function mountProvider(app: ZApp): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      if (req.method === 'POST' && req.url.split('?')[0] === `${MOUNT}/token`) {
        const limited = await rateLimit(req.ctx, {
          bucket: 'oidc:token:ip',
          key: req.ip,
          limit: req.ctx.config.ssoRateLimit,
          windowSeconds: 60,
        }).catch((err: unknown) => err);
        if (limited instanceof AppError) {
          // the OAuth error shape, since the callers are OAuth clients
          return reply
            .code(429)
            .headers(limited.headers ?? {})
            .header('cache-control', 'no-store')
            .send({ error: 'temporarily_unavailable', error_description: limited.message });
        }
        if (limited instanceof Error) throw limited;
      }
      const { callback } = await getProvider(req.ctx);
      reply.hijack();
      const raw = req.raw as typeof req.raw & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(MOUNT.length) || '/';
      await callback(raw, reply.raw);
    };
    scope.all(MOUNT, handler);
    scope.all(`${MOUNT}/*`, handler);
  });
}

async function loadInteraction(
  req: FastifyRequest,
  reply: FastifyReply,
  uid: string,
): Promise<{ provider: Provider; details: Interaction }> {
  const { provider } = await getProvider(req.ctx);
  const details = await provider.interactionDetails(req.raw, reply.raw).catch(() => null);
  if (!details || details.uid !== uid) throw new AppError('OIDC_INTERACTION_NOT_FOUND');
  return { provider, details };
}

const loginResult = (actor: Actor) => ({ login: { accountId: actor.userId, amr: ['pwd'] } });

async function describe(ctx: AuthedContext, provider: Provider, details: Interaction): Promise<TOidcInteraction> {
  const client = await provider.Client.find(String(details.params.client_id));
  if (!client) throw new AppError('OIDC_INTERACTION_NOT_FOUND');
  const appId = client.metadata()['qiming:app_id'] as string;
  const requested = String(details.params.scope ?? '')
    .split(' ')
    .filter((s) => s in OIDC_SCOPE_NAMES);
  return {
    uid: details.uid,
    prompt: details.prompt.name === 'login' ? 'login' : 'consent',
    client: { clientId: client.clientId, name: client.clientName ?? client.clientId, logoUrl: `/api/apps/${appId}/logo` },
    scopes: requested.map((scope) => ({ scope, label: OIDC_SCOPE_NAMES[scope] })),
    isEnabled: await isAppEnabledFor(ctx.db, appId, ctx.actor.userId),
    account: { displayName: ctx.actor.displayName, username: ctx.actor.username },
  };
}

/** Grants what the consent prompt found missing, on the account's existing grant for the client or a new one. */
async function grantConsent(provider: Provider, details: Interaction, actor: Actor): Promise<string> {
  const clientId = String(details.params.client_id);
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing && existing.accountId === actor.userId ? existing : new provider.Grant({ accountId: actor.userId, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

export async function oidcRoutes(app: ZApp): Promise<void> {
  await mountProvider(app);

  app.get(
    '/api/oidc/keys',
    {
      config: { access: { permission: 'security.manage' } },
      schema: { tags: ['oidc'], summary: '单点登录签名密钥', response: { 200: ZOidcKeyList } },
    },
    async (req) => ({ items: await listSigningKeys(req.ctx.db) }),
  );

  app.post(
    '/api/oidc/keys/rotate',
    {
      config: { access: { permission: 'security.manage' } },
      schema: { tags: ['oidc'], summary: '轮换单点登录签名密钥', response: { 200: ZOidcKeyList } },
    },
    async (req) => {
      const ctx = req.ctx as AuthedContext;
      await withTransaction(ctx.db, async (tx) => {
        const result = await rotateSigningKeys(tx, ctx);
        await recordAudit(tx, ctx, { action: 'oidc.keys.rotate', targetType: 'oidc_keys', summary: result });
      });
      resetProvider(ctx);
      return { items: await listSigningKeys(ctx.db) };
    },
  );

  // where the provider sends the browser to sign in or consent: a user signed in to Qiming passes
  // the sign-in step without seeing anything; everyone else continues on the web app's page
  app.get(
    '/api/oidc/interaction/:uid',
    { config: { access: { public: true } }, schema: { tags: ['oidc'], summary: '单点登录交互入口（浏览器跳转）', params: ZUidParams } },
    async (req, reply) => {
      const actor = req.ctx.actor;
      if (actor && !actor.mustChangePassword) {
        const found = await loadInteraction(req, reply, req.params.uid).catch(() => null);
        if (found?.details.prompt.name === 'login') {
          const to = await found.provider.interactionResult(req.raw, reply.raw, loginResult(actor), { mergeWithLastSubmission: false });
          return reply.code(303).redirect(to);
        }
      }
      return reply.code(303).redirect(`/sso/${encodeURIComponent(req.params.uid)}`);
    },
  );

  app.get(
    '/api/oidc/interaction/:uid/details',
    {
      config: { access: {} },
      schema: { tags: ['oidc'], summary: '单点登录请求详情（授权页）', params: ZUidParams, response: { 200: ZOidcInteraction } },
    },
    async (req, reply) => {
      const { provider, details } = await loadInteraction(req, reply, req.params.uid);
      return describe(req.ctx as AuthedContext, provider, details);
    },
  );

  app.post(
    '/api/oidc/interaction/:uid/confirm',
    {
      config: { access: {} },
      schema: {
        tags: ['oidc'],
        summary: '同意或拒绝授权，继续单点登录',
        params: ZUidParams,
        body: ZOidcDecision,
        response: { 200: ZOidcRedirect },
      },
    },
    async (req, reply) => {
      const ctx = req.ctx as AuthedContext;
      const { provider, details } = await loadInteraction(req, reply, req.params.uid);
      if (details.prompt.name === 'login') {
        const redirectTo = await provider.interactionResult(req.raw, reply.raw, loginResult(ctx.actor), { mergeWithLastSubmission: false });
        return { redirectTo };
      }
      const info = await describe(ctx, provider, details);
      if (req.body.approve && !info.isEnabled) throw new AppError('APP_NOT_ENABLED');
      const appId = (await provider.Client.find(info.client.clientId))!.metadata()['qiming:app_id'] as string;
      const result = req.body.approve
        ? { consent: { grantId: await grantConsent(provider, details, ctx.actor) } }
        : {
            error: 'access_denied',
            error_description: info.isEnabled ? 'the user declined' : 'the application is not enabled for this user',
          };
      await withTransaction(ctx.db, (tx) =>
        recordAudit(tx, ctx, {
          action: 'oidc.consent',
          outcome: req.body.approve ? 'success' : 'failure',
          targetType: 'app',
          targetId: appId,
          summary: {
            clientId: info.client.clientId,
            scopes: info.scopes.map((s) => s.scope),
            decision: req.body.approve ? 'approve' : 'deny',
          },
        }),
      );
      const redirectTo = await provider.interactionResult(req.raw, reply.raw, result, { mergeWithLastSubmission: true });
      return { redirectTo };
    },
  );
}
