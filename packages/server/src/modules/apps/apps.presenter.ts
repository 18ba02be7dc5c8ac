import type { TApp, TMyApp, TOidcSettings } from '@qiming/shared';
import type { AppRow, listAppsEnabledAt, listEnablements } from './apps.repository.ts';

type EnablementRow = Awaited<ReturnType<typeof listEnablements>>[number];
type EnabledRow = Awaited<ReturnType<typeof listAppsEnabledAt>>[number];

/** What the registry keeps of an OIDC client besides its id and secret. */
export type OidcMetadata = Omit<TOidcSettings, 'isPublic'> & { isPublic: boolean };

const logoUrl = (id: string, hasLogo: boolean) => (hasLogo ? `/api/apps/${id}/logo` : null);

export function presentApp(r: AppRow, enablements: EnablementRow[], policies: TApp['policies']): TApp {
  const m = r.oidc_metadata as OidcMetadata | null;
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    category: r.category as TApp['category'],
    homeUrl: r.home_url,
    logoUrl: logoUrl(r.id, r.has_logo),
    protocol: r.protocol,
    isTrusted: r.is_trusted,
    status: r.status,
    ownerScope: { id: r.owner_scope_id, name: r.owner_scope_name },
    oidc:
      r.protocol === 'oidc' && m
        ? {
            clientId: r.client_id!,
            isPublic: m.isPublic,
            redirectUris: m.redirectUris,
            postLogoutRedirectUris: m.postLogoutRedirectUris,
            backchannelLogoutUri: m.backchannelLogoutUri,
            grantTypes: m.grantTypes,
            // registrations made before this was a setting have none
            idTokenSigningAlg: m.idTokenSigningAlg ?? 'RS256',
          }
        : null,
    cas: r.protocol === 'cas' && r.cas_service_pattern ? { servicePrefix: r.cas_service_pattern } : null,
    enablements: enablements.filter((e) => e.app_id === r.id).map((e) => ({ scopeId: e.scope_id, scopeName: e.scope_name })),
    createdAt: new Date(r.created_at).toISOString(),
    policies,
  };
}

/**
 * Where the launcher sends a user. An OIDC application is opened at its home page with the
 * issuer named (OpenID Connect's third-party-initiated login), a CAS service through /cas/login.
 */
export function launchUrl(r: Pick<EnabledRow, 'protocol' | 'home_url'>, issuer: string): string {
  if (r.protocol === 'cas') return `/cas/login?service=${encodeURIComponent(r.home_url)}`;
  const u = new URL(r.home_url);
  u.searchParams.set('iss', issuer);
  return u.toString();
}

export const presentMyApp = (r: EnabledRow, issuer: string): TMyApp => ({
  id: r.id,
  name: r.name,
  description: r.description,
  category: r.category as TMyApp['category'],
  logoUrl: logoUrl(r.id, r.has_logo),
  launchUrl: launchUrl(r, issuer),
});
