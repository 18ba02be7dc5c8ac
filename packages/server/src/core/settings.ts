import { SECURITY_DEFAULTS, ZSecurityPolicy, type TSecurityPolicy } from '@qiming/shared';
import type { DbOrTx } from './db/database.ts';

const CACHE_MS = 5_000;
let cached: { at: number; db: DbOrTx; policy: TSecurityPolicy } | null = null;

/**
 * The security policy (password, lockout, session, retention). Read on every request, so it is
 * cached for a few seconds per process; a change reaches every process within that time.
 */
export async function getSecurityPolicy(db: DbOrTx, { fresh = false } = {}): Promise<TSecurityPolicy> {
  if (!fresh && cached && cached.db === db && Date.now() - cached.at < CACHE_MS) return cached.policy;
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'security_policy').executeTakeFirst();
  const parsed = ZSecurityPolicy.safeParse({ ...SECURITY_DEFAULTS, ...(row?.value as object | undefined) });
  const policy = parsed.success ? parsed.data : { ...SECURITY_DEFAULTS };
  cached = { at: Date.now(), db, policy };
  return policy;
}

export async function saveSecurityPolicy(db: DbOrTx, policy: TSecurityPolicy): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key: 'security_policy', value: JSON.stringify(policy), updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(policy), updated_at: new Date() }))
    .execute();
  cached = null;
}
