import { createHash } from 'node:crypto';
import type { Subject } from '@qiming/shared';
import type { DbOrTx } from '../../core/db/database.ts';
import { CHINESE_STRANDS, MATH_STRANDS, type StrandSeed } from './data/knowledge-points.ts';

/** A stable id from a knowledge point's code (name-based, UUID v5 layout over SHA-1). */
export function knowledgePointId(code: string): string {
  const h = createHash('sha1').update(`qiming:knowledge-point:${code}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

type KpRow = {
  id: string;
  subject: string;
  grade: number | null;
  code: string;
  name: string;
  parent_id: string | null;
  path: string;
  strand: string;
  sort_order: number;
};

function rowsOf(subject: Subject, strands: StrandSeed[]): KpRow[] {
  const rows: KpRow[] = [];
  let order = 0;
  for (const strand of strands) {
    const sid = knowledgePointId(strand.code);
    rows.push({
      id: sid,
      subject,
      grade: null,
      code: strand.code,
      name: strand.name,
      parent_id: null,
      path: `/${sid}/`,
      strand: strand.name,
      sort_order: order++,
    });
    for (const [grade, points] of Object.entries(strand.grades)) {
      for (const p of points) {
        const pid = knowledgePointId(p.code);
        const path = `/${sid}/${pid}/`;
        rows.push({
          id: pid,
          subject,
          grade: Number(grade),
          code: p.code,
          name: p.name,
          parent_id: sid,
          path,
          strand: strand.name,
          sort_order: order++,
        });
        (p.children ?? []).forEach((name, i) => {
          const code = `${p.code}-${i + 1}`;
          const cid = knowledgePointId(code);
          rows.push({
            id: cid,
            subject,
            grade: Number(grade),
            code,
            name,
            parent_id: pid,
            path: `${path}${cid}/`,
            strand: strand.name,
            sort_order: order++,
          });
        });
      }
    }
  }
  return rows;
}

export const SHIPPED_KNOWLEDGE_POINTS: KpRow[] = [...rowsOf('数学', MATH_STRANDS), ...rowsOf('语文', CHINESE_STRANDS)];

/**
 * Brings the shipped knowledge-point tree into the database (insert new codes, rename changed
 * ones). Idempotent; run at start-up after the migrations and by the test template.
 */
export async function syncKnowledgePoints(db: DbOrTx): Promise<number> {
  const rows = SHIPPED_KNOWLEDGE_POINTS;
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('knowledge_points')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          sort_order: eb.ref('excluded.sort_order'),
          grade: eb.ref('excluded.grade'),
        })),
      )
      .execute();
  }
  return rows.length;
}
