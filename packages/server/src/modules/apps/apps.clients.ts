import { sql } from 'kysely';
import type { AppContext } from '../../core/context.ts';
import type { FieldCipher } from '../../core/crypto/crypto.ts';
import type { Db, DbOrTx } from '../../core/db/database.ts';
import type { OidcMetadata } from './apps.presenter.ts';

/** What oidc-provider reads for a client (snake_case metadata, as in OpenID Connect Dynamic Registration). */
export type ClientMetadata = {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'none';
  id_token_signed_response_alg: 'RS256' | 'ES256';
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  application_type: 'web';
  scope: string;
  /** Qiming's own: consent is skipped for applications the bureau marked trusted. */
  'qiming:trusted': boolean;
  'qiming:app_id': string;
};

/** Scopes a registered client may ask for. `api` is the scope of client-credentials tokens for the Qiming API. */
export const CLIENT_SCOPES = 'openid profile roles org offline_access api';

/**
 * A registered OIDC application as an oidc-provider client, or undefined when it does not exist
 * or is disabled. The secret is stored encrypted with the field cipher and decrypted only here.
 */
export async function oidcClientMetadata(db: DbOrTx, cipher: FieldCipher, clientId: string): Promise<ClientMetadata | undefined> {
  const row = await db
    .selectFrom('apps')
    .select(['id', 'name', 'client_id', 'client_secret_enc', 'oidc_metadata', 'status', 'is_trusted'])
    .where('client_id', '=', clientId)
    .where('protocol', '=', 'oidc')
    .executeTakeFirst();
  if (!row || row.status !== 'active' || !row.oidc_metadata) return undefined;
  const m = (typeof row.oidc_metadata === 'string' ? JSON.parse(row.oidc_metadata) : row.oidc_metadata) as OidcMetadata;
  const usesCode = m.grantTypes.includes('authorization_code');
  return {
    client_id: row.client_id!,
    ...(row.client_secret_enc ? { client_secret: cipher.decrypt(row.client_secret_enc) } : {}),
    client_name: row.name,
    redirect_uris: m.redirectUris,
    post_logout_redirect_uris: m.postLogoutRedirectUris,
    grant_types: m.grantTypes,
    response_types: usesCode ? ['code'] : [],
    // oidc-provider takes the secret in a Basic header or in the form (client_secret_post) alike
    token_endpoint_auth_method: m.isPublic ? 'none' : 'client_secret_basic',
    id_token_signed_response_alg: m.idTokenSigningAlg ?? 'RS256',
    ...(m.backchannelLogoutUri ? { backchannel_logout_uri: m.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    application_type: 'web',
    scope: CLIENT_SCOPES,
    'qiming:trusted': row.is_trusted,
    'qiming:app_id': row.id,
  };
}

/*
 * The token endpoint reads its client on every request. Clients change rarely (an administrator
 * edits, disables or re-keys an application), so each process keeps the metadata it read, with
 * the secret already decrypted, and forgets an entry when the application changes: at once in the
 * process that changed it, and in every other process on the database through a notification
 * sent with the change's transaction (delivered at commit). While this process is not listening
 * (not yet connected, connection lost) nothing is cached, and what was cached is dropped.
 */
const CLIENTS_CHANNEL = 'qiming_oidc_clients';
/** Even while listening, an entry is read again after this long. */
const CLIENT_CACHE_MS = 5 * 60_000;
const CLIENT_CACHE_MAX = 2000;

type ClientCache = { entries: Map<string, { value: ClientMetadata; at: number }>; generation: number; listening: boolean };
const clientCaches = new WeakMap<Db, ClientCache>();

export type ClientSourceContext = Pick<AppContext, 'db' | 'cipher' | 'changes'>;

function clientCacheFor(ctx: ClientSourceContext): ClientCache {
  let cache = clientCaches.get(ctx.db);
  if (!cache) {
    const created: ClientCache = { entries: new Map(), generation: 0, listening: false };
    const forget = (clientId: string | null) => {
      created.generation++;
      if (clientId === null) created.entries.clear();
      else created.entries.delete(clientId);
    };
    void ctx.changes
      ?.listen(CLIENTS_CHANNEL, {
        message: (clientId) => forget(clientId),
        state: (listening) => {
          forget(null);
          created.listening = listening;
        },
      })
      .catch((err: unknown) => console.warn(`OIDC client cache: cannot listen (${(err as Error).message}); clients are read every time`));
    clientCaches.set(ctx.db, (cache = created));
  }
  return cache;
}

/** `oidcClientMetadata` through the per-process cache: what the OpenID provider reads its clients with. */
export async function findOidcClient(ctx: ClientSourceContext, clientId: string): Promise<ClientMetadata | undefined> {
  const cache = clientCacheFor(ctx);
  const hit = cache.listening ? cache.entries.get(clientId) : undefined;
  if (hit && Date.now() - hit.at < CLIENT_CACHE_MS) return hit.value;
  const generation = cache.generation;
  const value = await oidcClientMetadata(ctx.db, ctx.cipher, clientId);
  // unknown ids are not remembered (anyone can send them); a change heard during the read wins
  if (value && cache.listening && cache.generation === generation) {
    if (cache.entries.size >= CLIENT_CACHE_MAX) cache.entries.clear();
    cache.entries.set(clientId, { value, at: Date.now() });
  }
  return value;
}

/**
 * Inside the transaction that changes a client: tells every process to forget it (at commit).
 * After the commit, call `forgetOidcClient` so that this process does not wait for the notice.
 */
export async function announceOidcClientChange(tx: DbOrTx, clientId: string): Promise<void> {
  await sql`SELECT pg_notify(${CLIENTS_CHANNEL}, ${clientId})`.execute(tx);
}

/** Drops this process's cached copy of a client (after the transaction that changed it committed). */
export function forgetOidcClient(db: Db, clientId: string): void {
  const cache = clientCaches.get(db);
  if (!cache) return;
  cache.generation++;
  cache.entries.delete(clientId);
}

/** The active CAS application whose service prefix is the longest match for a service URL. */
export async function findCasService(db: DbOrTx, service: string) {
  const rows = await db
    .selectFrom('apps')
    .select(['id', 'name', 'cas_service_pattern', 'owner_scope_id'])
    .where('protocol', '=', 'cas')
    .where('status', '=', 'active')
    .execute();
  return (
    rows
      .filter((r) => r.cas_service_pattern && service.startsWith(r.cas_service_pattern))
      .sort((a, b) => b.cas_service_pattern!.length - a.cas_service_pattern!.length)[0] ?? null
  );
}
