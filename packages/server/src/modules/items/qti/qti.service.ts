import type { TQtiImportReport } from '@qiming/shared';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { getItem, getReadableBank } from '../items.service.ts';
import { insertItems } from '../items.repository.ts';
import { itemToQti3, qtiPackage } from './qti-export.ts';
import { convertQtiItem, QtiError, readQtiUpload, type QtiVersion } from './qti-import.ts';

async function kpCodes(ctx: AuthedContext): Promise<{ byId: Map<string, string>; byCode: Map<string, string> }> {
  const rows = await ctx.db.selectFrom('knowledge_points').select(['id', 'code']).execute();
  return { byId: new Map(rows.map((r) => [r.id, r.code])), byCode: new Map(rows.map((r) => [r.code, r.id])) };
}

/**
 * Imports QTI items into a bank the actor may edit. A file that is not QTI (or a package without
 * a manifest) is an error and changes nothing; otherwise every item that maps is added in one
 * transaction and every one that does not is reported with its reasons.
 */
export async function importQti(
  ctx: AuthedContext,
  bankId: string,
  upload: { buffer: Buffer; fileName: string },
  defaults: { subject?: string; grade?: number },
): Promise<TQtiImportReport> {
  const { bank, canEdit } = await getReadableBank(ctx, bankId);
  if (!canEdit) throw new AppError('FORBIDDEN', { message: '您可以查看该题库，但不能导入题目' });
  let docs: { file: string; xml: string }[];
  try {
    docs = await readQtiUpload(upload.buffer, upload.fileName);
  } catch (e) {
    if (e instanceof QtiError) throw new AppError('QTI_INVALID', { message: e.message });
    throw e;
  }
  const { byCode } = await kpCodes(ctx);
  const converted = docs.map((d) => {
    try {
      return convertQtiItem(d.xml, d.file, {
        subject: defaults.subject ?? bank.subject,
        grade: defaults.grade ?? null,
        knowledgePointIdFor: (code) => byCode.get(code) ?? null,
      });
    } catch (e) {
      if (!(e instanceof QtiError)) throw e;
      return { ok: false as const, identifier: d.file, title: d.file, file: d.file, reasons: [e.message], version: null };
    }
  });
  const good = converted.filter((c) => c.ok);
  const ids = good.length
    ? await withTransaction(ctx.db, async (tx) => {
        const ids = await insertItems(
          tx,
          bankId,
          good.map((g) => g.content),
          ctx.actor.userId,
        );
        await recordAudit(tx, ctx, {
          action: 'items.qti.import',
          targetType: 'item_bank',
          targetId: bankId,
          scopeId: bank.owner_unit_id,
          summary: { file: upload.fileName, imported: ids.length, skipped: converted.length - ids.length },
        });
        return ids;
      })
    : [];
  return {
    imported: good.map((g, i) => ({ identifier: g.identifier, itemId: ids[i]!, type: g.content.type, title: g.title, notes: g.notes })),
    skipped: converted.filter((c) => !c.ok).map((c) => ({ identifier: c.identifier, file: c.file, reasons: c.reasons })),
    versions: [...new Set(converted.map((c) => c.version).filter((v): v is QtiVersion => !!v))],
  };
}

/** One item as a QTI 3.0 document. */
export async function exportItemQti(ctx: AuthedContext, itemId: string): Promise<string> {
  const item = await getItem(ctx, itemId);
  const { byId } = await kpCodes(ctx);
  return itemToQti3(item.content, `qiming-${item.id}`, item.stemPreview.slice(0, 60), byId);
}

/** A bank's items as an IMS content package of QTI 3.0 items. */
export async function exportBankQti(ctx: AuthedContext, bankId: string): Promise<{ name: string; buffer: Buffer }> {
  const { bank } = await getReadableBank(ctx, bankId);
  const rows = await ctx.db
    .selectFrom('items as i')
    .innerJoin('item_versions as v', 'v.id', 'i.current_version_id')
    .select(['i.id', 'i.stem_text', 'v.content'])
    .where('i.bank_id', '=', bankId)
    .where('i.archived_at', 'is', null)
    .orderBy('i.created_at')
    .limit(5000)
    .execute();
  const { byId } = await kpCodes(ctx);
  const buffer = await qtiPackage(
    rows.map((r) => {
      const identifier = `qiming-${r.id}`;
      const title = r.stem_text.slice(0, 60);
      return { identifier, title, xml: itemToQti3(r.content as never, identifier, title, byId) };
    }),
    bank.name,
  );
  return { name: bank.name, buffer };
}
