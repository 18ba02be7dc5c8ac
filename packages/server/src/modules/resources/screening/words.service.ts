import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { bumpLexiconVersion, getMatcher, scanText } from './sensitive.ts';

const present = (w: { id: string; word: string; category: string; is_enabled: boolean; source: string; created_at: Date }) => ({
  id: w.id,
  word: w.word,
  category: w.category,
  isEnabled: w.is_enabled,
  source: w.source as 'lexicon' | 'admin',
  createdAt: new Date(w.created_at).toISOString(),
});

export async function listWords(ctx: AuthedContext, q: { q?: string; category?: string; page: number; pageSize: number }) {
  let base = ctx.db.selectFrom('sensitive_words');
  if (q.q) base = base.where('word', 'like', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (q.category) base = base.where('category', '=', q.category);
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
  const rows = await base
    .selectAll()
    .orderBy('source', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('word')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  const categories = await ctx.db
    .selectFrom('sensitive_words')
    .select(['category', sql<number>`count(*)`.as('count'), sql<number>`count(*) FILTER (WHERE is_enabled)`.as('enabled')])
    .groupBy('category')
    .orderBy('category')
    .execute();
  return {
    items: rows.map(present),
    total: Number(total),
    page: q.page,
    pageSize: q.pageSize,
    categories: categories.map((c) => ({ category: c.category, count: Number(c.count), enabled: Number(c.enabled) })),
  };
}

/** Adds words (a word already listed is enabled again and keeps its category). */
export async function addWords(ctx: AuthedContext, input: { words: string[]; category: string }) {
  const words = [...new Set(input.words.map((w) => w.trim()).filter(Boolean))];
  return withTransaction(ctx.db, async (tx) => {
    const existing = await tx.selectFrom('sensitive_words').select('word').where('word', 'in', words).execute();
    const known = new Set(existing.map((e) => e.word));
    const fresh = words.filter((w) => !known.has(w));
    if (fresh.length)
      await tx
        .insertInto('sensitive_words')
        .values(
          fresh.map((word) => ({
            id: randomUUID(),
            word,
            category: input.category,
            source: 'admin',
            created_by: ctx.actor.userId,
            created_at: new Date(),
          })),
        )
        .execute();
    if (known.size)
      await tx
        .updateTable('sensitive_words')
        .set({ is_enabled: true })
        .where('word', 'in', [...known])
        .execute();
    await bumpLexiconVersion(tx);
    await recordAudit(tx, ctx, {
      action: 'resource.words.add',
      targetType: 'sensitive_words',
      summary: { added: fresh, enabled: [...known], category: input.category },
    });
    return { added: fresh.length, enabled: known.size };
  });
}

/** Switches a word off (a false positive in teaching text) or on again; the history stays in the audit log. */
export async function setWordEnabled(ctx: AuthedContext, id: string, isEnabled: boolean) {
  return withTransaction(ctx.db, async (tx) => {
    const w = await tx.updateTable('sensitive_words').set({ is_enabled: isEnabled }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!w) throw new AppError('NOT_FOUND', { message: '未找到该敏感词' });
    await bumpLexiconVersion(tx);
    await recordAudit(tx, ctx, {
      action: 'resource.words.toggle',
      targetType: 'sensitive_word',
      targetId: id,
      summary: { word: w.word, isEnabled },
    });
    return present(w);
  });
}

/** Tries the current list on a piece of text (to check a word before adding or disabling it). */
export async function scanSample(ctx: AuthedContext, text: string) {
  return scanText(await getMatcher(ctx.db), 'text', text);
}
