import type { FieldCipher } from '../../core/crypto/crypto.ts';
import type { DbOrTx } from '../../core/db/database.ts';
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
    token_endpoint_auth_method: m.isPublic ? 'none' : 'client_secret_basic',
    ...(m.backchannelLogoutUri ? { backchannel_logout_uri: m.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    application_type: 'web',
    scope: CLIENT_SCOPES,
    'qiming:trusted': row.is_trusted,
    'qiming:app_id': row.id,
  };
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
