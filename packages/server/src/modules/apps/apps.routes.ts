import {
  ZApp,
  ZAppEnablementParams,
  ZAppList,
  ZAppWithSecret,
  ZCreateAppRequest,
  ZIdParams,
  ZMyAppList,
  ZUpdateAppRequest,
} from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import type { AuthedContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { ZApp as ZFastify } from '../../core/http/app.ts';
import * as apps from './apps.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const tags = ['apps'];
const ADMIN = ['app.register', 'app.enable'] as const;

/** 应用接入: the registry (bureau level), enablement per district or school, the user's launcher. */
export async function appsRoutes(app: ZFastify): Promise<void> {
  app.get(
    '/api/apps',
    { config: { access: { permission: [...ADMIN] } }, schema: { tags, summary: '接入应用列表', response: { 200: ZAppList } } },
    async (req) => ({ items: await apps.listApps(authed(req)) }),
  );

  app.post(
    '/api/apps',
    {
      config: { access: { permission: 'app.register', scope: { kind: 'org', from: 'body', key: 'ownerScopeId' } } },
      schema: { tags, summary: '接入应用（注册 OIDC 客户端或 CAS 服务）', body: ZCreateAppRequest, response: { 201: ZAppWithSecret } },
    },
    async (req, reply) => reply.code(201).send(await apps.createApp(authed(req), req.body)),
  );

  app.get(
    '/api/apps/:id',
    {
      config: { access: { permission: [...ADMIN] } },
      schema: { tags, summary: '应用详情', params: ZIdParams, response: { 200: ZApp } },
    },
    async (req) => apps.getApp(authed(req), req.params.id),
  );

  app.put(
    '/api/apps/:id',
    {
      config: { access: { permission: 'app.register', scope: { kind: 'app', from: 'params', key: 'id' } } },
      schema: { tags, summary: '修改应用', params: ZIdParams, body: ZUpdateAppRequest, response: { 200: ZApp } },
    },
    async (req) => apps.updateApp(authed(req), req.params.id, req.body),
  );

  app.post(
    '/api/apps/:id/secret',
    {
      config: { access: { permission: 'app.register', scope: { kind: 'app', from: 'params', key: 'id' } } },
      schema: { tags, summary: '重置客户端密钥（只显示一次）', params: ZIdParams, response: { 200: ZAppWithSecret } },
    },
    async (req) => apps.rotateClientSecret(authed(req), req.params.id),
  );

  app.put(
    '/api/apps/:id/logo',
    {
      config: { access: { permission: 'app.register', scope: { kind: 'app', from: 'params', key: 'id' } } },
      schema: { tags, summary: '上传应用图标（multipart，字段 file；PNG/JPEG/WebP，≤256 KB）', params: ZIdParams, response: { 200: ZApp } },
    },
    async (req) => {
      if (!req.isMultipart()) throw new AppError('FILE_INVALID', { message: '请以表单方式上传图标（multipart/form-data，字段名 file）' });
      const part = await req.file({ limits: { fileSize: apps.LOGO_MAX_BYTES + 1 } });
      if (!part || part.fieldname !== 'file') throw new AppError('FILE_INVALID', { message: '没有收到图标文件' });
      const data = await part.toBuffer();
      return apps.setLogo(authed(req), req.params.id, { data, type: part.mimetype });
    },
  );

  // logos are shown on the login and consent pages too, before anyone is signed in
  app.get(
    '/api/apps/:id/logo',
    { config: { access: { public: true } }, schema: { tags, summary: '应用图标', params: ZIdParams } },
    async (req, reply) => {
      const logo = await apps.getLogo(req.ctx.db, req.params.id);
      if (!logo?.logo) throw new AppError('NOT_FOUND');
      return reply
        .type(logo.logo_type ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=300')
        .send(logo.logo);
    },
  );

  app.put(
    '/api/apps/:id/enablements/:scopeId',
    {
      config: { access: { permission: 'app.enable', scope: { kind: 'org', from: 'params', key: 'scopeId' } } },
      schema: { tags, summary: '为本区域/本校开通应用', params: ZAppEnablementParams, response: { 200: ZApp } },
    },
    async (req) => apps.setEnabled(authed(req), req.params.id, req.params.scopeId, true),
  );

  app.delete(
    '/api/apps/:id/enablements/:scopeId',
    {
      config: { access: { permission: 'app.enable', scope: { kind: 'org', from: 'params', key: 'scopeId' } } },
      schema: { tags, summary: '为本区域/本校停用应用', params: ZAppEnablementParams, response: { 200: ZApp } },
    },
    async (req) => apps.setEnabled(authed(req), req.params.id, req.params.scopeId, false),
  );

  app.get(
    '/api/me/apps',
    { config: { access: {} }, schema: { tags, summary: '我的应用（个人空间）', response: { 200: ZMyAppList } } },
    async (req) => ({ items: await apps.listMyApps(authed(req)) }),
  );
}
