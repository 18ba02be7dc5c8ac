import { ZChangePasswordRequest, ZLoginRequest, ZLoginResponse, ZMe, ZMfaVerifyRequest, ZSwitchRoleRequest } from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import type { AuthedContext } from '../../core/context.ts';
import { checkCsrf, type ZApp } from '../../core/http/app.ts';
import { revokeSession } from './identity.repository.ts';
import * as identity from './identity.service.ts';
import {
  clearSessionCookie as clearCookie,
  completeMfaSignIn,
  login,
  MFA_PENDING_COOKIE,
  setSignInCookies,
  type SignInResult,
} from './sign-in.ts';
import { endSingleSignOn, sessionIdsOf } from './sign-out.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;

/** A new session replaces the one this browser held before (no two live sessions from one sign-in screen). */
async function replacePrevious(req: FastifyRequest, result: SignInResult) {
  if (result.kind === 'session' && req.ctx.actor) await revokeSession(req.ctx.db, req.ctx.actor.sessionId);
}

export async function sessionRoutes(app: ZApp): Promise<void> {
  app.post(
    '/api/auth/login',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['auth'],
        summary: '登录',
        description: '用户名和密码。已启用两步验证的用户得到 { status: "mfa_required" } 和待验证 Cookie，再调用 /api/auth/mfa。',
        body: ZLoginRequest,
        response: { 200: ZLoginResponse },
      },
    },
    async (req, reply) => {
      const result = await login(req.ctx, req.body, req.headers['user-agent'] ?? null);
      await replacePrevious(req, result);
      return setSignInCookies(req, reply, result);
    },
  );

  app.post(
    '/api/auth/mfa',
    {
      // no session yet: the pending cookie set by /api/auth/login is what this step needs
      config: { access: { public: true } },
      schema: { tags: ['auth'], summary: '登录第二步：验证码或恢复码', body: ZMfaVerifyRequest, response: { 200: ZMe } },
    },
    async (req, reply) => {
      checkCsrf(req, MFA_PENDING_COOKIE);
      const result = await completeMfaSignIn(req.ctx, req.cookies[MFA_PENDING_COOKIE], req.body, req.headers['user-agent'] ?? null);
      await replacePrevious(req, result);
      return setSignInCookies(req, reply, result);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: { allowPasswordChange: true, allowMfaEnrollment: true } },
      schema: { tags: ['auth'], summary: '退出登录' },
    },
    async (req, reply) => {
      await identity.logout(authed(req));
      await endSingleSignOn(req.ctx, [authed(req).actor.sessionId]);
      return clearCookie(reply).code(204).send();
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      config: { access: { allowPasswordChange: true, allowMfaEnrollment: true } },
      schema: { tags: ['auth'], summary: '退出所有设备' },
    },
    async (req, reply) => {
      await identity.logout(authed(req), { everywhere: true });
      await endSingleSignOn(req.ctx, await sessionIdsOf(req.ctx, authed(req).actor.userId));
      return clearCookie(reply).code(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      config: { access: { allowPasswordChange: true, allowMfaEnrollment: true } },
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
      config: { access: { allowPasswordChange: true, allowMfaEnrollment: true } },
      schema: { tags: ['auth'], summary: '修改密码', body: ZChangePasswordRequest },
    },
    async (req, reply) => {
      await identity.changePassword(authed(req), req.body.currentPassword, req.body.newPassword);
      return reply.code(204).send();
    },
  );
}
