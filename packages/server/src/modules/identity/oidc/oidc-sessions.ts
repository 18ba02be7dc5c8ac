import type { AppContext } from '../../../core/context.ts';
import { getProvider } from './oidc-provider.ts';

type BackchannelClient = { backchannelLogoutUri?: string; backchannelLogout: (sub: string, sid: string) => Promise<void> };

/**
 * Ends the provider sessions opened in these Qiming sessions: each application the session signed
 * in to gets a back-channel logout, and the tokens of its grant are revoked.
 */
export async function endOidcSessions(app: AppContext, qimingSessionIds: string[]): Promise<number> {
  if (qimingSessionIds.length === 0) return 0;
  const rows = await app.db
    .selectFrom('oidc_payloads')
    .select('id')
    .where('model', '=', 'Session')
    .where('qiming_session_id', 'in', qimingSessionIds)
    .execute();
  if (rows.length === 0) return 0;
  const { provider } = await getProvider(app);
  let ended = 0;
  for (const { id } of rows) {
    const session = await provider.Session.find(id);
    if (!session) continue;
    for (const [clientId, auth] of Object.entries(session.authorizations ?? {})) {
      // oidc-provider has Client#backchannelLogout; its type definitions lag behind
      const client = (await provider.Client.find(clientId)) as BackchannelClient | undefined;
      if (client?.backchannelLogoutUri && session.accountId) {
        await client.backchannelLogout(session.accountId, auth.sid!).catch((err: Error) => {
          console.warn(`back-channel logout to ${clientId} failed: ${err.message}`);
        });
      }
      if (auth.grantId) {
        const grantId = auth.grantId;
        await app.db
          .deleteFrom('oidc_payloads')
          .where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])]))
          .execute();
      }
    }
    await session.destroy();
    ended++;
  }
  return ended;
}
