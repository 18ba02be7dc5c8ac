import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import type { Role } from '@qiming/shared';
import { recordAudit } from '../../../core/audit/audit.ts';
import { createSession, defaultRole, distinctRoles, listScopeGrants } from '../../../core/auth/session.ts';
import { publicBaseUrl } from '../../../core/config.ts';
import type { AppContext, RequestContext } from '../../../core/context.ts';
import { withTransaction, type Tx } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { hashPassword } from '../passwords.ts';
import { endSingleSignOn } from '../sign-out.ts';
import type { UpstreamConfig } from './upstream-config.ts';

export const UPSTREAM_COOKIE = 'qm_upstream';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

type Discovered = { config: oidc.Configuration; jwks: ReturnType<typeof createRemoteJWKSet> };
const discovered = new Map<string, Promise<Discovered>>();

/** The upstream's metadata, discovered once per process (openid-client; plain http only on loopback-style test setups). */
export function upstreamClient(up: UpstreamConfig): Promise<Discovered> {
  let p = discovered.get(up.issuer);
  if (!p) {
    p = oidc
      .discovery(new URL(up.issuer), up.clientId, undefined, oidc.ClientSecretBasic(up.clientSecret), {
        execute: up.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .then((config) => ({ config, jwks: createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)) }));
    discovered.set(up.issuer, p);
    p.catch(() => discovered.delete(up.issuer));
  }
  return p;
}

export const callbackUrl = (app: Pick<AppContext, 'config'>) => `${publicBaseUrl(app.config)}/api/upstream/callback`;

export type UpstreamState = { state: string; verifier: string; nonce: string; next: string };

/** Where to send the browser, and what to remember (in an encrypted cookie) for the way back. */
export async function beginUpstreamLogin(app: AppContext, up: UpstreamConfig, next: string) {
  const { config } = await upstreamClient(up);
  const st: UpstreamState = { state: oidc.randomState(), verifier: oidc.randomPKCECodeVerifier(), nonce: oidc.randomNonce(), next };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(app),
    scope: up.scope,
    state: st.state,
    nonce: st.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(st.verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.toString(), cookie: app.cipher.encrypt(JSON.stringify(st)) };
}

type Claims = Record<string, unknown> & { sub: string; sid?: string };

/** The local account for upstream claims: an existing link, else the configured claim, else (if allowed) a new account. */
async function resolveAccount(tx: Tx, ctx: RequestContext, up: UpstreamConfig, claims: Claims) {
  const link = await tx
    .selectFrom('upstream_links')
    .select(['id', 'user_id'])
    .where('provider', '=', up.issuer)
    .where('subject', '=', claims.sub)
    .executeTakeFirst();
  if (link) return { userId: link.user_id, linkId: link.id, created: false };
  const value = claims[up.linkClaim];
  let userId: string | undefined;
  if (typeof value === 'string' && value) {
    const q = tx.selectFrom('users').select('id').where('is_active', '=', true);
    const found = await (up.linkTo === 'username' ? q.where('username', '=', value) : q.where('id', '=', value))
      .executeTakeFirst()
      .catch(() => undefined);
    userId = found?.id;
  }
  let linkedBy: 'claim' | 'provisioned' = 'claim';
  if (!userId && up.provision === 'create') {
    userId = await provisionAccount(tx, up, claims);
    linkedBy = 'provisioned';
  }
  if (!userId) return null;
  const linkId = randomUUID();
  await tx
    .insertInto('upstream_links')
    .values({
      id: linkId,
      provider: up.issuer,
      subject: claims.sub,
      user_id: userId,
      linked_by: linkedBy,
      claim_value: typeof value === 'string' ? value : null,
      created_at: new Date(),
    })
    .execute();
  await recordAudit(tx, ctx, {
    action: 'upstream.link',
    targetType: 'user',
    targetId: userId,
    actor: { id: userId, name: typeof claims.name === 'string' ? claims.name : null, role: null },
    summary: { provider: up.issuer, subject: claims.sub, linkedBy, claim: up.linkClaim },
  });
  return { userId, linkId, created: linkedBy === 'provisioned' };
}

/**
 * Just-in-time provisioning: an account at the school whose 学校标识码 the `school` claim names,
 * with the upstream's roles that the configuration allows (a school-level grant, as a teacher's).
 */
