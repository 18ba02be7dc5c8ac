import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import type { Actor } from '../context.ts';
import { ActorCache, actorCacheFor, keysOfWrite } from './actor-cache.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A client of another server holding the same cookie. */
const sameCookie = (other: { anon: () => Client }, c: Client) => {
  const o = other.anon();
  o.cookie = c.cookie;
  return o;
};
const eventually = (fn: () => Promise<void>) => vi.waitFor(fn, { timeout: 10_000, interval: 20 });

describe('sessions served from the actor cache', () => {
  it('a signed-out session is refused at once on its server, and on another server once announced', async () => {
    const b = await t.secondInstance();
    const c = await t.as('teacher_a1');
    const onB = sameCookie(b, c);
    // both servers have seen (and keep) the session
    for (let i = 0; i < 3; i++) {
      expect((await c.get('/api/me')).status).toBe(200);
      expect((await onB.get('/api/me')).status).toBe(200);
    }
    // the cache is really in use (listening, and holding the session)
    expect(actorCacheFor(t.ctx.db, t.ctx.changes)!.size).toBeGreaterThan(0);
    const old = sameCookie(t, c);
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    expect((await old.get('/api/me')).status).toBe(401);
    await eventually(async () => expect((await onB.get('/api/me')).status).toBe(401));
    await b.close();
  });

  it('a role switch is what the next request sees', async () => {
    const c = await t.as('teacher_a1');
    expect((await c.get('/api/me')).body.activeRole).toBe('head_teacher');
    expect((await c.post('/api/me/active-role', { role: 'teacher' })).status).toBe(200);
    expect((await c.get('/api/me')).body.activeRole).toBe('teacher');
    expect((await c.post('/api/me/active-role', { role: 'head_teacher' })).status).toBe(200);
    expect((await c.get('/api/me')).body.activeRole).toBe('head_teacher');
  });

  it('a change written by hand-made SQL (no query builder) still reaches every server', async () => {
    const b = await t.secondInstance();
    const c = await t.as('teacher_b1');
    const onB = sameCookie(b, c);
    expect((await c.get('/api/me')).status).toBe(200);
    expect((await onB.get('/api/me')).status).toBe(200);
    await sql`UPDATE users SET is_active = false WHERE username = 'teacher_b1'`.execute(t.ctx.db);
    try {
      await eventually(async () => expect((await c.get('/api/me')).status).toBe(401));
      await eventually(async () => expect((await onB.get('/api/me')).status).toBe(401));
    } finally {
      await sql`UPDATE users SET is_active = true WHERE username = 'teacher_b1'`.execute(t.ctx.db);
    }
    await b.close();
  });

  it('a grant taken away ends what it allowed on the next request', async () => {
    const c = await t.as('teacher_a2');
    expect((await c.get('/api/me')).body.roles).toContain('teacher');
    const grants = await t.ctx.db.selectFrom('role_grants').selectAll().where('user_id', '=', t.world.users.teacherA2).execute();
    await t.ctx.db.deleteFrom('role_grants').where('user_id', '=', t.world.users.teacherA2).execute();
    try {
      expect((await c.get('/api/me')).body.roles).toEqual([]);
    } finally {
      await t.ctx.db.insertInto('role_grants').values(grants).execute();
    }
    expect((await c.get('/api/me')).body.roles).toContain('teacher');
  });
});

describe('ActorCache', () => {
  const actor = (userId: string) => ({ userId }) as Actor;
  const value = (userId: string) => ({ actor: actor(userId), lastSeenAt: Date.now(), passwordExpiresAt: null, policyKey: 'p' });

  it('serves nothing while not listening', () => {
    const cache = new ActorCache();
    cache.store(cache.ticket(), 's1', value('u1'));
    expect(cache.get('s1')).toBeNull();
    cache.setListening(true);
    cache.store(cache.ticket(), 's1', value('u1'));
    expect(cache.get('s1')?.actor.userId).toBe('u1');
    cache.setListening(false);
    cache.setListening(true);
    expect(cache.get('s1')).toBeNull();
  });

  it('does not keep a load that overlapped an announcement of its session or user', () => {
    const cache = new ActorCache();
    cache.setListening(true);
    const ticket = cache.ticket();
    cache.announced('u:u1');
    cache.store(ticket, 's1', value('u1'));
    expect(cache.get('s1')).toBeNull();
    const t2 = cache.ticket();
    cache.announced('s:s2');
    cache.store(t2, 's2', value('u2'));
    cache.store(t2, 's3', value('u3'));
    expect(cache.get('s2')).toBeNull();
    expect(cache.get('s3')).not.toBeNull();
  });

  it("drops what this process writes, and serves it again only after the write's announcement", () => {
    const cache = new ActorCache();
    cache.setListening(true);
    cache.store(cache.ticket(), 's1', value('u1'));
    cache.store(cache.ticket(), 's2', value('u1'));
    cache.writing('u:u1');
    expect(cache.get('s1')).toBeNull();
    cache.store(cache.ticket(), 's1', value('u1'));
    expect(cache.get('s1')).toBeNull();
    cache.announced('u:u1');
    cache.store(cache.ticket(), 's1', value('u1'));
    expect(cache.get('s1')).not.toBeNull();
    cache.announced('*');
    expect(cache.size).toBe(0);
  });

  it('tells which sessions or users a write touches', () => {
    const w = (table: string, kind: 'insert' | 'update' | 'delete', columns: string[], values: Record<string, unknown[]>) => ({
      table,
      kind,
      columns,
      valuesOf: (c: string) => values[c] ?? null,
    });
    expect(keysOfWrite(w('sessions', 'update', ['last_seen_at'], { id: ['x'] }))).toEqual([]);
    expect(keysOfWrite(w('sessions', 'insert', ['id'], { id: ['x'] }))).toEqual([]);
    expect(keysOfWrite(w('sessions', 'update', ['revoked_at'], { id: ['x'] }))).toEqual(['s:x']);
    expect(keysOfWrite(w('sessions', 'update', ['revoked_at'], { user_id: ['u'] }))).toEqual(['u:u']);
    expect(keysOfWrite(w('users', 'update', ['failed_logins', 'last_login_at'], { id: ['u'] }))).toEqual([]);
    expect(keysOfWrite(w('users', 'update', ['is_active'], { id: ['u', 'v'] }))).toEqual(['u:u', 'u:v']);
    expect(keysOfWrite(w('role_grants', 'delete', [], { scope_id: ['c'] }))).toEqual(['*']);
    expect(keysOfWrite(w('role_grants', 'insert', ['user_id'], { user_id: ['u'] }))).toEqual(['u:u']);
  });
});
