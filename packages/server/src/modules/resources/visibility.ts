import type { Expression, SqlBool } from 'kysely';
import type { Actor } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import { visibleTo } from '../search/index.ts';

/**
 * The one visibility rule (the search module's): public → everyone; scoped → members of the
 * unit it is published to, and administrators whose subtree contains that unit or lies inside it.
 * Resources and collections keep `visibility` (generated from their audience) and `visible_path`.
 */
export const resourceVisibleTo = (actor: Actor | null, alias: 'r' | 'c' = 'r'): Expression<SqlBool> =>
  visibleTo(actor, { visibility: `${alias}.visibility`, visiblePath: `${alias}.visible_path` });

/** Whether the actor may see one published resource by the rule above. */
export async function isResourceVisible(db: DbOrTx, actor: Actor | null, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('resources as r')
    .select('r.id')
    .where('r.id', '=', id)
    .where(resourceVisibleTo(actor))
    .executeTakeFirst();
  return !!row;
}