async function provisionAccount(tx: Tx, up: UpstreamConfig, claims: Claims): Promise<string | undefined> {
  const code = (claims.school as { code?: string } | undefined)?.code;
  const roles = (Array.isArray(claims.roles) ? (claims.roles as string[]) : []).filter((r) => up.provisionRoles.includes(r));
  if (!code || roles.length === 0) return undefined;
  const school = await tx
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('code', '=', code)
    .where('kind', 'in', ['school', 'teaching_point'])
    .executeTakeFirst();
  if (!school) return undefined;
  const id = randomUUID();
  const base = typeof claims.preferred_username === 'string' ? claims.preferred_username : `up_${claims.sub.slice(0, 8)}`;
  const taken = await tx.selectFrom('users').select('id').where('username', '=', base).executeTakeFirst();
  await tx
    .insertInto('users')
    .values({
      id,
      username: taken ? `${base}_${id.slice(0, 6)}` : base,
      display_name: typeof claims.name === 'string' ? claims.name.slice(0, 50) : base,
      // no usable password: this account signs in through the upstream only
      password_hash: await hashPassword(randomUUID() + randomUUID()),
      password_changed_at: new Date(),
      home_org_id: school.id,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  for (const role of roles)
    await tx
      .insertInto('role_grants')
      .values({ id: randomUUID(), user_id: id, role, scope_id: school.id, scope_path: null, created_at: new Date() })
      .execute();
  return id;
}

/** The way back from the upstream: exchange the code (PKCE, state, nonce checked by openid-client), find the account, open a session. */
export async function completeUpstreamLogin(
  ctx: RequestContext,
  up: UpstreamConfig,
  currentUrl: URL,
  cookie: string | undefined,
  userAgent: string | null,
) {
  let st: UpstreamState;
  try {
    st = JSON.parse(ctx.cipher.decrypt(cookie ?? '')) as UpstreamState;
  } catch {
    throw new AppError('BAD_REQUEST', { message: '上级平台登录请求已失效，请重新点击“使用上级平台账号登录”' });
  }
  const { config } = await upstreamClient(up);
  const redirect = new URL(callbackUrl(ctx));
  redirect.search = currentUrl.search;
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, redirect, {
      pkceCodeVerifier: st.verifier,
      expectedState: st.state,
      expectedNonce: st.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    await withTransaction(ctx.db, (tx) =>
      recordAudit(tx, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        summary: { via: 'upstream', provider: up.issuer, reason: (err as Error).message.slice(0, 200) },
      }),
    );
    throw new AppError('AUTH_INVALID_CREDENTIALS', { message: '上级平台登录未成功，请重试' });
  }
  const claims = {
    ...tokens.claims()!,
    ...(await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub).catch(() => ({}))),
  } as Claims;
  return withTransaction(ctx.db, async (tx) => {
    const account = await resolveAccount(tx, ctx, up, claims);
    if (!account) {
      await recordAudit(tx, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        summary: { via: 'upstream', provider: up.issuer, subject: claims.sub, reason: 'no_account' },
      });
      return { ok: false as const, next: st.next };
    }
    const user = await tx
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'is_active'])
      .where('id', '=', account.userId)
      .executeTakeFirstOrThrow();
    if (!user.is_active) return { ok: false as const, next: st.next };
    const role = defaultRole(distinctRoles((await listScopeGrants(tx, user.id)).map((g) => ({ role: g.role as Role }))));
    const session = await createSession(ctx, tx, { userId: user.id, activeRole: role, ip: ctx.ip, userAgent });
    await tx
      .insertInto('upstream_sessions')
      .values({ session_id: session.sessionId, provider: up.issuer, subject: claims.sub, sid: claims.sid ?? null, created_at: new Date() })
      .execute();
    await tx.updateTable('upstream_links').set({ last_login_at: new Date() }).where('id', '=', account.linkId).execute();
    await recordAudit(tx, ctx, {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      actor: { id: user.id, name: user.display_name, role },
      summary: { username: user.username, via: 'upstream', provider: up.issuer, provisioned: account.created },
    });
    return { ok: true as const, token: session.token, next: st.next };
  });
}

/**
 * OpenID Connect Back-Channel Logout from the upstream: the logout token is verified against the
 * upstream's keys (issuer, audience, event, no nonce, sid or sub), then the Qiming sessions it opened
 * end — and with them their own single sign-on below.
 */
export async function upstreamBackchannelLogout(ctx: RequestContext, up: UpstreamConfig, logoutToken: string | undefined): Promise<number> {
  if (!logoutToken) throw new AppError('BAD_REQUEST', { message: 'logout_token is required' });
  const { jwks } = await upstreamClient(up);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(logoutToken, jwks, { issuer: up.issuer, audience: up.clientId, maxTokenAge: '10 minutes' }));
  } catch (err) {
    throw new AppError('BAD_REQUEST', { message: `invalid logout_token: ${(err as Error).message}` });
  }
  const events = payload.events as Record<string, unknown> | undefined;
  if (!events || typeof events[BACKCHANNEL_EVENT] !== 'object' || 'nonce' in payload || (!payload.sid && !payload.sub) || !payload.jti)
    throw new AppError('BAD_REQUEST', { message: 'invalid logout_token: not a back-channel logout token' });
  // a logout token is used once
  const seen = await ctx.db
    .insertInto('oidc_payloads')
    .values({
      model: 'UpstreamLogoutToken',
      id: `${up.issuer}#${payload.jti}`,
      payload: '{}',
      expires_at: new Date(Date.now() + 15 * 60_000),
    })
    .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
    .executeTakeFirst();
  if (Number(seen.numInsertedOrUpdatedRows) === 0) throw new AppError('BAD_REQUEST', { message: 'invalid logout_token: replayed' });

  let q = ctx.db.selectFrom('upstream_sessions').select('session_id').where('provider', '=', up.issuer);
  q = payload.sid ? q.where('sid', '=', String(payload.sid)) : q.where('subject', '=', String(payload.sub));
  const ids = (await q.execute()).map((r) => r.session_id);
  if (ids.length) {
    await withTransaction(ctx.db, async (tx) => {
      await tx.updateTable('sessions').set({ revoked_at: new Date() }).where('id', 'in', ids).where('revoked_at', 'is', null).execute();
      await recordAudit(tx, ctx, {
        action: 'auth.logout',
        summary: { via: 'upstream_backchannel', provider: up.issuer, sid: payload.sid ?? null, sessions: ids.length },
      });
    });
    await endSingleSignOn(ctx, ids);
  }
  return ids.length;
}
