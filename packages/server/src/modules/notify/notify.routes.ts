import { ZIdParams, ZNotificationList, ZNotificationsQuery, ZOk } from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import { listNotifications, markAllRead, markRead } from './notify.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const tags = ['notify'];

/** One's own notifications: every signed-in user has them, nothing of anyone else is reachable. */
export async function notifyRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/me/notifications',
    {
      config: { access: {} },
      schema: { tags, summary: '我的通知', querystring: ZNotificationsQuery, response: { 200: ZNotificationList } },
    },
    async (req) => listNotifications(authed(req), req.query),
  );
  app.post(
    '/api/me/notifications/:id/read',
    { config: { access: {} }, schema: { tags, summary: '标记为已读', params: ZIdParams, response: { 200: ZOk } } },
    async (req) => {
      await markRead(authed(req), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/me/notifications/read-all',
    { config: { access: {} }, schema: { tags, summary: '全部标记为已读', response: { 200: ZOk } } },
    async (req) => {
      await markAllRead(authed(req));
      return { ok: true as const };
    },
  );
}
