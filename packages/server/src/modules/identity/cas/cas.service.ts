import { randomBytes, randomUUID } from 'node:crypto';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { Actor, AppContext, RequestContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { findCasService, isAppEnabledFor } from '../../apps/index.ts';
import { loadAccountClaims } from '../oidc/oidc-account.ts';
import { casLogoutRequest, type CasFailureCode, type CasOutcome } from './cas-xml.ts';

/** CAS recommends at most five minutes; a browser redirect and one back-end call take seconds. */
export const TICKET_TTL_MS = 60_000;
/** `renew=true` asks for a sign-in this recent. */
const RENEW_WINDOW_MS = 120_000;
const SLO_TIMEOUT_MS = 2500;

export const newServiceTicket = () => `ST-${randomBytes(22).toString('base64url')}`;

export type LoginOutcome =
  { kind: 'redirect'; to: string } | { kind: 'login'; renew: boolean } | { kind: 'error'; status: number; message: string };

const withTicket = (service: string, ticket: string) =>
  `${service}${service.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;

/**
 * /cas/login: a signed-in user gets a service ticket at once (single sign-on); `renew` asks for a
 * fresh sign-in, `gateway` never shows one. Only registered, enabled services get tickets.
 */
export async function casLogin(ctx: RequestContext, q: { service?: string; renew?: string; gateway?: string }): Promise<LoginOutcome> {
  const renew = q.renew === 'true' || q.renew === '1';
  // with renew set, gateway is ignored (CAS 3.0 §2.1.1: renew takes precedence)
  const gateway = !renew && (q.gateway === 'true' || q.gateway === '1');
  if (!q.service) return ctx.actor ? { kind: 'redirect', to: '/' } : { kind: 'login', renew: false };
  const app = await findCasService(ctx.db, q.service);
  if (!app)
    return { kind: 'error', status: 400, message: '该应用未在平台登记（service 地址无效），无法登录。请联系应用的提供方或平台管理员。' };
  const actor = ctx.actor && !ctx.actor.mustChangePassword ? ctx.actor : null;
  if (!actor) return gateway ? { kind: 'redirect', to: q.service } : { kind: 'login', renew };
  const session = await ctx.db.selectFrom('sessions').select('created_at').where('id', '=', actor.sessionId).executeTakeFirstOrThrow();
  const signedInAt = new Date(session.created_at);
  const fresh = Date.now() - signedInAt.getTime() < RENEW_WINDOW_MS;
  if (renew && !fresh) return gateway ? { kind: 'redirect', to: q.service } : { kind: 'login', renew: true };
  if (!(await isAppEnabledFor(ctx.db, app.id, actor.userId)))
    return { kind: 'error', status: 403, message: `「${app.name}」尚未对您所在的学校或区域开通，请联系学校管理员。` };
  const ticket = newServiceTicket();
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto('cas_tickets')
      .values({
        id: ticket,
        service: q.service!,
        app_id: app.id,
        user_id: actor.userId,
        session_id: actor.sessionId,
        is_new_login: fresh,
        authenticated_at: signedInAt,
        created_at: new Date(),
        expires_at: new Date(Date.now() + TICKET_TTL_MS),
      })
      .execute();
    await recordAudit(tx, ctx, { action: 'cas.ticket', targetType: 'app', targetId: app.id, summary: { service: q.service, renew } });
  });
  return { kind: 'redirect', to: withTicket(q.service, ticket) };
}

/**
 * /serviceValidate and /p3/serviceValidate: a ticket is good for one validation attempt, for the
 * service it was issued to, before it expires. Every attempt is audited.
 */
export async function casValidate(
  ctx: RequestContext,
  q: { service?: string; ticket?: string; renew?: string },
  { attributes }: { attributes: boolean },
): Promise<CasOutcome> {
  const fail = async (code: CasFailureCode, message: string, appId: string | null = null): Promise<CasOutcome> => {
    await withTransaction(ctx.db, (tx) =>
      recordAudit(tx, ctx, {
        action: 'cas.validate',
        outcome: 'failure',
        targetType: 'app',
        targetId: appId,
        summary: { service: q.service ?? null, code },
      }),
    );
    return { ok: false, code, message };
  };
  if (!q.service || !q.ticket) return fail('INVALID_REQUEST', 'service 与 ticket 参数都必须提供');
  if (!q.ticket.startsWith('ST-')) return fail('INVALID_TICKET_SPEC', `票据 ${q.ticket.slice(0, 64)} 不是服务票据`);
  // one attempt per ticket, whatever its outcome: the update that marks it used is the check
  const row = await ctx.db
    .updateTable('cas_tickets')
    .set({ consumed_at: new Date() })
    .where('id', '=', q.ticket)
    .where('consumed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) return fail('INVALID_TICKET', `票据 ${q.ticket.slice(0, 64)} 无效或已被使用`);
  if (new Date(row.expires_at) < new Date()) return fail('INVALID_TICKET', `票据 ${row.id} 已过期`, row.app_id);
  if (row.service !== q.service) return fail('INVALID_SERVICE', `票据不是为该服务签发的`, row.app_id);
  if ((q.renew === 'true' || q.renew === '1') && !row.is_new_login) return fail('INVALID_TICKET', '票据并非由重新登录签发', row.app_id);
  const claims = await loadAccountClaims(ctx.db, row.user_id);
  const session = await ctx.db.selectFrom('sessions').select('revoked_at').where('id', '=', row.session_id).executeTakeFirst();
  if (!claims || !session || session.revoked_at) return fail('INVALID_TICKET', '签发票据的登录已结束', row.app_id);
  await withTransaction(ctx.db, async (tx) => {
    await tx.updateTable('cas_tickets').set({ validated_at: new Date() }).where('id', '=', row.id).execute();
    await recordAudit(tx, ctx, {
      action: 'cas.validate',
      targetType: 'app',
      targetId: row.app_id,
      actor: { id: row.user_id, name: claims.name, role: null },
      summary: { service: row.service, attributes },
    });
  });
  return {
    ok: true,
    user: claims.preferred_username,
    attributes: attributes
      ? {
          authenticationDate: new Date(row.authenticated_at).toISOString(),
          isFromNewLogin: row.is_new_login,
          longTermAuthenticationRequestTokenUsed: false,
          uid: claims.sub,
          displayName: claims.name,
          roles: claims.roles,
          ...(claims.school ? { schoolName: claims.school.name, schoolCode: claims.school.code ?? '' } : {}),
          classes: claims.classes.map((c) => c.name),
          ...(claims.region_code ? { regionCode: claims.region_code } : {}),
        }
      : undefined,
  };
}

/**
 * Single logout: each service that validated a ticket in one of these Qiming sessions gets the
 * SAML LogoutRequest naming that ticket; then the tickets are forgotten. Unreachable services do
 * not hold up the sign-out.
 */
export async function endCasSessions(app: AppContext, sessionIds: string[]): Promise<number> {
  if (sessionIds.length === 0) return 0;
  const tickets = await app.db
    .selectFrom('cas_tickets')
    .select(['id', 'service'])
    .where('session_id', 'in', sessionIds)
    .where('validated_at', 'is not', null)
    .execute();
  await Promise.all(
    tickets.map((t) =>
      fetch(t.service, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logoutRequest: casLogoutRequest(`LR-${randomUUID()}`, t.id) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(SLO_TIMEOUT_MS),
      }).catch((err: Error) => console.warn(`CAS single logout to ${new URL(t.service).origin} failed: ${err.message}`)),
    ),
  );
  await app.db.deleteFrom('cas_tickets').where('session_id', 'in', sessionIds).execute();
  return tickets.length;
}

/** Tickets never validated, or from sessions long over, are removed (housekeeping). */
export async function purgeCasTickets(app: Pick<AppContext, 'db'>): Promise<number> {
  const res = await app.db
    .deleteFrom('cas_tickets')
    .where((eb) =>
      eb.or([
        eb.and([eb('validated_at', 'is', null), eb('expires_at', '<', new Date())]),
        eb('created_at', '<', new Date(Date.now() - 24 * 3600_000)),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

export type { Actor };
