import type { TDeliveryPaper } from '../items/index.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import * as repo from './homework.repository.ts';
import type { PaperSnapshot } from './paper-snapshot.ts';

/** The frozen copy of a paper kept with an assignment: sections, items at their pinned versions, per-item scores. */
export function snapshotFromDelivery(p: TDeliveryPaper): PaperSnapshot {
  const seen = new Map<string, number>();
  const items: PaperSnapshot['items'] = [];
  const sections = p.sections.map((s) => ({
    title: s.title,
    instructions: s.instructions,
    keys: s.items.map((it) => {
      // the same item twice in one paper gets a second key
      const n = (seen.get(it.itemId) ?? 0) + 1;
      seen.set(it.itemId, n);
      const key = n === 1 ? it.itemId : `${it.itemId}~${n}`;
      items.push({
        key,
        itemId: it.itemId,
        versionId: it.versionId,
        position: it.number,
        sectionTitle: s.title,
        score: it.score,
        content: it.content,
      });
      return key;
    }),
  }));
  const maxScore = Math.round(items.reduce((a, i) => a + i.score, 0) * 100) / 100;
  return { paperId: p.id, title: p.title, subject: p.subject, sections, items, maxScore };
}

/**
 * Assignment rows cached per process. The paper snapshot never changes once assigned, so the
 * cached copy is always right for it; the few mutable settings (title, close time, instructions)
 * are re-read when the cached copy is older than MAX_AGE_MS, and the submit path re-reads the
 * close time under its row lock anyway. This keeps the large snapshot JSON off the hot path.
 */
const MAX_AGE_MS = 5_000;
const MAX_ENTRIES = 2_000;
const cache = new Map<string, { row: repo.AssignmentRow; at: number }>();

export async function cachedAssignment(db: DbOrTx, id: string): Promise<repo.AssignmentRow | null> {
  const hit = cache.get(id);
  const now = Date.now();
  if (hit && now - hit.at < MAX_AGE_MS) return hit.row;
  if (hit) {
    const w = await repo.findAssignmentWindow(db, id);
    if (!w || w.archived_at) {
      cache.delete(id);
      return null;
    }
    const row = {
      ...hit.row,
      closes_at: w.closes_at,
      opens_at: w.opens_at,
      title: w.title,
      instructions: w.instructions,
      updated_at: w.updated_at,
    };
    cache.set(id, { row, at: now });
    return row;
  }
  const row = await repo.findAssignment(db, id);
  if (!row) return null;
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(id, { row, at: now });
  return row;
}

/** Drops a cached assignment (after this process changed it). */
export const forgetAssignment = (id: string): void => void cache.delete(id);
