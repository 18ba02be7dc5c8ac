import { sql } from 'kysely';
import type { DbOrTx } from '../../../core/db/database.ts';
import type { UpstreamSessionRef } from '../../../core/db/schema.ts';

export const findMfa = (db: DbOrTx, userId: string) =>
  db.selectFrom('user_mfa').selectAll().where('user_id', '=', userId).executeTakeFirst();

export const isMfaEnabled = async (db: DbOrTx, userId: string): Promise<boolean> =>
  !!(await db
    .selectFrom('user_mfa')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirst());

/** A new secret waiting for its first code; replaces an earlier unconfirmed one, never an enabled one. */
export async function savePendingSecret(db: DbOrTx, userId: string, secretEnc: string): Promise<boolean> {
  const row = await db
    .insertInto('user_mfa')
    .values({ user_id: userId, secret_enc: secretEnc, created_at: new Date(), updated_at: new Date() })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_enc: secretEnc, last_used_step: null, created_at: new Date(), updated_at: new Date() })
        .where('user_mfa.enabled_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst();
  return !!row;
}

/**
 * Accepts a code's time step once: only a step later than the last accepted one moves the mark,
 * atomically, so the same code cannot be used twice, not even by two servers at the same instant.
 * `enable` also turns a pending enrolment on.
 */
export async function claimStep(db: DbOrTx, userId: string, step: number, { enable = false } = {}): Promise<boolean> {
  let q = db
    .updateTable('user_mfa')
    .set({ last_used_step: step, updated_at: new Date(), ...(enable ? { enabled_at: new Date() } : {}) })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]));
  q = enable ? q.where('enabled_at', 'is', null) : q.where('enabled_at', 'is not', null);
  return !!(await q.returning('user_id').executeTakeFirst());
}

export async function deleteMfa(db: DbOrTx, userId: string): Promise<boolean> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  const res = await db.deleteFrom('user_mfa').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function replaceRecoveryCodes(db: DbOrTx, userId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('mfa_recovery_codes')
    .values(hashes.map((h) => ({ user_id: userId, code_hash: h, created_at: new Date() })))
    .execute();
}

/** Marks an unused code used; false when there is no such unused code (wrong, or used before). */
export async function useRecoveryCode(db: DbOrTx, userId: string, codeHash: string): Promise<boolean> {
  const row = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return !!row;
}

export async function countRecoveryCodesLeft(db: DbOrTx, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const createChallenge = (
  db: DbOrTx,
  input: {
    id: string;
    userId: string;
    firstFactor: string;
    ip: string | null;
    userAgent: string | null;
    ttlSeconds: number;
    upstream?: UpstreamSessionRef | null;
  },
) =>
  db
    .insertInto('login_challenges')
    .values({
      id: input.id,
      user_id: input.userId,
      first_factor: input.firstFactor,
      upstream: input.upstream ? JSON.stringify(input.upstream) : null,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 256) ?? null,
      created_at: new Date(),
      expires_at: sql<Date>`now() + make_interval(secs => ${input.ttlSeconds})`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();

export const findLiveChallenge = (db: DbOrTx, id: string) =>
  db
    .selectFrom('login_challenges')
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();

/** Takes a challenge away; true only for the one caller that removed it (a second use of the cookie loses). */
export async function deleteChallenge(db: DbOrTx, id: string): Promise<boolean> {
  const res = await db.deleteFrom('login_challenges').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function purgeExpiredChallenges(db: DbOrTx): Promise<number> {
  const res = await db
    .deleteFrom('login_challenges')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
