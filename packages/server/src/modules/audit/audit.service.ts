import type { TAuditQuery, TAuditRecord, TAuditVerifyResult } from '@qiming/shared';
import ExcelJS from 'exceljs';
import { sql, type Selectable } from 'kysely';
import type { AuditLogTable } from '../../core/db/schema.ts';
import { recordAudit, verifyAuditChain } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';

function filtered(db: DbOrTx, q: Omit<TAuditQuery, 'page' | 'pageSize'>) {
  let base = db.selectFrom('audit_log');
  if (q.from) base = base.where('at', '>=', new Date(q.from));
  if (q.to) base = base.where('at', '<=', new Date(q.to));
  if (q.action) base = base.where('action', 'like', `${q.action}%`);
  if (q.outcome) base = base.where('outcome', '=', q.outcome);
  if (q.actor) base = base.where((eb) => eb.or([eb('actor_name', 'like', `%${q.actor}%`), eb(sql`summary->>'username'`, '=', q.actor!)]));
  return base;
}

const present = (r: Selectable<AuditLogTable>): TAuditRecord => ({
  id: r.id,
  at: new Date(r.at).toISOString(),
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  scopeId: r.scope_id,
  ip: r.ip,
  action: r.action,
  outcome: r.outcome as TAuditRecord['outcome'],
  targetType: r.target_type,
  targetId: r.target_id,
  summary: r.summary ?? {},
  hash: r.hash,
});

export async function searchAudit(ctx: AuthedContext, q: TAuditQuery) {
  const base = filtered(ctx.db, q);
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await base
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return { items: rows.map(present), total: Number(total), page: q.page, pageSize: q.pageSize };
}

const EXPORT_LIMIT = 100_000;

/** Exports the filtered log as .xlsx; the export itself is audited. */
export async function exportAudit(ctx: AuthedContext, q: Omit<TAuditQuery, 'page' | 'pageSize'>): Promise<Buffer> {
  const rows = await filtered(ctx.db, q).selectAll().orderBy('seq').limit(EXPORT_LIMIT).execute();
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('审计日志');
  ws.columns = [
    { header: '序号', key: 'seq', width: 8 },
    { header: '时间', key: 'at', width: 22 },
    { header: '操作人', key: 'actor', width: 14 },
    { header: '角色', key: 'role', width: 14 },
    { header: 'IP', key: 'ip', width: 16 },
    { header: '操作', key: 'action', width: 28 },
    { header: '结果', key: 'outcome', width: 8 },
    { header: '对象类型', key: 'tt', width: 12 },
    { header: '对象', key: 'tid', width: 38 },
    { header: '摘要', key: 'summary', width: 60 },
    { header: '哈希', key: 'hash', width: 66 },
  ];
  for (const r of rows) {
    ws.addRow({
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
      actor: r.actor_name ?? '',
      role: r.actor_role ?? '',
      ip: r.ip ?? '',
      action: r.action,
      outcome: r.outcome === 'success' ? '成功' : '失败',
      tt: r.target_type ?? '',
      tid: r.target_id ?? '',
      summary: JSON.stringify(r.summary),
      hash: r.hash,
    });
  }
  ws.getRow(1).font = { bold: true };
  await withTransaction(ctx.db, (tx) => recordAudit(tx, ctx, { action: 'audit.export', summary: { filters: q, rows: rows.length } }));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function verify(ctx: AuthedContext): Promise<TAuditVerifyResult> {
  const result = await verifyAuditChain(ctx.db, ctx.config.secretKey ?? '');
  await withTransaction(ctx.db, (tx) =>
    recordAudit(tx, ctx, {
      action: 'audit.verify',
      outcome: result.ok ? 'success' : 'failure',
      summary: { checked: result.checked, firstBrokenId: result.firstBrokenId },
    }),
  );
  return result;
}
