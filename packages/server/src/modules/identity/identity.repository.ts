import { sql } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import type { UpstreamSessionRef } from '../../core/db/schema.ts';

export const findUserByUsername = (db: DbOrTx, username: string) =>
  db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();

export const getUserById = (db: DbOrTx, id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

/**
 * Counts one failed sign-in atomically, so two processes cannot both let a sixth guess through,
 * and locks the account when the count reaches the threshold.
 */
export async function registerFailedLogin(db: DbOrTx, userId: string, threshold: number, lockMinutes: number) {
  return db
    .updateTable('users')
    .set({
      failed_logins: sql`failed_logins + 1`,
      locked_until: sql`CASE WHEN failed_logins + 1 >= ${threshold} THEN now() + make_interval(mins => ${lockMinutes}) ELSE locked_until END`,
    })
    .where('id', '=', userId)
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export const registerSuccessfulLogin = (db: DbOrTx, userId: string) =>
  db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: new Date() }).where('id', '=', userId).execute();

/** Remembers which upstream sign-in opened a session, for the upstream's back-channel logout. */
export const recordUpstreamSession = (db: DbOrTx, sessionId: string, ref: UpstreamSessionRef) =>
  db
    .insertInto('upstream_sessions')
    .values({ session_id: sessionId, provider: ref.provider, subject: ref.subject, sid: ref.sid, created_at: new Date() })
    .execute();

export const revokeSession = (db: DbOrTx, sessionId: string) =>
  db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();

export const revokeAllSessions = (db: DbOrTx, userId: string) =>
  db.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();

/** Ends every session of a user but the one making the request (after a password change or MFA change). */
export const revokeOtherSessions = (db: DbOrTx, userId: string, keepSessionId: string) =>
  db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('id', '!=', keepSessionId)
    .where('revoked_at', 'is', null)
    .execute();

export const clearFailedLogins = (db: DbOrTx, userId: string) =>
  db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();

export const setSessionRole = (db: DbOrTx, sessionId: string, role: string) =>
  db.updateTable('sessions').set({ active_role: role }).where('id', '=', sessionId).execute();

export const setPassword = (db: DbOrTx, userId: string, passwordHash: string, mustChange: boolean) =>
  db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: new Date(), must_change_password: mustChange, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
