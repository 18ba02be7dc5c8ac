import { UPSTREAM_FAILURES, ZIdParams, ZUpstreamInfo, ZUpstreamLinkList, ZUpstreamLinksQuery } from '@qiming/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthedContext } from '../../../core/context.ts';
import { AppError } from '../../../core/errors.ts';
import type { ZApp } from '../../../core/http/app.ts';
import { revokeSession } from '../identity.repository.ts';
import { setSignInCookies } from '../sign-in.ts';
import { LogoutTokenError, upstreamBackchannelLogout } from './upstream-logout.ts';
import {
  beginUpstreamLogin,
  completeUpstreamLogin,
  listUpstreamLinks,
  unlinkUpstream,
  UPSTREAM_COOKIE,
  UPSTREAM_COOKIE_TTL_SECONDS,
  UpstreamLoginError,
} from './upstream.service.ts';

const tags = ['upstream'];
/** Only a page of this web app is a place to go back to (no other site, no protocol-relative URL). */
const safeNext = (n: string | undefined) => (n && /^\/(?!\/|\\)/.test(n) && !n.startsWith('/login') ? n : '/');
const cookiePath = '/api/upstream';

function configured(req: FastifyRequest) {
  const up = req.ctx.config.upstream;
  if (!up) throw new AppError('NOT_FOUND', { message: '本平台未配置上级平台登录' });
  return up;
}

const backToLogin = (reply: FastifyReply, reason: (typeof UPSTREAM_FAILURES)[number], next?: string) =>
  reply.redirect(`/login?upstream_error=${reason}${next && next !== '/' ? `&next=${encodeURIComponent(next)}` : ''}`, 302);

/** 使用上级平台账号登录: sign-in through an upper-level Qiming or any OpenID provider, its back-channel logout, and the links. */
export async function upstreamRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/upstream',
    { config: { access: { public: true } }, schema: { tags, summary: '上级平台登录是否可用', response: { 200: ZUpstreamInfo } } },
    async (req) => {
      const up = req.ctx.config.upstream;
      return up ? { enabled: true, name: up.name } : { enabled: false, name: null };
    },
  );

  app.get(
    '/api/upstream/login',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '跳转到上级平台登录（浏览器跳转）', querystring: z.object({ next: z.string().max(2000).optional() }) },
    },
    async (req, reply) => {
      const up = configured(req);
      const next = safeNext(req.query.next);
      const begun = await beginUpstreamLogin(req.ctx, up, next).catch((err: unknown) => {
        if (err instanceof UpstreamLoginError) return err;
        throw err;
      });
      if (begun instanceof UpstreamLoginError) return backToLogin(reply, begun.reason, next);
      reply.setCookie(UPSTREAM_COOKIE, begun.cookie, {
        path: cookiePath,
        httpOnly: true,
        // Lax: the upstream's redirect back is a top-level navigation from another site
        sameSite: 'lax',
        secure: req.protocol === 'https',
        maxAge: UPSTREAM_COOKIE_TTL_SECONDS,
      });
      return reply.redirect(begun.url, 302);
    },
  );

  app.get(
    '/api/upstream/callback',
    { config: { access: { public: true } }, schema: { tags, summary: '上级平台登录回调（浏览器跳转）' } },
    async (req, reply) => {
      const up = configured(req);
      const cookie = req.cookies[UPSTREAM_COOKIE];
      reply.clearCookie(UPSTREAM_COOKIE, { path: cookiePath });
      const done = await completeUpstreamLogin(
        req.ctx,
        up,
        new URL(req.url, 'http://callback'),
        cookie,
        req.headers['user-agent'] ?? null,
      ).catch((err: unknown) => {
        if (err instanceof UpstreamLoginError) return err;
        throw err;
      });
      if (done instanceof UpstreamLoginError) return backToLogin(reply, done.reason);
      // the session replaces whatever this browser held before
      if (done.result.kind === 'session' && req.ctx.actor) await revokeSession(req.ctx.db, req.ctx.actor.sessionId);
      const body = setSignInCookies(req, reply, done.result);
      if (done.result.kind === 'mfa') return reply.redirect(`/login?step=mfa&next=${encodeURIComponent(done.next)}`, 302);
      const me = body as { mustChangePassword?: boolean; mfaEnrollmentRequired?: boolean };
      const to = me.mustChangePassword ? '/change-password' : me.mfaEnrollmentRequired ? '/mfa-setup' : null;
      return reply.redirect(to ? `${to}?next=${encodeURIComponent(done.next)}` : done.next, 302);
    },
  );

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post(
      '/api/upstream/backchannel-logout',
      {
        config: { access: { public: true } },
        schema: { tags, summary: '上级平台后台退出通知（OpenID Connect Back-Channel Logout）' },
      },
      async (req, reply) => {
        const up = configured(req);
        reply.header('cache-control', 'no-store');
        try {
          await upstreamBackchannelLogout(req.ctx, up, (req.body as Record<string, unknown> | undefined)?.logout_token);
        } catch (err) {
          if (err instanceof LogoutTokenError) return reply.code(400).send({ error: 'invalid_request', error_description: err.message });
          throw err;
        }
        return reply.code(200).send();
      },
    );
  });

  app.get(
    '/api/upstream/links',
    {
      config: { access: { permission: 'user.manage' } },
      schema: { tags, summary: '上级平台账号关联', querystring: ZUpstreamLinksQuery, response: { 200: ZUpstreamLinkList } },
    },
    async (req) => listUpstreamLinks(req.ctx as AuthedContext, req.query),
  );

  app.delete(
    '/api/upstream/links/:id',
    {
      config: { access: { permission: 'user.manage', scope: { kind: 'upstream_link', from: 'params', key: 'id' } } },
      schema: { tags, summary: '解除上级平台账号关联', params: ZIdParams },
    },
    async (req, reply) => {
      await unlinkUpstream(req.ctx as AuthedContext, req.params.id);
      return reply.code(204).send();
    },
  );
}
