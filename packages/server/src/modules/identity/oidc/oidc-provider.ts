import { hkdfSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors, interactionPolicy, type AdapterPayload, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { recordAudit, recordAuditNow } from '../../../core/audit/audit.ts';
import { loadActor, SESSION_COOKIE } from '../../../core/auth/session.ts';
import { oidcIssuer } from '../../../core/config.ts';
import type { Actor, AppContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { findOidcClient, isAppEnabledFor } from '../../apps/index.ts';
import { endCasSessions } from '../cas/cas.service.ts';
import { loadAccountClaims } from './oidc-account.ts';
import { kyselyAdapter } from './oidc-adapter.ts';
import { loadSigningKeys, signingKeysVersion } from './oidc-keys.ts';
import { logoutSource, postLogoutSuccessSource, renderError } from './oidc-pages.ts';

/** The audience and scope of client-credentials tokens: JWTs for calling the Qiming API from another server. */
export const API_RESOURCE = 'urn:qiming:api';
export const OIDC_COOKIES = { session: 'qm_oidc_session', interaction: 'qm_oidc_interaction', resume: 'qm_oidc_resume' };
/** How often a process checks whether another one rotated the signing keys. */
const KEY_CHECK_MS = 30_000;

const { Check, base } = interactionPolicy;

/** The Qiming session of the browser talking to the provider (the same cookie the web app uses). */
export async function qimingActor(app: AppContext, ctx: KoaContextWithOIDC): Promise<Actor | null> {
  const token = ctx.cookies.get(SESSION_COOKIE, { signed: false });
  if (!token) return null;
  return loadActor(app, token).catch(() => null);
}

const clientAppId = (ctx: KoaContextWithOIDC): string | undefined => ctx.oidc.client?.metadata()['qiming:app_id'] as string | undefined;

/** Audit from inside the provider: the actor is the account (or the client, for client credentials). */
async function audit(
  app: AppContext,
  ctx: KoaContextWithOIDC,
  event: { action: string; outcome?: 'success' | 'failure'; accountId?: string | null; summary: Record<string, unknown> },
) {
  // grouped with the other requests' records of the moment; the answer leaves only once it is committed
  await recordAuditNow(
    app.db,
    { actor: null, ip: ctx.ip ?? null, config: app.config },
    {
      action: event.action,
      outcome: event.outcome,
      targetType: 'app',
      targetId: clientAppId(ctx) ?? null,
      actor: { id: event.accountId ?? null, name: event.accountId ? null : `client:${ctx.oidc.client?.clientId ?? '?'}`, role: null },
      summary: event.summary,
    },
  );
}

type Storage = ReturnType<typeof kyselyAdapter>;

/** The provider's storage on the database: clients from the registry, the Qiming session and request of the moment. */
const oidcStorage = (app: AppContext): Storage =>
  kyselyAdapter(
    app.db,
    async (id) => (await findOidcClient(app, id)) as AdapterPayload | undefined,
    () => {
      const token = Provider.ctx?.cookies.get(SESSION_COOKIE, { signed: false });
      return token ? app.cipher.mac(token) : null;
    },
    () => Provider.ctx,
  );

function configuration(app: AppContext, keys: Awaited<ReturnType<typeof loadSigningKeys>>, storage: Storage): Configuration {
  const issuer = oidcIssuer(app.config);
  const secure = issuer.startsWith('https:');
  const cookieKey = Buffer.from(hkdfSync('sha256', app.config.secretKey!, 'qiming', 'oidc-cookies', 32)).toString('base64url');
  const policy = base();
  // the provider's session follows the Qiming session: signed out, or someone else signed in, means ask again
  policy.get('login')!.checks.add(
    new Check('qiming_session', 'the Qiming session is missing or belongs to another account', 'login_required', async (ctx) => {
      const actor = await qimingActor(app, ctx);
      return !actor || actor.mustChangePassword || actor.userId !== ctx.oidc.session?.accountId;
    }),
    0,
  );
  policy.get('consent')!.checks.add(
    new Check('qiming_app_not_enabled', 'the application is not enabled for this account', 'access_denied', async (ctx) => {
      const appId = clientAppId(ctx);
      const accountId = ctx.oidc.session?.accountId;
      return !appId || !accountId || !(await isAppEnabledFor(app.db, appId, accountId));
    }),
  );

  return {
    adapter: storage.Adapter,
    jwks: { keys },
    cookies: {
      keys: [cookieKey],
      names: OIDC_COOKIES,
      long: { httpOnly: true, sameSite: 'lax', secure },
      short: { httpOnly: true, sameSite: 'lax', secure },
    },
    async findAccount(_ctx, sub) {
      // a code exchange or refresh read the claims with the code (the same request, moments ago)
      const prefetched = storage.takeAccountClaims(sub);
      const claims = prefetched !== undefined ? prefetched : await loadAccountClaims(app.db, sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => claims };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      roles: ['roles'],
      org: ['school', 'classes', 'region_code'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'roles', 'org', 'api'],
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // a client introspects its own opaque tokens only (JWT access tokens are verified with the JWKS)
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, _client, oneOf) => (ctx.oidc.params?.grant_type === 'client_credentials' ? API_RESOURCE : oneOf),
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== API_RESOURCE) throw new errors.InvalidTarget();
          return { scope: 'api', audience: API_RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    extraClientMetadata: { properties: ['qiming:trusted', 'qiming:app_id'] },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((u) => new URL(u).origin === origin) ?? false,
    interactions: { url: (_ctx, interaction) => `/api/oidc/interaction/${interaction.uid}`, policy },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) {
        const grant = await ctx.oidc.provider.Grant.find(grantId);
        if (grant) return grant;
      }
      // a trusted application (marked so by the bureau) is granted what it asks without a consent screen
      if (!ctx.oidc.client!.metadata()['qiming:trusted']) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId: ctx.oidc.session!.accountId, clientId: ctx.oidc.client!.clientId });
      grant.addOIDCScope(ctx.oidc.params!.scope as string);
      await grant.save();
      await audit(app, ctx, {
        action: 'oidc.consent',
        accountId: ctx.oidc.session!.accountId,
        summary: { clientId: ctx.oidc.client!.clientId, scope: ctx.oidc.params!.scope, trusted: true },
      });
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // every refresh replaces the refresh token; presenting a used one revokes the whole grant
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 3600,
      Interaction: 600,
      Grant: 14 * 86400,
      RefreshToken: 14 * 86400,
      Session: 12 * 3600,
    },
    renderError,
    // oidc-provider refuses to call private addresses; the only URLs it calls here are back-channel
    // logout URIs that a bureau administrator registered, often on a school's intranet
    fetch: (url, options) => {
      const { dispatcher: _ssrfGuard, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return fetch(url, rest);
    },
  };
}

