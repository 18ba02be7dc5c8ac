import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../../core/audit/audit.ts';
import { loadActor, SESSION_COOKIE } from '../../../core/auth/session.ts';
import type { RequestContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { rateLimit } from '../../../core/rate-limit/index.ts';
import type { ZApp } from '../../../core/http/app.ts';
import { findCasService } from '../../apps/index.ts';
import { page } from '../oidc/oidc-pages.ts';
import { endSingleSignOn } from '../sign-out.ts';
import { casLogin, casValidate } from './cas.service.ts';
import { casResponse, type CasOutcome } from './cas-xml.ts';

const ZLoginQuery = z.object({ service: z.string().max(2000).optional(), renew: z.string().optional(), gateway: z.string().optional() });
const ZValidateQuery = z.object({
  service: z.string().max(2000).optional(),
  ticket: z.string().max(256).optional(),
  renew: z.string().optional(),
  pgtUrl: z.string().optional(),
  format: z.string().optional(),
});
const ZLogoutQuery = z.object({ service: z.string().max(2000).optional() });
const tags = ['cas'];

/** The Qiming session of a browser on a /cas path (the /api hook does not load it there). */
async function withActor(req: FastifyRequest): Promise<RequestContext> {
  const token = req.cookies[SESSION_COOKIE];
  const actor = token ? await loadActor(req.ctx, token).catch(() => null) : null;
  return { ...req.ctx, actor };
}

const html = (reply: FastifyReply, status: number, title: string, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(title, body));

/** CAS 3.0 server: /cas/login, /cas/serviceValidate, /cas/p3/serviceValidate (with attributes), /cas/logout with single logout. */
export async function casRoutes(app: ZApp): Promise<void> {
  app.get(
    '/cas/login',
    { config: { access: { public: true } }, schema: { tags, summary: 'CAS 登录', querystring: ZLoginQuery } },
    async (req, reply) => {
      const ctx = await withActor(req);
      const outcome = await casLogin(ctx, req.query);
      if (outcome.kind === 'redirect') return reply.header('cache-control', 'no-store').redirect(outcome.to, 302);
      if (outcome.kind === 'error')
        return html(
          reply,
          outcome.status,
          '无法登录应用',
          `<p>${outcome.message}</p><div class="actions"><a class="btn primary" href="/">返回启明平台</a></div>`,
        );
      const next = `/cas/login?${new URLSearchParams(Object.entries(req.query).filter(([k, v]) => v !== undefined && k !== 'gateway') as [string, string][])}`;
      return reply.redirect(`/login?${new URLSearchParams({ next, ...(outcome.renew ? { renew: '1' } : {}) })}`, 302);
    },
  );

  for (const [path, attributes] of [
    ['/cas/serviceValidate', false],
    ['/cas/p3/serviceValidate', true],
  ] as const) {
    app.get(
      path,
      {
        config: { access: { public: true } },
        schema: { tags, summary: attributes ? 'CAS 3.0 票据校验（含属性）' : 'CAS 票据校验', querystring: ZValidateQuery },
      },
      async (req, reply) => {
        const answer = (status: number, outcome: CasOutcome, format: 'XML' | 'JSON' = 'XML') => {
          const { body, contentType } = casResponse(outcome, format);
          return reply.code(status).type(contentType).header('cache-control', 'no-store').send(body);
        };
        // XML or JSON (§2.5.1); any other value is refused before the ticket is touched
        const format = req.query.format ?? 'XML';
        if (format !== 'XML' && format !== 'JSON')
          return answer(200, {
            ok: false,
            code: 'INVALID_REQUEST',
            message: `不支持的响应格式 ${format.slice(0, 16)}（应为 XML 或 JSON）`,
          });
        const limited = await rateLimit(req.ctx, {
          bucket: 'cas:validate:ip',
          key: req.ip,
          limit: req.ctx.config.ssoRateLimit,
          windowSeconds: 60,
        }).catch((err: unknown) => err);
        if (limited instanceof AppError) {
          reply.headers(limited.headers ?? {});
          return answer(429, { ok: false, code: 'INTERNAL_ERROR', message: limited.message }, format);
        }
        if (limited instanceof Error) throw limited;
        return answer(200, await casValidate(req.ctx, req.query, { attributes }), format);
      },
    );
  }

  app.get(
    '/cas/logout',
    { config: { access: { public: true } }, schema: { tags, summary: 'CAS 退出（单点退出）', querystring: ZLogoutQuery } },
    async (req, reply) => {
      const ctx = await withActor(req);
      if (ctx.actor) {
        const actor = ctx.actor;
        await withTransaction(ctx.db, async (tx) => {
          await tx.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', actor.sessionId).execute();
          await recordAudit(tx, ctx, { action: 'auth.logout', targetType: 'user', targetId: actor.userId, summary: { via: 'cas' } });
        });
        await endSingleSignOn(ctx, [actor.sessionId]);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
      // back to the service only when it is one of ours: no open redirect
      if (req.query.service && (await findCasService(ctx.db, req.query.service))) return reply.redirect(req.query.service, 302);
      return html(
        reply,
        200,
        '已退出登录',
        '<p>您已退出启明平台及通过它登录的应用。</p><div class="actions"><a class="btn primary" href="/login">重新登录</a></div>',
      );
    },
  );
}
