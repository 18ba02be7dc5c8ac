import type { Actor } from '../context.ts';
import type { Db, DbChanges } from '../db/database.ts';
import type { TableWrite } from '../db/table-writes.ts';

/*
 * The actors of recent sessions, per process, so that an authenticated request does not pay a
 * session query. Correctness rests on three things:
 *
 * - The database announces every change that alters an actor on the channel `qiming_auth` at
 *   commit (triggers of migration 20261201150000-auth-change-notify): a session revoked, deleted
 *   or switched to another role, a user disabled or renamed, a grant changed, two-step
 *   verification enrolled or reset. Each process drops what the announcement names. While the
 *   process is not listening (not yet connected, connection lost) nothing is served from here.
 * - This process's own writes to those tables are seen as they are sent (TableWrites): what they
 *   name is dropped at once and not served again until their announcement arrives (or
 *   PENDING_MS passed, for a write whose transaction rolled back), so a sign-out is in force in
 *   this process the moment it commits.
 * - A load that was under way while something it may have read was announced is not kept.
 *
 * Another process learns of a change when the announcement reaches it, a few milliseconds after
 * the commit. An entry lives at most until its session needs a `last_seen_at` touch (TTL_MS).
 */

export const AUTH_CHANNEL = 'qiming_auth';
/** Entries are served until the session is due for a `last_seen_at` touch (session.ts). */
export const TTL_MS = 30_000;
const PENDING_MS = 5_000;
const MAX_ENTRIES = 50_000;
const MAX_MARKS = 10_000;
/** Columns of `users` that an actor is made of; other updates (sign-in counters) do not matter. */
const USER_COLUMNS = new Set(['username', 'display_name', 'is_active', 'must_change_password', 'password_changed_at', 'id']);

export type CachedActor = {
  actor: Actor;
  /** When the session was last seen, as far as this process knows (ms). */
  lastSeenAt: number;
  /** When the local password expires for this session (ms), or null. */
  passwordExpiresAt: number | null;
  /** The policy the entry was judged by: a changed policy makes it stale. */
  policyKey: string;
};

type Entry = CachedActor & { loadedAt: number };

export class ActorCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Keys (`s:…`, `u:…`, `*`) written by this process whose announcement has not arrived yet → until when. */
  private readonly pending = new Map<string, number>();
  /** Sequence number of the last invalidation of each key, to refuse loads that overlapped it. */
  private readonly marks = new Map<string, number>();
  private seq = 0;
  private flushedAt = 0;
  private listening = false;

  /** A load starts by taking a ticket; `store` refuses it if anything it may have read changed meanwhile. */
  ticket(): number {
    return this.seq;
  }

  get(sessionId: string, now = Date.now()): Entry | null {
    if (!this.listening) return null;
    const e = this.entries.get(sessionId);
    if (!e) return null;
    if (
      now - e.loadedAt > TTL_MS ||
      this.isPending(`s:${sessionId}`, now) ||
      this.isPending(`u:${e.actor.userId}`, now) ||
      this.isPending('*', now)
    ) {
      this.drop(sessionId);
      return null;
    }
    return e;
  }

  store(ticket: number, sessionId: string, value: CachedActor, now = Date.now()): void {
    const userId = value.actor.userId;
    if (!this.listening || ticket < this.flushedAt) return;
    if ((this.marks.get(`s:${sessionId}`) ?? -1) > ticket || (this.marks.get(`u:${userId}`) ?? -1) > ticket) return;
    if (this.isPending(`s:${sessionId}`, now) || this.isPending(`u:${userId}`, now) || this.isPending('*', now)) return;
    if (this.entries.size >= MAX_ENTRIES) this.drop(this.entries.keys().next().value!);
    this.drop(sessionId);
    this.entries.set(sessionId, { ...value, loadedAt: now });
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(sessionId);
  }

  /** After this process touched `last_seen_at`. */
  touched(sessionId: string, at: number): void {
    const e = this.entries.get(sessionId);
    if (e) e.lastSeenAt = at;
  }

  /** An announcement from the database (after its transaction committed). */
  announced(key: string): void {
    this.invalidate(key);
    this.pending.delete(key);
    if (key === '*') this.pending.clear();
  }

  /** A write of this process, before it commits: drop now, serve again once announced. */
  writing(key: string, now = Date.now()): void {
    this.invalidate(key);
    this.pending.set(key, now + PENDING_MS);
  }

  setListening(on: boolean): void {
    // whatever happened while not listening is unknown: start empty either way
    this.invalidate('*');
    this.listening = on;
  }

  get size(): number {
    return this.entries.size;
  }

  private isPending(key: string, now: number): boolean {
    const until = this.pending.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.pending.delete(key);
    return false;
  }

  private invalidate(key: string): void {
    this.seq++;
    if (key === '*') {
      this.entries.clear();
      this.byUser.clear();
      this.marks.clear();
      this.flushedAt = this.seq;
      return;
    }
    if (this.marks.size >= MAX_MARKS) {
      this.marks.clear();
      this.flushedAt = this.seq;
    }
    this.marks.set(key, this.seq);
    if (key.startsWith('s:')) this.drop(key.slice(2));
    else if (key.startsWith('u:')) for (const sid of [...(this.byUser.get(key.slice(2)) ?? [])]) this.drop(sid);
  }

  private drop(sessionId: string): void {
    const e = this.entries.get(sessionId);
    if (!e) return;
    this.entries.delete(sessionId);
    const set = this.byUser.get(e.actor.userId);
    set?.delete(sessionId);
    if (set && !set.size) this.byUser.delete(e.actor.userId);
  }
}

/** The keys a write of this process touches; `*` when it cannot be told whom. Empty: it changes no actor. */
export function keysOfWrite(w: TableWrite): string[] {
  const ids = (column: string, prefix: 's:' | 'u:') => {
    const vs = w.valuesOf(column);
    return vs && vs.every((v) => typeof v === 'string') ? (vs as string[]).map((v) => prefix + v) : null;
  };
  switch (w.table) {
    case 'sessions':
      // a new session is in no cache; a touch of last_seen_at changes no actor
      if (w.kind === 'insert' || (w.kind === 'update' && w.columns.every((c) => c === 'last_seen_at'))) return [];
      return ids('id', 's:') ?? ids('user_id', 'u:') ?? ['*'];
    case 'users':
      if (w.kind === 'insert' || (w.kind === 'update' && !w.columns.some((c) => USER_COLUMNS.has(c)))) return [];
      return ids('id', 'u:') ?? ['*'];
    case 'role_grants':
    case 'user_mfa':
      return ids('user_id', 'u:') ?? ['*'];
    case 'upstream_sessions':
      return ids('session_id', 's:') ?? ['*'];
    default:
      return [];
  }
}

const caches = new WeakMap<Db, ActorCache | null>();

/**
 * The cache of a database, listening from its first use; null where the database tells no
 * changes (then every request reads its session).
 */
export function actorCacheFor(db: Db, changes: DbChanges | undefined): ActorCache | null {
  const known = caches.get(db);
  if (known !== undefined) return known;
  if (!changes) {
    caches.set(db, null);
    return null;
  }
  const cache = new ActorCache();
  caches.set(db, cache);
  changes.writes.watch(['sessions', 'users', 'role_grants', 'user_mfa', 'upstream_sessions'], (w) => {
    for (const key of keysOfWrite(w)) cache.writing(key);
  });
  changes
    .listen(AUTH_CHANNEL, {
      message: (payload) => cache.announced(payload),
      state: (on) => cache.setListening(on),
    })
    .catch(() => cache.setListening(false));
  return cache;
}
