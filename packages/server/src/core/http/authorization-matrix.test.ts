import { ROLE_PERMISSIONS, type Role } from '@qiming/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';
import type { RouteAccess } from './app.ts';

/**
 * Generated from the route table: every route × every role, each asking for an object in another
 * province that no fixture user's scope reaches. A new route joins this test by existing.
 */
let t: TestApp;
const clients = new Map<Role, Client>();
const ROLE_USERS: [Role, string][] = [
  ['bureau_admin', 'city_admin'],
  ['researcher', 'd1_researcher'],
  ['school_admin', 'a_admin'],
  ['teacher', 'teacher_a2'],
  ['head_teacher', 'teacher_a1'],
  ['student', 'student_a1'],
  ['parent', 'parent_a'],
  ['sys_admin', 'sys_admin'],
  ['sec_admin', 'sec_admin'],
  ['audit_admin', 'audit_admin'],
];

beforeAll(async () => {
  t = await createTestApp();
  for (const [role, username] of ROLE_USERS) clients.set(role, await t.as(username, role));
});
afterAll(async () => {
  await t?.close();
});

type Access = Exclude<RouteAccess, { public: true }>;
const foreignIdFor = (kind: string, url: string): string => {
  const f = t.world.foreign;
  switch (kind) {
    case 'org':
      return url.includes('/classes') ? f.classY1 : url.includes('/org/units') ? f.d3 : f.schoolY;
    case 'student':
      return f.studentY1;
    case 'user':
      return f.teacherY1;
    case 'import':
      return f.importY;
    case 'grant':
      return f.grantY;
    case 'app':
      return f.appY;
    case 'upstream_link':
      return f.upstreamLinkY;
    default:
      throw new Error(`matrix: no foreign object for scope kind ${kind}`);
  }
};

/** The request a route gets: its scoped id (and every other path parameter) pointing outside every scope. */
function buildRequest(url: string, access: Access): { path: string; body?: Record<string, unknown> } {
  const scope = access.scope;
  let path = url.replace(/:(\w+)/g, (_, name: string) =>
    scope?.from === 'params' && scope.key === name ? foreignIdFor(scope.kind, url) : crypto.randomUUID(),
  );
  let body: Record<string, unknown> | undefined;
  if (scope?.from === 'query') path += `?${scope.key}=${foreignIdFor(scope.kind, url)}`;
  if (scope?.from === 'body') body = { [scope.key]: foreignIdFor(scope.kind, url) };
  return { path, body };
}

// routes about the caller themself (their session, password, role): nothing of anyone else to reach
const isSelfRoute = (url: string) => url.startsWith('/api/auth/') || url.startsWith('/api/me');

describe('authorization matrix', () => {
  it('covers the route table', () => {
    expect(t.routes.length).toBeGreaterThan(30);
  });

  it('every non-public route refuses a request without a session (401)', async () => {
    const failures: string[] = [];
    for (const r of t.routes) {
      if (r.access && 'public' in r.access && r.access.public) continue;
      const { path, body } = buildRequest(r.url, r.access as Access);
      const res = await t.anon().request(r.method, path, body ?? (r.method === 'GET' || r.method === 'DELETE' ? undefined : {}));
      if (res.status !== 401) failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  for (const [role] of ROLE_USERS) {
    it(`${role}: every route refuses objects outside its scope, and lists leak nothing`, async () => {
      const client = clients.get(role)!;
      const failures: string[] = [];
      for (const r of t.routes) {
        const access = r.access as Access;
        if ((r.access as { public?: boolean }).public || isSelfRoute(r.url)) continue;
        const { path, body } = buildRequest(r.url, access);
        const wanted = access.permission ? (Array.isArray(access.permission) ? access.permission : [access.permission]) : [];
        const permitted = wanted.length === 0 || wanted.some((p) => ROLE_PERMISSIONS[role].includes(p));
        const res = await client.request(r.method, path, body ?? (r.method === 'GET' || r.method === 'DELETE' ? undefined : {}));
        const text =
          typeof res.body === 'string' ? res.body : Buffer.isBuffer(res.body) ? res.body.toString('latin1') : JSON.stringify(res.body);
        const leaked = [...Object.values(t.world.foreign).filter((v): v is string => typeof v === 'string'), ...t.world.foreign.names].find(
          (s) => text.includes(s),
        );
        if (!permitted) {
          if (res.status !== 403) failures.push(`${r.method} ${r.url}: role lacks permission, got ${res.status} (want 403)`);
        } else if (access.scope) {
          if (res.status !== 403 && res.status !== 404)
            failures.push(`${r.method} ${r.url}: foreign object, got ${res.status} (want 403/404)`);
        } else if (leaked) {
          failures.push(`${r.method} ${r.url}: response mentions a foreign object (${leaked})`);
        }
        if (leaked && res.status < 400) failures.push(`${r.method} ${r.url}: leaked ${leaked} with ${res.status}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