/**
 * Audits what the provider issued and refused: authorization codes, tokens (never their values),
 * and failed exchanges such as a replayed code. Runs around every provider request.
 */
function auditMiddleware(app: AppContext, storage: Storage) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const route = ctx.oidc?.route;
    if (route === 'token') {
      // no token leaves before the code or refresh token it was paid with is consumed
      if (ctx.status === 200)
        await storage.settleConsumption(ctx).catch((err: unknown) => {
          if (!(err instanceof errors.InvalidGrant)) throw err;
          ctx.status = err.statusCode;
          ctx.body = { error: err.error, error_description: err.error_description };
        });
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      const grantType = ctx.oidc.params?.grant_type as string | undefined;
      const accountId = ctx.oidc.entities.AccessToken?.accountId ?? ctx.oidc.entities.Account?.accountId ?? null;
      if (ctx.status === 200)
        await audit(app, ctx, {
          action: 'oidc.token',
          accountId,
          summary: {
            clientId: ctx.oidc.client?.clientId,
            grantType,
            issued: ['access_token', 'refresh_token', 'id_token'].filter((k) => typeof body[k] === 'string'),
            scope: body.scope,
            expiresIn: body.expires_in,
          },
        });
      else if (ctx.status >= 400)
        await audit(app, ctx, {
          action: 'oidc.token',
          outcome: 'failure',
          summary: { clientId: ctx.oidc.client?.clientId ?? ctx.oidc.params?.client_id, grantType, error: body.error },
        });
    } else if (route === 'revocation') {
      // which kind of token (never its value); an unknown or another client's token answers 200 too and
      // revokes nothing. Revoking a token revokes its grant: every token issued with it.
      const { AccessToken, RefreshToken } = ctx.oidc.entities;
      const token = AccessToken ?? RefreshToken;
      const revoked = ctx.status === 200 && token && token.clientId === ctx.oidc.client?.clientId;
      await audit(app, ctx, {
        action: 'oidc.revoke',
        outcome: ctx.status === 200 ? 'success' : 'failure',
        accountId: revoked ? (token.accountId ?? null) : null,
        summary: {
          clientId: ctx.oidc.client?.clientId ?? ctx.oidc.params?.client_id,
          revoked: revoked ? (AccessToken ? 'access_token' : 'refresh_token') : null,
          ...(ctx.status === 200 ? {} : { error: (ctx.body as Record<string, unknown> | undefined)?.error }),
        },
      });
    } else if (route === 'end_session_confirm' && ctx.status < 400) {
      // "全部退出" on the provider's sign-out page signs the browser out of Qiming as well
      const everything = Boolean(ctx.oidc.params?.logout);
      const actor = everything ? await qimingActor(app, ctx) : null;
      await withTransaction(app.db, async (tx) => {
        if (actor) await tx.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', actor.sessionId).execute();
        await recordAudit(
          tx,
          { actor, ip: ctx.ip ?? null, config: app.config },
          {
            action: 'oidc.logout',
            targetType: 'app',
            targetId: clientAppId(ctx) ?? null,
            summary: { clientId: ctx.oidc.client?.clientId ?? null, everything, qimingSession: Boolean(actor) },
          },
        );
      });
      if (actor) {
        ctx.cookies.set(SESSION_COOKIE, null, { signed: false, path: '/' });
        await endCasSessions(app, [actor.sessionId]);
      }
    } else if ((route === 'authorization' || route === 'resume') && ctx.oidc.entities.AuthorizationCode) {
      await audit(app, ctx, {
        action: 'oidc.authorize',
        accountId: ctx.oidc.session?.accountId ?? null,
        summary: { clientId: ctx.oidc.client?.clientId, scope: ctx.oidc.entities.AuthorizationCode.scope },
      });
    }
  };
}

