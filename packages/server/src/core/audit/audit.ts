import { randomUUID } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { RequestContext } from '../context.ts';
import { HASH_ALGORITHM } from '../crypto/crypto.ts';
import { prepared, withTransaction, type Db, type DbOrTx, type Tx } from '../db/database.ts';
import { GroupCommit, groupCommitFor } from '../db/group-commit.ts';
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

type AuditContext = Pick<RequestContext, 'actor' | 'ip' | 'config'>;

/**
 * Appends one record to the hash-chained audit log inside the caller's transaction, so the
 * record exists exactly when the change does. Appends are serialised by the lock on the chain's
 * head row, held to the end of the transaction; the chain is keyed (HMAC) with the instance secret so that someone who can
 * write the table but lacks the key cannot forge a consistent chain.
 */
export async function recordAudit(tx: Tx, ctx: AuditContext, event: AuditEvent): Promise<void> {
  await appendAuditRecords(tx, [{ ctx, event }]);
}

/**
 * Takes the chain for this transaction and reads its head. The head row's lock serialises
 * appends: a second writer waits on it and then reads the head the first one committed (READ
 * COMMITTED re-reads a row locked FOR UPDATE once the lock is released). Before the very first
 * record there is no row to lock, so the advisory lock stands in while the first head is made.
 */
async function lockChainHead(tx: Tx): Promise<{ head_seq: number; head_hash: string } | undefined> {
  const head = () =>
    prepared(tx.selectFrom('audit_chain').select(['head_seq', 'head_hash']).where('id', '=', 1).forUpdate(), tx).executeTakeFirst();
  const chain = await head();
  if (chain) return chain;
  await sql`SELECT pg_advisory_xact_lock(7368001)`.execute(tx);
  return head();
}

type ChainHead = { seq: number; hash: string };
type AuditEntry = { ctx: AuditContext; event: AuditEvent };

