import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Permission } from '@qiming/shared';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertInScope, requireActor, requirePermission, type ScopeKind } from '../access/access.ts';
import { loadActor, SESSION_COOKIE } from '../auth/session.ts';
import type { AppContext, RequestContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { errorHandler } from './errors.ts';

z.config(z.locales.zhCN());

/**
 * What a route requires, read by one hook before validation: a session (unless public), a
 * permission of the active role, and that the object the route names lies in the actor's scope.
 * The authorization-matrix test reads the same declarations.
 */
export type RouteAccess =
  | { public: true }
  | {
      public?: false;
      /** One permission, or a list of which any one suffices. */
      permission?: Permission | Permission[];
      scope?: { kind: ScopeKind; from: 'params' | 'body' | 'query'; key: string };
      /** Allowed while the user still has to change their password (me, logout, change password). */
      allowPasswordChange?: boolean;
      /** Allowed while the user still has to enrol in two-step verification (me, logout, enrolment). */
      allowMfaEnrollment?: boolean;
    };

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface FastifyRequest {
    ctx: RequestContext;
  }
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** The Fastify instance modules register routes on, typed by the shared zod schemas. */
export type ZApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type RouteInfo = { method: string; url: string; access: RouteAccess | undefined };

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(
  app: AppContext,
  registerModules: (api: ZApp) => Promise<void>,
  { logger = false }: { logger?: boolean | object } = {},
): Promise<{ server: FastifyInstance; routes: RouteInfo[] }> {
  const server = Fastify({
    logger,
    trustProxy: app.config.trustProxy,
    genReqId: () => randomUUID(),
    bodyLimit: 2 * 1024 * 1024,
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(errorHandler);

  const routes: RouteInfo[] = [];
  server.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) {
      if (m === 'HEAD' || !r.url.startsWith('/api/') || r.url.startsWith('/api/docs')) continue;
      routes.push({ method: m, url: r.url, access: r.config?.access });
    }
  });

  await server.register(fastifyCookie);
  await server.register(fastifyMultipart, { limits: { fileSize: 50 * 1024 * 1024, files: 1 } });
  await server.register(fastifySwagger, {
    openapi: {
      info: {
        title: '启明智慧教育平台 API (Qiming)',
        version: '0.1.0',
        description: 'REST API of Qiming. Errors are { error: { code, message, details } }.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
    transform: jsonSchemaTransform,
  });
  await server.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  server.decorateRequest('ctx', null as unknown as RequestContext);
  const expiredSessions = new WeakSet<FastifyRequest>();
  server.addHook('onRequest', async (req) => {
    req.ctx = { ...app, actor: null, ip: req.ip ?? null, requestId: req.id };
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    try {
      req.ctx.actor = await loadActor(app, token);
    } catch (err) {
      // an idle session is told as such only where a session is needed: signing in again must work
      if (!(err instanceof AppError && err.code === 'SESSION_EXPIRED')) throw err;
      expiredSessions.add(req);
    }
  });
  server.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!req.url.startsWith('/api/') || req.url.startsWith('/api/docs') || !access || access.public) return;
    checkCsrf(req);
    if (!req.ctx.actor && expiredSessions.has(req)) throw new AppError('SESSION_EXPIRED');
    requireActor(req.ctx);
    if (req.ctx.actor.mustChangePassword && !access.allowPasswordChange) throw new AppError('PASSWORD_CHANGE_REQUIRED');
    if (req.ctx.actor.mfaEnrollmentRequired && !access.allowMfaEnrollment) throw new AppError('MFA_ENROLLMENT_REQUIRED');
    if (access.permission) requirePermission(req.ctx, access.permission);
    if (access.scope) {
      const source = (access.scope.from === 'params' ? req.params : access.scope.from === 'body' ? req.body : req.query) as
        Record<string, unknown> | undefined;
      const id = source?.[access.scope.key];
      // a missing id is a validation problem, reported by the schema after this hook
      if (typeof id === 'string') await assertInScope(req.ctx as Parameters<typeof assertInScope>[0], access.scope.kind, id);
    }
  });

  await server.register(async (api) => {
    await registerModules(api.withTypeProvider<ZodTypeProvider>());
  });

  // Every /api route must say who may call it; a route that forgot is a bug, not an open door.
  const undeclared = routes.filter((r) => !r.access);
  if (undeclared.length)
    throw new Error(`Routes without an access declaration: ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`);

  const dist = app.config.webDist;
  if (existsSync(path.join(dist, 'index.html'))) {
    // wildcard: files are looked up per request, so a rebuilt app is served without a restart
    await server.register(fastifyStatic, { root: dist, wildcard: true, maxAge: '1h' });
    server.setNotFoundHandler((req, reply) => {
      // app routes get the single-page app; a missing file (an old /assets/ chunk) is a real 404
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/assets/')) {
        return reply.type('text/html').sendFile('index.html', { maxAge: 0 });
      }
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: '接口不存在', requestId: req.id } });
    });
  } else {
    server.setNotFoundHandler((req, reply) => {
      if (req.url.startsWith('/api/'))
        return reply.code(404).send({ error: { code: 'NOT_FOUND', message: '接口不存在', requestId: req.id } });
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send('<p>网页尚未构建：请运行 <code>npm start</code>（会先构建网页）。The web app is not built: run <code>npm start</code>.</p>');
    });
  }
  return { server, routes };
}

/**
 * Cookie sessions are sent by the browser on any request, so a mutation must prove it came from
 * our own page: the custom header that cross-site forms cannot set, or a same-origin Origin.
 */
export function checkCsrf(req: FastifyRequest, cookie: string = SESSION_COOKIE): void {
  if (!MUTATING.has(req.method) || !req.cookies[cookie]) return;
  if (req.headers['x-requested-with']) return;
  if (isSameOrigin(req.headers.origin, req.headers.host)) return;
  throw new AppError('CSRF_REJECTED');
}

/** An Origin such as `null` (sandboxed frames, privacy redirects) or garbage is simply not ours. */
function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
