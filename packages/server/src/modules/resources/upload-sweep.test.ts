import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { putChunk, upload } from './resources.test-support.ts';
import { sweepStaleUploads } from './upload-sweep.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('stale upload sweep', () => {
  it('removes unfinished uploads untouched for a week, with their bytes; keeps recent and completed ones', async () => {
    const c = await t.as('teacher_a1');
    const old = (await c.post('/api/resource-uploads', { fileName: 'old.txt', size: 10 })).body.id as string;
    await putChunk(t, c, old, 0, Buffer.from('12345'));
    const recent = (await c.post('/api/resource-uploads', { fileName: 'recent.txt', size: 10 })).body.id as string;
    await putChunk(t, c, recent, 0, Buffer.from('12345'));
    const done = await upload(t, c, 'done.txt', Buffer.from('finished file'));
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    await t.ctx.db.updateTable('resource_uploads').set({ updated_at: eightDaysAgo }).where('id', 'in', [old, done.id]).execute();

    expect(await t.ctx.storage.partSize(old)).toBe(5);
    expect(await sweepStaleUploads(t.ctx)).toBe(1);
    expect(await t.ctx.storage.partSize(old)).toBe(0);
    expect((await c.get(`/api/resource-uploads/${old}`)).status).toBe(404);
    expect((await c.get(`/api/resource-uploads/${recent}`)).body.received).toBe(5);
    expect((await c.get(`/api/resource-uploads/${done.id}`)).body.status).toBe('complete');
    expect(await sweepStaleUploads(t.ctx)).toBe(0);
  });
});
