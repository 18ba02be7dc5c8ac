import { randomUUID } from 'node:crypto';
import type { TNotification } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';

export type NewNotification = {
  userIds: string[];
  /** A stable code for what happened (`resource.published`, `resource.returned`, …). */
  kind: string;
  title: string;
  body?: string;
  /** A path in the web app to open (`/resources/…`). */
  link?: string | null;
};

/** Sends an in-app notification to each user, in the caller's transaction (so it exists only if the change does). */
export async function notify(tx: DbOrTx, n: NewNotification): Promise<void> {
  const userIds = [...new Set(n.userIds)];
  if (!userIds.length) return;
  await tx
    .insertInto('notifications')
    .values(
      userIds.map((userId) => ({
        id: randomUUID(),
        user_id: userId,
        kind: n.kind,
        title: n.title.slice(0, 200),
        body: (n.body ?? '').slice(0, 1000),
        link: n.link ?? null,
        created_at: new Date(),
      })),
    )
    .execute();
}

const present = (r: {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  read_at: Date | null;
  created_at: Date;
}): TNotification => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  link: r.link,
  isRead: !!r.read_at,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function listNotifications(ctx: AuthedContext, q: { unreadOnly: boolean; limit: number }) {
  let rows = ctx.db.selectFrom('notifications').selectAll().where('user_id', '=', ctx.actor.userId);
  if (q.unreadOnly) rows = rows.where('read_at', 'is', null);
  const [items, unread] = await Promise.all([
    rows.orderBy('created_at', 'desc').limit(q.limit).execute(),
    ctx.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', ctx.actor.userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(present), unread: Number(unread.n) };
}

export async function markRead(ctx: AuthedContext, id: string): Promise<void> {
  const res = await ctx.db
    .updateTable('notifications')
    .set({ read_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', ctx.actor.userId)
    .executeTakeFirst();
  if (!Number(res.numUpdatedRows)) throw new AppError('NOT_FOUND', { message: '未找到该通知' });
}

export async function markAllRead(ctx: AuthedContext): Promise<void> {
  await ctx.db
    .updateTable('notifications')
    .set({ read_at: new Date() })
    .where('user_id', '=', ctx.actor.userId)
    .where('read_at', 'is', null)
    .execute();
}
