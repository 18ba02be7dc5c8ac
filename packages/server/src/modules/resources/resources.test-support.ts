import type { Client, TestApp } from '../../testing/test-app.ts';

/** Sends raw bytes as one chunk of an upload (what the web client does with each slice of the file). */
export async function putChunk(t: TestApp, c: Client, uploadId: string, offset: number, data: Buffer) {
  const raw = await fetch(`${t.baseUrl}/api/resource-uploads/${uploadId}/chunks?offset=${offset}`, {
    method: 'PUT',
    headers: { 'x-requested-with': 'qiming', 'content-type': 'application/octet-stream', ...(c.cookie ? { cookie: c.cookie } : {}) },
    body: data,
  });
  return { status: raw.status, body: (await raw.json()) as any };
}

/** Uploads a whole file in chunks and completes it; returns the completed upload. */
export async function upload(t: TestApp, c: Client, fileName: string, data: Buffer, chunkSize = 64 * 1024) {
  const created = await c.post('/api/resource-uploads', { fileName, size: data.length });
  if (created.status !== 201) throw new Error(`upload create ${created.status} ${JSON.stringify(created.body)}`);
  for (let at = 0; at < data.length; at += chunkSize) {
    const res = await putChunk(t, c, created.body.id, at, data.subarray(at, at + chunkSize));
    if (res.status !== 200) throw new Error(`chunk at ${at}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const done = await c.post(`/api/resource-uploads/${created.body.id}/complete`);
  if (done.status !== 200) throw new Error(`complete ${done.status} ${JSON.stringify(done.body)}`);
  return done.body as { id: string; file: { hash: string }; deduplicated: boolean };
}

export const baseResource = {
  type: 'courseware',
  title: '分数的初步认识（第一课时）',
  description: '三年级上册分数的初步认识：认识几分之一，会读写简单的分数。',
  subject: '数学',
  gradeLevel: 3,
  term: 'first',
  edition: 'pep',
  knowledgePoints: ['几分之一'],
  keywords: ['分数', '课件'],
  audience: 'district',
} as const;
