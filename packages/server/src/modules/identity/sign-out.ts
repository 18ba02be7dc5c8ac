import type { AppContext } from '../../core/context.ts';
import { endCasSessions } from './cas/cas.service.ts';
import { endOidcSessions } from './oidc/oidc-sessions.ts';

/**
 * What ending Qiming sessions means for single sign-on: the OpenID provider sessions opened in
 * them end (back-channel logout to each application) and CAS services get a single logout.
 * Called after the sessions are revoked, whoever revoked them (the user, an upstream logout).
 */
export async function endSingleSignOn(app: AppContext, sessionIds: string[]): Promise<void> {
  await endOidcSessions(app, sessionIds);
  await endCasSessions(app, sessionIds);
}

/** Every session a user has had: for "sign out everywhere". */
export async function sessionIdsOf(app: Pick<AppContext, 'db'>, userId: string): Promise<string[]> {
  const rows = await app.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.id);
}
