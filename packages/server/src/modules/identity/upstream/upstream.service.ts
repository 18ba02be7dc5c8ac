import { randomUUID } from 'node:crypto';
import type { TUpstreamLinkList, TUpstreamLinksQuery } from '@qiming/shared';
import * as oidc from 'openid-client';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { UpstreamConfig } from '../../../core/config.ts';
import type { AuthedContext, RequestContext } from '../../../core/context.ts';
import { withTransaction, type Tx } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { getUserById } from '../identity.repository.ts';
import { hashPassword } from '../passwords.ts';
import { startSignIn, type SignInResult } from '../sign-in.ts';
import { endSingleSignOn } from '../sign-out.ts';
import { upstreamCallbackUrl, upstreamClient } from './upstream-client.ts';
import { presentLink } from './upstream.presenter.ts';
import * as repo from './upstream.repository.ts';

/** The cookie that carries state, PKCE verifier, nonce and the page to return to, encrypted, for the way back. */
export const UPSTREAM_COOKIE = 'qm_upstream';
export const UPSTREAM_COOKIE_TTL_SECONDS = 600;

/** Why an upstream sign-in did not end in a session; the sign-in page says each in words. */
export type UpstreamFailure = 'expired' | 'denied' | 'failed' | 'unavailable' | 'no_account' | 'disabled';
export class UpstreamLoginError extends Error {
  constructor(readonly reason: UpstreamFailure) {
    super(`upstream sign-in: ${reason}`);
  }
}

type UpstreamState = { state: string; verifier: string; nonce: string; next: string; at: number };
type Claims = Record<string, unknown> & { sub: string; sid?: string };

