import { jwtVerify, type JWTPayload } from 'jose';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { UpstreamConfig } from '../../../core/config.ts';
import type { RequestContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { endSingleSignOn } from '../sign-out.ts';
import { upstreamClient } from './upstream-client.ts';
import * as repo from './upstream.repository.ts';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token that is not one; the route answers 400 { error: 'invalid_request' } as the specification asks. */
export class LogoutTokenError extends Error {}

/**
 * OpenID Connect Back-Channel Logout 1.0 from the upstream: the logout token is verified against
 * the upstream's keys (signature, issuer, audience, age, the logout event, no nonce, a sid or sub,
 * used once), then the Qiming sessions it opened end — and with them their single sign-on below.
 * Returns how many sessions ended.
 */
export async function upstreamBackchannelLogout(ctx: RequestContext, up: UpstreamConfig, logoutToken: unknown): Promise<number> {
  if (typeof logoutToken !== 'string' || !logoutToken) throw new LogoutTokenError('logout_token is required');
  const { jwks } = await upstreamClient(up);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(logoutToken, jwks, { issuer: up.issuer, audience: up.clientId, maxTokenAge: '10 minutes' }));
  } catch (err) {
    throw new LogoutTokenError(`invalid logout_token: ${(err as Error).message}`);
  }
  const events = payload.events as Record<string, unknown> | undefined;
  if (!events || typeof events[BACKCHANNEL_EVENT] !== 'object' || 'nonce' in payload || (!payload.sid && !payload.sub) || !payload.jti)
    throw new LogoutTokenError('invalid logout_token: not a back-channel logout token');
  if (!(await repo.firstUseOfLogoutToken(ctx.db, up.issuer, payload.jti))) throw new LogoutTokenError('invalid logout_token: replayed');

  const by = payload.sid ? { sid: String(payload.sid) } : { subject: String(payload.sub) };
  const ended = await withTransaction(ctx.db, async (tx) => {
    const ids = await repo.liveUpstreamSessions(tx, up.issuer, by);
    await repo.revokeSessions(tx, ids);
    const pending = await repo.deletePendingChallenges(tx, up.issuer, by);
    await recordAudit(tx, ctx, {
      action: 'auth.logout',
      actor: { id: null, name: `upstream:${up.issuer}`, role: null },
      summary: { via: 'upstream_backchannel', provider: up.issuer, ...by, sessions: ids.length, pendingSignIns: pending },
    });
    return ids;
  });
  await endSingleSignOn(ctx, ended);
  return ended.length;
}
