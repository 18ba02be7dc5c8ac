import { ZIdParams, ZMfaConfirmRequest, ZMfaEnrollment, ZMfaStatus, ZMfaVerifyRequest, ZRecoveryCodes } from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import type { AuthedContext } from '../../../core/context.ts';
import type { ZApp } from '../../../core/http/app.ts';
import * as mfa from './mfa.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
// enrolment is what a user who must enrol is allowed to do (and all they are allowed to do)
const enrolment = { access: { allowMfaEnrollment: true } } as const;

/** Two-step verification of the signed-in user (账号安全), and an administrator's reset of someone else's. */
export async function mfaRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/me/mfa',
    { config: enrolment, schema: { tags: ['mfa'], summary: '两步验证状态', response: { 200: ZMfaStatus } } },
    async (req) => mfa.getMfaStatus(authed(req)),
  );
  app.post(
    '/api/me/mfa/enrollment',
    { config: enrolment, schema: { tags: ['mfa'], summary: '开始绑定验证器（生成密钥）', response: { 200: ZMfaEnrollment } } },
    async (req) => mfa.startEnrollment(authed(req)),
  );
  app.post(
    '/api/me/mfa/enrollment/confirm',
    {
      config: enrolment,
      schema: { tags: ['mfa'], summary: '确认绑定（输入验证码），返回恢复码', body: ZMfaConfirmRequest, response: { 200: ZRecoveryCodes } },
    },
    async (req) => mfa.confirmEnrollment(authed(req), req.body.code),
  );
  app.post(
    '/api/me/mfa/disable',
    { config: { access: {} }, schema: { tags: ['mfa'], summary: '停用两步验证', body: ZMfaVerifyRequest } },
    async (req, reply) => {
      await mfa.disableMfa(authed(req), req.body);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/me/mfa/recovery-codes',
    {
      config: { access: {} },
      schema: { tags: ['mfa'], summary: '重新生成恢复码', body: ZMfaVerifyRequest, response: { 200: ZRecoveryCodes } },
    },
    async (req) => mfa.regenerateRecoveryCodes(authed(req), req.body),
  );
  app.post(
    '/api/users/:id/mfa/reset',
    {
      config: { access: { permission: ['user.manage', 'security.manage'], scope: { kind: 'user', from: 'params', key: 'id' } } },
      schema: { tags: ['users'], summary: '重置用户的两步验证（如手机丢失）', params: ZIdParams },
    },
    async (req, reply) => {
      await mfa.resetMfa(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );
}
