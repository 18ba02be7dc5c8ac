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
};

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
  };
}

/** The instance's own base URL, without a trailing slash. */
export const publicBaseUrl = (config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string =>
  config.publicUrl ?? `http://${config.host}:${config.port}`;

/** The OpenID Connect issuer: the provider is mounted at /oidc. */
export const oidcIssuer = (config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string => `${publicBaseUrl(config)}/oidc`;
