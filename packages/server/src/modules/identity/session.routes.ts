import { ZChangePasswordRequest, ZLoginRequest, ZMe, ZSwitchRoleRequest } from '@qiming/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthedContext } from '../../core/context.ts';
import { SESSION_COOKIE } from '../../core/auth/session.ts';
import type { ZApp } from '../../core/http/app.ts';
import * as identity from './identity.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const clearCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });

export async function sessionRoutes(app: ZApp): Promise<void> {
  app.post(
    '/api/auth/login',
    {
      config: { access: { public: true } },
      schema: { tags: ['auth'], summary: '登录', body: ZLoginRequest, response: { 200: ZMe } },
    },
    async (req, reply) => {
      const { token, me } = await identity.login(req.ctx, req.body, req.headers['user-agent'] ?? null);
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https' });
      return me;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: { allowPasswordChange: true } },
      schema: { tags: ['auth'], summary: '退出登录' },
    },
    async (req, reply) => {
      await identity.logout(authed(req));
      return clearCookie(reply).code(204).send();
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      config: { access: { allowPasswordChange: true } },
      schema: { tags: ['auth'], summary: '退出所有设备' },
    },
    async (req, reply) => {
      await identity.logout(authed(req), { everywhere: true });
      return clearCookie(reply).code(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      config: { access: { allowPasswordChange: true } },
      schema: { tags: ['auth'], summary: '当前用户', response: { 200: ZMe } },
    },
    async (req) => identity.getMe(authed(req)),
  );

  app.post(
    '/api/me/active-role',
    {
      config: { access: {} },
      schema: { tags: ['auth'], summary: '切换角色', body: ZSwitchRoleRequest, response: { 200: ZMe } },
    },
    async (req) => identity.switchRole(authed(req), req.body.role),
  );

  app.post(
    '/api/me/password',
    {
      config: { access: { allowPasswordChange: true } },
      schema: { tags: ['auth'], summary: '修改密码', body: ZChangePasswordRequest },
    },
    async (req, reply) => {
      await identity.changePassword(authed(req), req.body.currentPassword, req.body.newPassword);
      return reply.code(204).send();
    },
  );
}
