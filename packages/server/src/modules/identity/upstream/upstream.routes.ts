import { ZUpstreamInfo, ZUpstreamLinkList } from '@qiming/shared';
import { z } from 'zod';
import { pathInScope } from '../../../core/access/access.ts';
import { SESSION_COOKIE } from '../../../core/auth/session.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { AppError } from '../../../core/errors.ts';
import type { ZApp } from '../../../core/http/app.ts';
import { beginUpstreamLogin, completeUpstreamLogin, UPSTREAM_COOKIE, upstreamBackchannelLogout } from './upstream.service.ts';

const tags = ['upstream'];
const safeNext = (n: string | undefined) => (n && n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/login') ? n : '/');

/** 使用上级平台账号登录: sign-in through an upper-level Qiming or any OpenID provider, and its back-channel logout. */
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
      schema: { tags, summary: '跳转到上级平台登录', querystring: z.object({ next: z.string().max(2000).optional() }) },
    },
    async (req, reply) => {
      const up = req.ctx.config.upstream;
      if (!up) throw new AppError('NOT_FOUND', { message: '本平台未配置上级平台登录' });
      const { url, cookie } = await beginUpstreamLogin(req.ctx, up, safeNext(req.query.next));
      reply.setCookie(UPSTREAM_COOKIE, cookie, {
        path: '/api/upstream',
        httpOnly: true,
        sameSite: 'lax',
        secure: req.protocol === 'https',
        maxAge: 600,
      });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/api/upstream/callback',
    { config: { access: { public: true } }, schema: { tags, summary: '上级平台登录回调' } },
    async (req, reply) => {
      const up = req.ctx.config.upstream;
      if (!up) throw new AppError('NOT_FOUND', { message: '本平台未配置上级平台登录' });
      reply.clearCookie(UPSTREAM_COOKIE, { path: '/api/upstream' });
      const current = new URL(req.url, 'http://local');
      if (current.searchParams.get('error'))
        return reply.redirect(`/login?upstream_error=${encodeURIComponent(current.searchParams.get('error')!)}`, 302);
      const result = await completeUpstreamLogin(
        req.ctx,
        up,
        current,
        req.cookies[UPSTREAM_COOKIE],
        req.headers['user-agent'] ?? null,
      ).catch((err: unknown) => {
        if (err instanceof AppError) return { ok: false as const, next: '/', error: 'failed' };
        throw err;
      });
      if (!result.ok) return reply.redirect(`/login?upstream_error=${'error' in result ? 'failed' : 'no_account'}`, 302);
      reply.setCookie(SESSION_COOKIE, result.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https' });
      return reply.redirect(result.next, 302);
    },
  );

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post(
      '/api/upstream/backchannel-logout',
      { config: { access: { public: true } }, schema: { tags, summary: '上级平台后台退出通知（OpenID Connect Back-Channel Logout）' } },
      async (req, reply) => {
        const up = req.ctx.config.upstream;
        if (!up) throw new AppError('NOT_FOUND');
        await upstreamBackchannelLogout(req.ctx, up, (req.body as { logout_token?: string } | undefined)?.logout_token);
        return reply.header('cache-control', 'no-store').code(200).send();
      },
    );
  });

  app.get(
    '/api/upstream/links',
    {
      config: { access: { permission: 'user.manage' } },
      schema: { tags, summary: '上级平台账号关联', response: { 200: ZUpstreamLinkList } },
    },
    async (req) => {
      const ctx = req.ctx as AuthedContext;
      const rows = await ctx.db
        .selectFrom('upstream_links as l')
        .innerJoin('users as u', 'u.id', 'l.user_id')
        .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
        .select([
          'l.id',
          'l.provider',
          'l.subject',
          'l.linked_by',
          'l.claim_value',
          'l.created_at',
          'l.last_login_at',
          'u.id as user_id',
          'u.username',
          'u.display_name',
          'o.name as unit_name',
        ])
        .where(pathInScope(ctx.actor, 'o.path'))
        .orderBy('l.created_at', 'desc')
        .limit(500)
        .execute();
      const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
      return {
        items: rows.map((r) => ({
          id: r.id,
          provider: r.provider,
          subject: r.subject,
          linkedBy: r.linked_by,
          claimValue: r.claim_value,
          createdAt: iso(r.created_at)!,
          lastLoginAt: iso(r.last_login_at),
          user: { id: r.user_id, username: r.username, displayName: r.display_name, unitName: r.unit_name },
        })),
      };
    },
  );
}
