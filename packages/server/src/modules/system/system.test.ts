import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('system', () => {
  it('health reports the database kind and migration without a session', async () => {
    const res = await t.anon().get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.database).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    expect(res.body.migration).toMatch(/^\d{14}-/);
    expect(res.body.rateLimits).toBe('database');
  });

  it('serves the OpenAPI document generated from the zod schemas, with the session cookie scheme', async () => {
    const res = await t.anon().get('/api/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const login = res.body.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/schools/{id}/classes', '/api/audit/verify']));
    expect((await t.anon().get('/api/docs')).status).toBeLessThan(400);
  });

  it('an unknown API path is a JSON 404 in the one error shape', async () => {
    const res = await t.anon().get('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('a malformed JSON body is a 400 in the one error shape, and unknown errors do not leak', async () => {
    const raw = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    const body = (await raw.json()) as { error: { code: string; message: string } };
    expect(raw.status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toMatch(/JSON/);
  });
});
