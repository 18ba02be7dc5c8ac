import { sql, type Kysely } from 'kysely';

/**
 * An upstream sign-in of an account with two-step verification waits in a login challenge; the
 * upstream session it came from (provider, subject, sid) waits with it, so that the session made
 * after the second factor can still be ended by the upstream's back-channel logout.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE login_challenges ADD COLUMN upstream jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE login_challenges DROP COLUMN upstream`.execute(db);
}