/** Where to send the browser (the upstream's authorization endpoint, code + PKCE), and the cookie to remember it by. */
export async function beginUpstreamLogin(ctx: RequestContext, up: UpstreamConfig, next: string) {
  const { config } = await upstreamClient(up).catch(() => {
    throw new UpstreamLoginError('unavailable');
  });
  const st: UpstreamState = {
    state: oidc.randomState(),
    verifier: oidc.randomPKCECodeVerifier(),
    nonce: oidc.randomNonce(),
    next,
    at: Date.now(),
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: upstreamCallbackUrl(ctx.config),
    scope: up.scope,
    state: st.state,
    nonce: st.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(st.verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.toString(), cookie: ctx.cipher.encrypt(JSON.stringify(st)) };
}

function readState(ctx: RequestContext, cookie: string | undefined): UpstreamState {
  try {
    const st = JSON.parse(ctx.cipher.decrypt(cookie ?? '')) as UpstreamState;
    if (Date.now() - st.at > UPSTREAM_COOKIE_TTL_SECONDS * 1000) throw new Error('old');
    return st;
  } catch {
    throw new UpstreamLoginError('expired');
  }
}

const failure = (ctx: RequestContext, up: UpstreamConfig, reason: string, extra: Record<string, unknown> = {}) =>
  withTransaction(ctx.db, (tx) =>
    recordAudit(tx, ctx, {
      action: 'auth.login',
      outcome: 'failure',
      summary: { via: 'upstream', provider: up.issuer, reason, ...extra },
    }),
  );

/**
 * The way back from the upstream: the code is exchanged by openid-client (state, PKCE and nonce
 * checked), the account is found by its link, else by the configured claim, else made if the
 * rules allow; then the same `startSignIn` as a password sign-in — a session, or the second
 * factor for an account that has one. Returns where to go next.
 */
export async function completeUpstreamLogin(
  ctx: RequestContext,
  up: UpstreamConfig,
  currentUrl: URL,
  cookie: string | undefined,
  userAgent: string | null,
): Promise<{ result: SignInResult; next: string }> {
  const st = readState(ctx, cookie);
  const upstreamError = currentUrl.searchParams.get('error');
  if (upstreamError) {
    await failure(ctx, up, 'upstream_error', { error: upstreamError.slice(0, 100) });
    throw new UpstreamLoginError(upstreamError === 'access_denied' ? 'denied' : 'failed');
  }
  const { config } = await upstreamClient(up).catch(() => {
    throw new UpstreamLoginError('unavailable');
  });
  const redirect = new URL(upstreamCallbackUrl(ctx.config));
  redirect.search = currentUrl.search;
  let claims: Claims;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, redirect, {
      pkceCodeVerifier: st.verifier,
      expectedState: st.state,
      expectedNonce: st.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    // the ID token carries Qiming's claims already; another provider may keep them for userinfo
    const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub).catch(() => ({}));
    claims = { ...info, ...idClaims } as Claims;
  } catch (err) {
    await failure(ctx, up, 'code_exchange', { error: (err as Error).message.slice(0, 200) });
    throw new UpstreamLoginError('failed');
  }

  const account = await withTransaction(ctx.db, (tx) => resolveAccount(tx, ctx, up, claims));
  if (!account) {
    await failure(ctx, up, 'no_account', { subject: claims.sub, claim: up.linkClaim });
    throw new UpstreamLoginError('no_account');
  }
  const user = await getUserById(ctx.db, account.userId);
  if (!user?.is_active) {
    await failure(ctx, up, 'disabled', { subject: claims.sub, userId: account.userId });
    throw new UpstreamLoginError('disabled');
  }
  await repo.touchLink(ctx.db, account.linkId);
  const result = await startSignIn(ctx, user, {
    firstFactor: `upstream:${up.issuer}`,
    userAgent,
    upstream: { provider: up.issuer, subject: claims.sub, sid: typeof claims.sid === 'string' ? claims.sid : null },
  });
  return { result, next: st.next };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The local account of an upstream account: its link, else the configured claim (then linked), else a provisioned one. */
async function resolveAccount(tx: Tx, ctx: RequestContext, up: UpstreamConfig, claims: Claims) {
  const link = await repo.findLink(tx, up.issuer, claims.sub);
  if (link) return { userId: link.user_id, linkId: link.id };
  const value = text(claims[up.linkClaim]);
  let userId = value ? (await repo.findAccountByClaim(tx, up.linkTo, value))?.id : undefined;
  let linkedBy: 'claim' | 'provisioned' = 'claim';
  if (!userId && up.provision === 'create') {
    userId = await provisionAccount(tx, ctx, up, claims);
    linkedBy = 'provisioned';
  }
  if (!userId) return null;
  const inserted = await repo.insertLink(tx, { provider: up.issuer, subject: claims.sub, userId, linkedBy, claimValue: value });
  if (!inserted) {
    // a parallel first sign-in of the same upstream account linked it a moment ago
    const again = await repo.findLink(tx, up.issuer, claims.sub);
    if (!again) return null;
    return { userId: again.user_id, linkId: again.id };
  }
  await recordAudit(tx, ctx, {
    action: 'upstream.link',
    targetType: 'user',
    targetId: userId,
    actor: { id: userId, name: text(claims.name), role: null },
    summary: { provider: up.issuer, subject: claims.sub, linkedBy, claim: up.linkClaim, claimValue: value },
  });
  return { userId, linkId: inserted.id };
}

/**
 * Just-in-time provisioning: an account at the school whose 学校标识码 the `school` claim names,
 * with those of the upstream's roles that the configuration allows. Without a known school or an
 * allowed role nothing is made, and the sign-in is refused as having no account.
 */
async function provisionAccount(tx: Tx, ctx: RequestContext, up: UpstreamConfig, claims: Claims): Promise<string | undefined> {
  const school = claims.school as { code?: unknown } | null | undefined;
  const code = text(school?.code);
  const roles = (Array.isArray(claims.roles) ? claims.roles : []).filter((r): r is (typeof up.provisionRoles)[number] =>
    up.provisionRoles.includes(r as (typeof up.provisionRoles)[number]),
  );
  if (!code || roles.length === 0) return undefined;
  const unit = await repo.findSchoolByCode(tx, code);
  if (!unit) return undefined;
  const id = randomUUID();
  const preferred = (text(claims.preferred_username) ?? `up_${claims.sub}`).slice(0, 40).replace(/[^\w.@-]/g, '_');
  const username = await repo.freeUsername(tx, preferred, id);
  const displayName = (text(claims.name) ?? username).slice(0, 50);
  const { staffNo } = await repo.insertProvisionedAccount(tx, {
    id,
    username,
    displayName,
    homeOrgId: unit.id,
    // nobody knows this password: the account signs in through the upstream only
    passwordHash: await hashPassword(`${randomUUID()}${randomUUID()}`),
    roles,
  });
  await recordAudit(tx, ctx, {
    action: 'user.create',
    targetType: 'user',
    targetId: id,
    scopeId: unit.id,
    actor: { id: null, name: `upstream:${up.issuer}`, role: null },
    summary: { via: 'upstream_provisioning', provider: up.issuer, subject: claims.sub, username, roles, school: unit.name, staffNo },
  });
  return id;
}

/** The administrator's view of links: accounts in their scope that sign in through an upstream. */
export async function listUpstreamLinks(ctx: AuthedContext, q: TUpstreamLinksQuery): Promise<TUpstreamLinkList> {
  const [rows, count] = await repo.listLinks(ctx.db, ctx.actor, q);
  return { items: rows.map(presentLink), total: Number(count.n), page: q.page, pageSize: q.pageSize };
}

/**
 * Takes a link away: the next upstream sign-in of that account links again by the claim (or is
 * refused), and the sessions the link opened end now, with their single sign-on below.
 */
export async function unlinkUpstream(ctx: AuthedContext, linkId: string): Promise<void> {
  const ended = await withTransaction(ctx.db, async (tx) => {
    const link = await repo.getLinkForUpdate(tx, linkId);
    if (!link) throw new AppError('NOT_FOUND');
    const sessions = await repo.liveUpstreamSessions(tx, link.provider, { subject: link.subject, userId: link.user_id });
    await repo.deleteLink(tx, link.id);
    await repo.revokeSessions(tx, sessions);
    await repo.deletePendingChallenges(tx, link.provider, { subject: link.subject });
    await recordAudit(tx, ctx, {
      action: 'upstream.unlink',
      targetType: 'user',
      targetId: link.user_id,
      summary: {
        provider: link.provider,
        subject: link.subject,
        username: link.username,
        linkedBy: link.linked_by,
        sessionsEnded: sessions.length,
      },
    });
    return sessions;
  });
  await endSingleSignOn(ctx, ended);
}