/** The rows that continue the chain from `head`, hashed in order, and the head they leave. */
function chainRows(entries: AuditEntry[], head: ChainHead) {
  let seq = head.seq;
  let prev = head.hash;
  const rows = entries.map(({ ctx, event }) => {
    const actor =
      event.actor ??
      (ctx.actor ? { id: ctx.actor.userId, name: ctx.actor.displayName, role: ctx.actor.role } : { id: null, name: null, role: null });
    const row = {
      seq: ++seq,
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
    const stored = { ...row, summary: JSON.stringify(row.summary), prev_hash: prev, hash };
    prev = hash;
    return stored;
  });
  return { rows, head: { seq, hash: prev } };
}

/** The insert of a batch of chain rows as one `unnest` of arrays (a constant text, prepared once per connection). */
const unnestRows = (rows: ReturnType<typeof chainRows>['rows']) => {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  return sql`unnest(
    ${col('seq')}::bigint[], ${col('id')}::uuid[], ${col('at')}::timestamptz[], ${col('actor_id')}::uuid[],
    ${col('actor_name')}::text[], ${col('actor_role')}::text[], ${col('scope_id')}::uuid[], ${col('ip')}::text[],
    ${col('action')}::text[], ${col('outcome')}::text[], ${col('target_type')}::text[], ${col('target_id')}::text[],
    ${col('summary')}::jsonb[], ${col('prev_hash')}::text[], ${col('hash')}::text[]
  )`;
};
const AUDIT_COLUMNS = sql`(seq, id, at, actor_id, actor_name, actor_role, scope_id, ip, action, outcome, target_type, target_id, summary, prev_hash, hash)`;

/**
 * Appends several records in order under one take of the chain lock: one read of the chain head,
 * one insert, one update of the head, whatever their number. Returns the new head.
 */
export async function appendAuditRecords(tx: Tx, entries: AuditEntry[]): Promise<ChainHead | undefined> {
  if (entries.length === 0) return undefined;
  const chain = await lockChainHead(tx);
  const { rows, head } = chainRows(entries, chain ? { seq: Number(chain.head_seq), hash: chain.head_hash } : { seq: 0, hash: GENESIS });
  if (chain) {
    // the records and the new head in one statement: one round trip while the lock is held
    await prepared(
      sql`
        WITH appended AS (INSERT INTO audit_log ${AUDIT_COLUMNS} SELECT * FROM ${unnestRows(rows)})
        UPDATE audit_chain SET head_seq = ${head.seq}, head_hash = ${head.hash} WHERE id = 1
      `,
      tx,
    ).execute(tx);
  } else {
    await tx.insertInto('audit_log').values(rows).execute();
    await tx
      .insertInto('audit_chain')
      .values({ id: 1, head_seq: head.seq, head_hash: head.hash, anchor_seq: 0, anchor_hash: GENESIS })
      .execute();
  }
  return head;
}

/** Where this process's last batch of recordAuditNow left the chain head, per database. */
const lastWrittenHeads = new WeakMap<Db, ChainHead>();

/**
 * A batch of records in a transaction of its own. Where this process wrote the last records, the
 * head is where it left it, and the batch goes in one statement that moves the head only if it is
 * still there (a compare-and-set: a writer that moved it meanwhile makes the statement insert
 * nothing, as PostgreSQL re-checks the condition on the row that writer committed) — no explicit
 * transaction, one round trip instead of four. Otherwise (another process or a transaction of a
 * service appended since) it reads the head and tries again, and after a few tries takes the lock.
 */
async function appendAuditBatch(db: Db, entries: AuditEntry[]): Promise<void> {
  let head = lastWrittenHeads.get(db);
  for (let attempt = 0; head && attempt < 3; attempt++) {
    const { rows, head: next } = chainRows(entries, head);
    const res = await prepared(
      sql`
        WITH moved AS (
          UPDATE audit_chain SET head_seq = ${next.seq}, head_hash = ${next.hash}
          WHERE id = 1 AND head_seq = ${head.seq} AND head_hash = ${head.hash}
          RETURNING id
        )
        INSERT INTO audit_log ${AUDIT_COLUMNS} SELECT r.* FROM ${unnestRows(rows)} AS r, moved
      `,
      db,
    ).execute(db);
    if (Number(res.numAffectedRows ?? 0) === rows.length) {
      lastWrittenHeads.set(db, next);
      return;
    }
    const current = await prepared(
      db.selectFrom('audit_chain').select(['head_seq', 'head_hash']).where('id', '=', 1),
      db,
    ).executeTakeFirst();
    head = current && { seq: Number(current.head_seq), hash: current.head_hash };
  }
  const written = await withTransaction(db, (tx) => appendAuditRecords(tx, entries));
  if (written) lastWrittenHeads.set(db, written);
}

const auditQueues = new WeakMap<Db, GroupCommit<AuditEntry, void>>();

/**
 * Records an event that belongs to no transaction of the caller (a token issued, a code refused)
 * in a transaction of its own, shared with the other requests recording at the same moment
 * (group commit): under load one statement and one commit serve a whole batch, instead of every
 * request waiting its turn for the chain. Resolves once the record is committed and flushed to
 * disk, so a caller that answers after it never acknowledges something the log lacks — nor
 * anything it wrote before (see flushLater).
 */
export function recordAuditNow(db: Db, ctx: AuditContext, event: AuditEvent): Promise<void> {
  const queue = groupCommitFor(auditQueues, db, {
    write: async (db, jobs) => {
      await appendAuditBatch(db, jobs);
      return jobs.map(() => ({ ok: true as const, value: undefined }));
    },
    // appendAuditBatch opens a transaction itself only when it must take the chain lock
    transaction: false,
    maxBatch: 256,
    // one batch at a time: batches of one process follow each other on the chain, so each finds
    // the head where the previous one left it (two at once would both expect the same head)
    maxInFlight: 1,
  });
  return queue.run({ ctx, event });
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
    if (!(await lockChainHead(tx))) return 0;
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
