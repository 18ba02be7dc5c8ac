import {
  paged,
  ZCreateGrantRequest,
  ZGrant,
  ZIdParams,
  ZListGrantsQuery,
  ZListUsersQuery,
  ZResetPasswordResponse,
  ZSecurityPolicy,
  ZSetActiveRequest,
  ZUserSummary,
} from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import { getSecurityPolicy } from '../../core/settings.ts';
import * as users from './users.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const userById = { kind: 'user', from: 'params', key: 'id' } as const;

/** Account administration (user.manage), grants (grant.manage) and the security policy (security.manage). */
export async function adminRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/users',
    {
      config: { access: { permission: ['user.manage', 'grant.manage'] } },
      schema: { tags: ['users'], summary: '用户列表', querystring: ZListUsersQuery, response: { 200: paged(ZUserSummary) } },
    },
    async (req) => users.listUsers(authed(req), req.query),
  );
  app.post(
    '/api/users/:id/reset-password',
    {
      config: { access: { permission: 'user.manage', scope: userById } },
      schema: { tags: ['users'], summary: '重置密码', params: ZIdParams, response: { 200: ZResetPasswordResponse } },
    },
    async (req) => users.resetPassword(authed(req), req.params.id),
  );
  app.post(
    '/api/users/:id/unlock',
    {
      config: { access: { permission: ['user.manage', 'security.manage'], scope: userById } },
      schema: { tags: ['users'], summary: '解除锁定', params: ZIdParams },
    },
    async (req, reply) => {
      await users.unlockUser(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/users/:id/active',
    {
      config: { access: { permission: 'user.manage', scope: userById } },
      schema: { tags: ['users'], summary: '启用或停用账号', params: ZIdParams, body: ZSetActiveRequest },
    },
    async (req, reply) => {
      await users.setActive(authed(req), req.params.id, req.body.isActive);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/grants',
    {
      config: { access: { permission: 'grant.manage', scope: { kind: 'user', from: 'query', key: 'userId' } } },
      schema: { tags: ['grants'], summary: '用户的角色授权', querystring: ZListGrantsQuery, response: { 200: z.array(ZGrant) } },
    },
    async (req) => users.listUserGrants(authed(req), req.query.userId),
  );
  app.post(
    '/api/grants',
    {
      config: { access: { permission: 'grant.manage', scope: { kind: 'user', from: 'body', key: 'userId' } } },
      schema: { tags: ['grants'], summary: '授予角色', body: ZCreateGrantRequest, response: { 201: ZGrant } },
    },
    async (req, reply) => reply.code(201).send(await users.createGrant(authed(req), req.body)),
  );
  app.delete(
    '/api/grants/:id',
    {
      config: { access: { permission: 'grant.manage', scope: { kind: 'grant', from: 'params', key: 'id' } } },
      schema: { tags: ['grants'], summary: '撤销角色', params: ZIdParams },
    },
    async (req, reply) => {
      await users.deleteGrant(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/security/policy',
    {
      config: { access: { permission: 'security.manage' } },
      schema: { tags: ['security'], summary: '安全策略', response: { 200: ZSecurityPolicy } },
    },
    async (req) => getSecurityPolicy(req.ctx.db, { fresh: true }),
  );
  app.put(
    '/api/security/policy',
    {
      config: { access: { permission: 'security.manage' } },
      schema: { tags: ['security'], summary: '修改安全策略', body: ZSecurityPolicy, response: { 200: ZSecurityPolicy } },
    },
    async (req) => users.updateSecurityPolicy(authed(req), await getSecurityPolicy(req.ctx.db, { fresh: true }), req.body),
  );
}
