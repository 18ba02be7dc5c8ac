import { sql } from 'kysely';
import pg from 'pg';
import type { DbOrTx } from './database.ts';

/**
 * Change notices between server processes on one PostgreSQL (LISTEN/NOTIFY), for per-process
 * caches of rows that change rarely and are read on every request (the registered OIDC clients).
 * A writer calls `publishChange(tx, channel, key)` inside its transaction: PostgreSQL delivers
 * the notice to every listening process when, and only if, the transaction commits.
 *
 * A cache may trust its entries only while the feed is live. When the listening connection is
 * lost, notices may have been missed: every subscriber is told to forget everything (key null)
 * and the feed reconnects; until it is back, `isLive` is false and caches must read through.
 */
export type ChangeFeed = {
  /** Calls onChange(key) for each notice on the channel, and onChange(null) when notices may have been missed. */
  subscribe(channel: string, onChange: (key: string | null) => void): void;
  readonly isLive: boolean;
  close(): Promise<void>;
};

const RECONNECT_MS = 1000;

/** Sends a change notice with the transaction (delivered at commit; nothing if it rolls back). */
export async function publishChange(tx: DbOrTx, channel: string, key: string): Promise<void> {
  await sql`SELECT pg_notify(${channel}, ${key})`.execute(tx);
}

/** A feed on its own connection, opened at the first subscription. */
export function postgresChangeFeed(connectionString: string): ChangeFeed {
  const listeners = new Map<string, ((key: string | null) => void)[]>();
  let client: pg.Client | null = null;
  let live = false;
  let closed = false;
  let connecting: Promise<void> | null = null;
  let retry: NodeJS.Timeout | null = null;

  const lost = () => {
    const wasLive = live;
    live = false;
    client = null;
    if (wasLive) for (const fns of listeners.values()) for (const fn of fns) fn(null);
    if (!closed && !retry) {
      retry = setTimeout(() => {
        retry = null;
        void connect();
      }, RECONNECT_MS);
      retry.unref();
    }
  };

  const connect = (): Promise<void> => {
    if (connecting || closed) return connecting ?? Promise.resolve();
    connecting = (async () => {
      const c = new pg.Client({ connectionString });
      c.on('notification', (n) => {
        for (const fn of listeners.get(n.channel) ?? []) fn(n.payload ?? null);
      });
      c.on('error', () => void c.end().catch(() => {}));
      c.on('end', () => {
        if (client === c || !live) lost();
      });
      try {
        await c.connect();
        for (const channel of listeners.keys()) await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        if (closed) {
          await c.end();
          return;
        }
        client = c;
        live = true;
      } catch (err) {
        console.warn(`change feed: cannot listen on PostgreSQL (${(err as Error).message}); caches read through until it is back`);
        await c.end().catch(() => {});
        lost();
      }
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  return {
    subscribe(channel, onChange) {
      const fns = listeners.get(channel);
      if (fns) {
        fns.push(onChange);
        return;
      }
      listeners.set(channel, [onChange]);
      if (client && live) {
        // a new channel on a live connection: not live for it until LISTEN has run
        const c = client;
        live = false;
        void c.query(`LISTEN ${pg.escapeIdentifier(channel)}`).then(
          () => {
            if (client === c) live = true;
          },
          () => void c.end().catch(() => {}),
        );
      } else void connect();
    },
    get isLive() {
      return live;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await connecting;
      const c = client;
      client = null;
      live = false;
      await c?.end().catch(() => {});
    },
  };
}
