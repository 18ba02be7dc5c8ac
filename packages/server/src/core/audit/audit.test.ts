import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Instance, type TestApp } from '../../testing/test-app.ts';
import { withTransaction } from '../db/database.ts';
import { recordAudit, recordAuditNow, verifyAuditChain } from './audit.ts';

/**
 * recordAuditNow writes a process's batches without taking the chain lock when the head is where
 * that process left it (one compare-and-set statement). Whoever else appends meanwhile — another
 * server, a service's own transaction — must never fork or break the chain, and no record may be
 * lost. On PostgreSQL the second server has its own pool and its own idea of the head.
 */
let t: TestApp;
let other: Instance;
beforeAll(async () => {
  t = await createTestApp();
  other = await t.secondInstance();
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

const ctxOf = (config: TestApp['ctx']['config']) => ({ actor: null, ip: '127.0.0.1', config });

describe('group-committed audit records', () => {
  it('two servers and service transactions appending at once leave one unbroken chain with every record', async () => {
    const action = `test.audit.interleave.${Date.now()}`;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      writes.push(recordAuditNow(t.ctx.db, ctxOf(t.ctx.config), { action, summary: { i, by: 'A' } }));
      writes.push(recordAuditNow(other.ctx.db, ctxOf(other.ctx.config), { action, summary: { i, by: 'B' } }));
      if (i % 4 === 0)
        writes.push(withTransaction(t.ctx.db, (tx) => recordAudit(tx, ctxOf(t.ctx.config), { action, summary: { i, by: 'tx' } })));
    }
    await Promise.all(writes);
    // and once more from each, now that the other has moved the head past what each last wrote
    await recordAuditNow(t.ctx.db, ctxOf(t.ctx.config), { action, summary: { by: 'A', last: true } });
    await recordAuditNow(other.ctx.db, ctxOf(other.ctx.config), { action, summary: { by: 'B', last: true } });

    const rows = await t.ctx.db.selectFrom('audit_log').select(['seq', 'summary']).where('action', '=', action).orderBy('seq').execute();
    expect(rows).toHaveLength(40 + 40 + 10 + 2);
    const chain = await t.ctx.db.selectFrom('audit_chain').select('head_seq').executeTakeFirstOrThrow();
    const last = await t.ctx.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(Number(chain.head_seq)).toBe(Number(last.seq));
    expect(await verifyAuditChain(t.ctx.db, t.ctx.config.secretKey!)).toMatchObject({ ok: true, firstBrokenId: null });
  });
});