type Holder = {
  provider: Provider;
  callback: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  version: string;
  checkedAt: number;
};
// one provider per database and issuer (two servers on one PGlite in tests share the database)
const holders = new WeakMap<AppContext['db'], Map<string, Promise<Holder>>>();
const holdersOf = (app: AppContext) => {
  let byIssuer = holders.get(app.db);
  if (!byIssuer) holders.set(app.db, (byIssuer = new Map()));
  return byIssuer;
};

async function build(app: AppContext): Promise<Holder> {
  const keys = await loadSigningKeys(app);
  const storage = oidcStorage(app);
  const provider = new Provider(oidcIssuer(app.config), configuration(app, keys, storage));
  provider.proxy = app.config.trustProxy;
  provider.use(auditMiddleware(app, storage));
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider server error', err));
  provider.on('backchannel.error', (_client, err) => console.warn(`back-channel logout failed: ${err.message}`));
  return { provider, callback: provider.callback(), version: await signingKeysVersion(app.db), checkedAt: Date.now() };
}

/**
 * The instance's OpenID provider, built on first use (the issuer is known by then) and rebuilt when
 * another process has rotated the signing keys.
 */
export async function getProvider(app: AppContext): Promise<Holder> {
  const byIssuer = holdersOf(app);
  const issuer = oidcIssuer(app.config);
  let pending = byIssuer.get(issuer);
  if (!pending) {
    pending = build(app);
    byIssuer.set(issuer, pending);
    pending.catch(() => byIssuer.delete(issuer));
  }
  const holder = await pending;
  if (Date.now() - holder.checkedAt > KEY_CHECK_MS) {
    holder.checkedAt = Date.now();
    if ((await signingKeysVersion(app.db)) !== holder.version) {
      const next = build(app);
      byIssuer.set(issuer, next);
      return next;
    }
  }
  return holder;
}

/** Forgets the built provider so the next request builds one with the current keys (after a rotation here). */
export function resetProvider(app: AppContext): void {
  holders.get(app.db)?.clear();
}
