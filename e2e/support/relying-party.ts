import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { APIRequestContext } from '@playwright/test';
import * as client from 'openid-client';
import { apiJson } from './fixtures.ts';

export type RelyingParty = {
  url: string;
  /** Logout tokens received at the back-channel logout endpoint. */
  logouts: string[];
  close: () => Promise<void>;
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;margin:40px">${body}</body></html>`;

/**
 * A tiny application that signs its users in with Qiming (OpenID Connect, code + PKCE, through
 * openid-client), as a school's third-party application would: it starts a sign-in when opened
 * from the launcher (third-party initiated login, `?iss=`) or without a session of its own, and
 * shows the signed-in user's name from the ID token.
 */
export async function startRelyingParty(opts: {
  port: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
}): Promise<RelyingParty> {
  const url = `http://127.0.0.1:${opts.port}`;
  const config = await client.discovery(new URL(opts.issuer), opts.clientId, undefined, client.ClientSecretBasic(opts.clientSecret), {
    execute: [client.allowInsecureRequests],
  });
  const pending = new Map<string, { verifier: string; nonce: string }>();
  const sessions = new Map<string, { name: string; username: string; sid: string | undefined }>();
  const logouts: string[] = [];

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void (async () => {
        const here = new URL(req.url ?? '/', url);
        const sessionId = /(?:^|;\s*)rp_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        const session = sessionId ? sessions.get(sessionId) : undefined;
        if (here.pathname === '/backchannel' && req.method === 'POST') {
          const token = new URLSearchParams(body).get('logout_token') ?? '';
          logouts.push(token);
          // a real application verifies the token; here the sessions of the named sid end
          const sid = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}').sid as string | undefined;
          for (const [id, s] of sessions) if (s.sid && s.sid === sid) sessions.delete(id);
          res.writeHead(200).end();
          return;
        }
        if (here.pathname === '/callback') {
          const state = here.searchParams.get('state') ?? '';
          const p = pending.get(state);
          pending.delete(state);
          if (!p) {
            res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('错误', '<p>登录请求已失效</p>'));
            return;
          }
          const tokens = await client.authorizationCodeGrant(config, here, {
            pkceCodeVerifier: p.verifier,
            expectedState: state,
            expectedNonce: p.nonce,
          });
          const claims = tokens.claims()!;
          const id = randomBytes(16).toString('hex');
          sessions.set(id, {
            name: String(claims.name),
            username: String(claims.preferred_username),
            sid: claims.sid as string | undefined,
          });
          res.writeHead(302, { location: '/', 'set-cookie': `rp_session=${id}; Path=/; HttpOnly; SameSite=Lax` }).end();
          return;
        }
        if (here.pathname === '/' && session && !here.searchParams.has('iss')) {
          res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
            .end(
              page(
                opts.name,
                `<h1>${escapeHtml(opts.name)}</h1><p data-testid="rp-user">已登录：${escapeHtml(session.name)}（${escapeHtml(session.username)}）</p>`,
              ),
            );
          return;
        }
        // opened from the launcher, or no session here yet: sign in with Qiming
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const nonce = client.randomNonce();
        pending.set(state, { verifier, nonce });
        const auth = client.buildAuthorizationUrl(config, {
          redirect_uri: `${url}/callback`,
          scope: 'openid profile roles org',
          state,
          nonce,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        });
        res.writeHead(302, { location: auth.toString() }).end();
      })().catch((err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`relying party error: ${err.message}`);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  return { url, logouts, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * The city bureau's side of 应用接入, through the API of a signed-in city administrator: registers an
 * OpenID Connect application for a relying party on `port` (back-channel logout at `/backchannel`
 * when asked) and enables it for the whole city.
 */
export async function registerCityApp(
  admin: APIRequestContext,
  app: { name: string; category: string; description: string; port: number; isTrusted: boolean; backchannelLogout?: boolean },
): Promise<{ appId: string; clientId: string; clientSecret: string }> {
  const base = `http://127.0.0.1:${app.port}`;
  const [city] = await apiJson<{ id: string }[]>(admin, 'get', '/api/org/units');
  const created = await apiJson<{ app: { id: string; oidc: { clientId: string } }; clientSecret: string }>(admin, 'post', '/api/apps', {
    name: app.name,
    category: app.category,
    description: app.description,
    homeUrl: `${base}/`,
    protocol: 'oidc',
    isTrusted: app.isTrusted,
    ownerScopeId: city.id,
    oidc: {
      redirectUris: [`${base}/callback`],
      ...(app.backchannelLogout && { backchannelLogoutUri: `${base}/backchannel` }),
      grantTypes: ['authorization_code'],
    },
  });
  await apiJson(admin, 'put', `/api/apps/${created.app.id}/enablements/${city.id}`);
  return { appId: created.app.id, clientId: created.app.oidc.clientId, clientSecret: created.clientSecret };
}
