import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../../../core/context.ts';
import { getProvider, OIDC_COOKIES } from './oidc-provider.ts';

type Which = { accountId: string; everywhere: boolean; req: IncomingMessage; res: ServerResponse };

/**
 * Ends the provider sessions that a Qiming sign-out ends: this browser's (found by its signed
 * cookie) or every one of the account's. Each application the session signed in to gets a
 * back-channel logout, and the tokens of its grant are revoked.
 */
export async function endOidcSessions(app: AppContext, which: Which): Promise<number> {
  const { provider } = await getProvider(app);
  const ids: string[] = [];
  if (which.everywhere) {
    const rows = await app.db
      .selectFrom('oidc_payloads')
      .select('id')
      .where('model', '=', 'Session')
      .where('account_id', '=', which.accountId)
      .execute();
    ids.push(...rows.map((r) => r.id));
  } else {
    const koa = provider.createContext(which.req, which.res);
    const id = koa.cookies.get(OIDC_COOKIES.session, { signed: true });
    if (id) ids.push(id);
  }
  let ended = 0;
  for (const id of ids) {
    const session = await provider.Session.find(id);
    if (!session || session.accountId !== which.accountId) continue;
    for (const [clientId, auth] of Object.entries(session.authorizations ?? {})) {
      // oidc-provider has Client#backchannelLogout; its type definitions lag behind
      const client = (await provider.Client.find(clientId)) as
        { backchannelLogoutUri?: string; backchannelLogout: (sub: string, sid: string) => Promise<void> } | undefined;
      if (client?.backchannelLogoutUri) {
        await client.backchannelLogout(session.accountId, auth.sid!).catch((err: Error) => {
          console.warn(`back-channel logout to ${clientId} failed: ${err.message}`);
        });
      }
      if (auth.grantId)
        await app.db
          .deleteFrom('oidc_payloads')
          .where((eb) => eb.or([eb('grant_id', '=', auth.grantId!), eb.and([eb('model', '=', 'Grant'), eb('id', '=', auth.grantId!)])]))
          .execute();
    }
    await session.destroy();
    ended++;
  }
  return ended;
}
