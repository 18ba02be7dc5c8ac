import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Loads `KEY=value` lines from an optional `.env` without overriding the real environment. */
function loadDotEnv(file: string): void {
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const value = m[2].replace(/^(['"])(.*)\1$/, '$2');
    if (process.env[m[1]] === undefined) process.env[m[1]] = value;
  }
}

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  secretKey: string | null;
  demo: boolean;
  demoPassword: string;
  trustProxy: boolean;
  webDist: string;
  logLevel: string;
  /** The address users and applications reach this instance at (QIMING_PUBLIC_URL); null: http://HOST:PORT. */
  publicUrl: string | null;
  /** Requests per minute per client address on the token and ticket-validation endpoints (QIMING_SSO_RATE_LIMIT). */
  ssoRateLimit: number;
  /** A Redis server for the rate limiter's counters (QIMING_REDIS_URL); null: counters in the database. */
  redisUrl: string | null;
  /** An upstream identity provider to sign in through (QIMING_UPSTREAM_*); null: none. */
  upstream: UpstreamConfig | null;
};

/** Roles a just-in-time account may get: school-level grants that reach nothing until the school assigns classes or children. */
export const PROVISIONABLE_ROLES = ['teacher', 'parent'] as const;

/** An upstream identity provider this instance trusts (an upper-level Qiming, or any OpenID provider). */
export type UpstreamConfig = {
  /** The upstream's OpenID issuer (discovery at ISSUER/.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in page calls it, e.g. 青岛市智慧教育平台. */
  name: string;
  scope: string;
  /** The claim whose value finds the local account on a first sign-in… */
  linkClaim: string;
  /** …compared with this local attribute. */
  linkTo: 'username' | 'user_id';
  /** Without a matching account: refuse, or create one at the school whose 学校标识码 the `school` claim names. */
  provision: 'off' | 'create';
  /** Roles a provisioned account may receive from the upstream's `roles` claim. */
  provisionRoles: (typeof PROVISIONABLE_ROLES)[number][];
};

const list = (v: string | undefined, fallback: string[]) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : fallback;

/** QIMING_UPSTREAM_*: an unset issuer means no upstream sign-in. A half-set configuration stops the start with a message. */
export function loadUpstreamConfig(env: NodeJS.ProcessEnv): UpstreamConfig | null {
  const issuer = env.QIMING_UPSTREAM_ISSUER?.trim();
  if (!issuer) return null;
  if (!/^https?:\/\//.test(issuer)) throw new Error('QIMING_UPSTREAM_ISSUER must be an http(s) URL');
  const clientId = env.QIMING_UPSTREAM_CLIENT_ID?.trim();
  const clientSecret = env.QIMING_UPSTREAM_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret)
    throw new Error('QIMING_UPSTREAM_ISSUER is set: QIMING_UPSTREAM_CLIENT_ID and QIMING_UPSTREAM_CLIENT_SECRET are required too');
  const linkTo = env.QIMING_UPSTREAM_LINK_TO?.trim() || 'username';
  if (linkTo !== 'username' && linkTo !== 'user_id') throw new Error('QIMING_UPSTREAM_LINK_TO must be username or user_id');
  const provision = env.QIMING_UPSTREAM_PROVISION?.trim() || 'off';
  if (provision !== 'off' && provision !== 'create') throw new Error('QIMING_UPSTREAM_PROVISION must be off or create');
  const roles = list(env.QIMING_UPSTREAM_PROVISION_ROLES, ['teacher']);
  const wrong = roles.filter((r) => !(PROVISIONABLE_ROLES as readonly string[]).includes(r));
  if (wrong.length)
    throw new Error(
      `QIMING_UPSTREAM_PROVISION_ROLES: ${wrong.join(', ')} cannot be provisioned (allowed: ${PROVISIONABLE_ROLES.join(', ')})`,
    );
  return {
    issuer: issuer.replace(/\/+$/, ''),
    clientId,
    clientSecret,
    name: env.QIMING_UPSTREAM_NAME?.trim() || '上级平台',
    scope: env.QIMING_UPSTREAM_SCOPE?.trim() || 'openid profile roles org',
    linkClaim: env.QIMING_UPSTREAM_LINK_CLAIM?.trim() || 'preferred_username',
    linkTo,
    provision,
    provisionRoles: roles as UpstreamConfig['provisionRoles'],
  };
}

const bool = (v: string | undefined, fallback: boolean): boolean =>
  v === undefined || v === '' ? fallback : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());

export function loadConfig(env: NodeJS.ProcessEnv = process.env, { dotEnv = true } = {}): Config {
  if (dotEnv) loadDotEnv(path.resolve('.env'));
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(env.QIMING_DATA_DIR ?? './data'),
    secretKey: env.QIMING_SECRET_KEY?.trim() || null,
    demo: bool(env.QIMING_DEMO, databaseUrl === null),
    demoPassword: env.QIMING_DEMO_PASSWORD ?? 'Qiming@2026',
    trustProxy: bool(env.QIMING_TRUST_PROXY, false),
    webDist: path.resolve(import.meta.dirname, '../../../web/dist'),
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.QIMING_PUBLIC_URL?.trim().replace(/\/+$/, '') || null,
    ssoRateLimit: Number(env.QIMING_SSO_RATE_LIMIT ?? 600),
    redisUrl: env.QIMING_REDIS_URL?.trim() || null,
    upstream: loadUpstreamConfig(env),
  };
}

/** The instance's own base URL, without a trailing slash. */
export const publicBaseUrl = (config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string =>
  config.publicUrl ?? `http://${config.host}:${config.port}`;

/** The OpenID Connect issuer: the provider is mounted at /oidc. */
export const oidcIssuer = (config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string => `${publicBaseUrl(config)}/oidc`;
