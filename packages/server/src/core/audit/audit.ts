import { randomUUID } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { RequestContext } from '../context.ts';
import { HASH_ALGORITHM } from '../crypto/crypto.ts';
import type { Db, DbOrTx, Tx } from '../db/database.ts';
import type { AuditLogTable } from '../db/schema.ts';

export type AuditEvent = {
  action: string;
  outcome?: 'success' | 'failure';
  targetType?: string | null;
  targetId?: string | null;
  scopeId?: string | null;
  summary?: Record<string, unknown>;
  /** Overrides the actor from the context, e.g. a sign-in before a session exists. */
  actor?: { id: string | null; name: string | null; role: string | null };
};

const GENESIS = '0'.repeat(64);
export const AUDIT_ALGORITHM = `hmac-${HASH_ALGORITHM}`;

/** Canonical text of a record: what the chain hashes. Keys sorted, so JSON order cannot matter. */
function canonical(r: Omit<Selectable<AuditLogTable>, 'at' | 'summary' | 'prev_hash' | 'hash'> & { at: string; summary: unknown }): string {
  return stableJson([
    r.seq,
    r.id,
    r.at,
    r.actor_id,
    r.actor_name,
    r.actor_role,
    r.scope_id,
    r.ip,
    r.action,
    r.outcome,
    r.target_type,
    r.target_id,
    r.summary,
  ]);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const chainHash = (key: string, prev: string, text: string) =>
  createHmac(HASH_ALGORITHM, `audit:${key}`).update(prev).update('\n').update(text).digest('hex');

/**
 * Appends one record to the hash-chained audit log inside the caller's transaction, so the
 * record exists exactly when the change does. Appends are serialised by a transaction-scoped
 * advisory lock; the chain is keyed (HMAC) with the instance secret so that someone who can
 * write the table but lacks the key cannot forge a consistent chain.
 */
export async function recordAudit(tx: Tx, ctx: Pick<RequestContext, 'actor' | 'ip' | 'config'>, event: AuditEvent): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7368001)`.execute(tx);
  const chain = await tx.selectFrom('audit_chain').select(['head_seq', 'head_hash']).where('id', '=', 1).executeTakeFirst();
  const seq = (chain ? Number(chain.head_seq) : 0) + 1;
  const prev = chain?.head_hash ?? GENESIS;
  const actor =
    event.actor ??
    (ctx.actor ? { id: ctx.actor.userId, name: ctx.actor.displayName, role: ctx.actor.role } : { id: null, name: null, role: null });
  const row = {
    seq,
    id: randomUUID(),
    at: new Date().toISOString(),
    actor_id: actor.id,
    actor_name: actor.name,
    actor_role: actor.role,
    scope_id: event.scopeId ?? null,
    ip: ctx.ip ?? null,
    action: event.action,
    outcome: event.outcome ?? 'success',
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    summary: event.summary ?? {},
  };
  const hash = chainHash(ctx.config.secretKey ?? '', prev, canonical(row));
  await tx
    .insertInto('audit_log')
    .values({ ...row, summary: JSON.stringify(row.summary), prev_hash: prev, hash })
    .execute();
  if (chain) {
    await tx.updateTable('audit_chain').set({ head_seq: seq, head_hash: hash }).where('id', '=', 1).execute();
  } else {
    await tx.insertInto('audit_chain').values({ id: 1, head_seq: seq, head_hash: hash, anchor_seq: 0, anchor_hash: GENESIS }).execute();
  }
}

export type VerifyResult = { ok: boolean; algorithm: string; checked: number; firstBrokenId: string | null; reason: string | null };

/** Walks the whole chain from its anchor and reports the first record that does not fit. */
export async function verifyAuditChain(db: DbOrTx, secretKey: string): Promise<VerifyResult> {
  const chain = await db.selectFrom('audit_chain').selectAll().where('id', '=', 1).executeTakeFirst();
  const result = (ok: boolean, checked: number, firstBrokenId: string | null, reason: string | null): VerifyResult => ({
    ok,
    algorithm: AUDIT_ALGORITHM,
    checked,
    firstBrokenId,
    reason,
  });
  if (!chain) {
    const any = await db.selectFrom('audit_log').select('id').limit(1).executeTakeFirst();
    return any ? result(false, 0, any.id, '审计链头记录缺失') : result(true, 0, null, null);
  }
  let prev = chain.anchor_hash;
  let expectedSeq = Number(chain.anchor_seq) + 1;
  let checked = 0;
  const batch = 5000;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(batch).execute();
    for (const r of rows) {
      const at = r.at instanceof Date ? r.at.toISOString() : String(r.at);
      if (Number(r.seq) !== expectedSeq) return result(false, checked, r.id, `缺少第 ${expectedSeq} 条记录（记录被删除）`);
      if (r.prev_hash !== prev) return result(false, checked, r.id, '记录与前一条记录的链接不一致');
      const text = canonical({ ...r, seq: Number(r.seq), at, summary: r.summary });
      if (chainHash(secretKey, prev, text) !== r.hash) return result(false, checked, r.id, '记录内容被修改');
      prev = r.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < batch) break;
  }
  if (expectedSeq - 1 !== Number(chain.head_seq) || prev !== chain.head_hash) {
    return result(false, checked, null, `链尾缺失：应有 ${chain.head_seq} 条，只找到 ${expectedSeq - 1} 条`);
  }
  return result(true, checked, null, null);
}

/**
 * Deletes records older than the retention period (never under 180 days), moving the chain's
 * anchor to the last deleted record so that verification still holds for what is kept.
 */
export async function purgeAudit(db: Db, retentionDays: number): Promise<number> {
  const days = Math.max(180, retentionDays);
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(7368001)`.execute(tx);
    const cutoff = new Date(Date.now() - days * 86_400_000);
    const last = await tx
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('at', '<', cutoff)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last) return 0;
    await sql`SELECT set_config('qiming.audit_purge', 'on', true)`.execute(tx);
    const res = await tx.deleteFrom('audit_log').where('seq', '<=', last.seq).executeTakeFirst();
    await tx
      .updateTable('audit_chain')
      .set({ anchor_seq: Number(last.seq), anchor_hash: last.hash, purged_through: cutoff })
      .where('id', '=', 1)
      .execute();
    return Number(res.numDeletedRows);
  });
}
