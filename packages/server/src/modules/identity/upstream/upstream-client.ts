import { createRemoteJWKSet } from 'jose';
import * as oidc from 'openid-client';
import { publicBaseUrl, type Config, type UpstreamConfig } from '../../../core/config.ts';

export type UpstreamClient = { config: oidc.Configuration; jwks: ReturnType<typeof createRemoteJWKSet> };
const discovered = new Map<string, Promise<UpstreamClient>>();

/**
 * The upstream's metadata and keys, discovered once per process with openid-client (a failed
 * discovery is forgotten, so the next sign-in tries again). Plain http is accepted only when the
 * issuer itself is configured as http, as on a loopback test set-up.
 */
export function upstreamClient(up: UpstreamConfig): Promise<UpstreamClient> {
  const key = `${up.issuer}#${up.clientId}`;
  let p = discovered.get(key);
  if (!p) {
    p = oidc
      .discovery(new URL(up.issuer), up.clientId, undefined, oidc.ClientSecretBasic(up.clientSecret), {
        execute: up.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
        timeout: 10,
      })
      .then((config) => {
        const jwksUri = config.serverMetadata().jwks_uri;
        if (!jwksUri) throw new Error('the upstream publishes no jwks_uri');
        return { config, jwks: createRemoteJWKSet(new URL(jwksUri)) };
      });
    discovered.set(key, p);
    p.catch(() => discovered.delete(key));
  }
  return p;
}

/** Where the upstream sends the browser back to (to be registered at the upstream as a redirect URI). */
export const upstreamCallbackUrl = (config: Pick<Config, 'publicUrl' | 'host' | 'port'>) =>
  `${publicBaseUrl(config)}/api/upstream/callback`;

/** Where the upstream posts its back-channel logout tokens (to be registered at the upstream). */
export const upstreamBackchannelUrl = (config: Pick<Config, 'publicUrl' | 'host' | 'port'>) =>
  `${publicBaseUrl(config)}/api/upstream/backchannel-logout`;
