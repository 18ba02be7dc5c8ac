/** An upstream identity provider this instance trusts (an upper-level Qiming, or any OpenID provider). */
export type UpstreamConfig = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button's words: 使用{name}账号登录. */
  name: string;
  scope: string;
  /** The claim whose value finds the local account on first sign-in… */
  linkClaim: string;
  /** …compared with this local attribute. */
  linkTo: 'username' | 'user_id';
  /** Without a matching account: refuse, or create one at the school named by the `school` claim's code. */
  provision: 'off' | 'create';
  /** Roles a provisioned account may receive from the upstream's `roles` claim. */
  provisionRoles: string[];
};

const list = (v: string | undefined, fallback: string[]) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : fallback;

/** QIMING_UPSTREAM_*: unset issuer means no upstream sign-in. */
export function loadUpstreamConfig(env: NodeJS.ProcessEnv): UpstreamConfig | null {
  const issuer = env.QIMING_UPSTREAM_ISSUER?.trim();
  if (!issuer) return null;
  const clientId = env.QIMING_UPSTREAM_CLIENT_ID?.trim();
  const clientSecret = env.QIMING_UPSTREAM_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret)
    throw new Error('QIMING_UPSTREAM_ISSUER is set: QIMING_UPSTREAM_CLIENT_ID and QIMING_UPSTREAM_CLIENT_SECRET are required too');
  const linkTo = env.QIMING_UPSTREAM_LINK_TO ?? 'username';
  if (linkTo !== 'username' && linkTo !== 'user_id') throw new Error('QIMING_UPSTREAM_LINK_TO must be username or user_id');
  const provision = env.QIMING_UPSTREAM_PROVISION ?? 'off';
  if (provision !== 'off' && provision !== 'create') throw new Error('QIMING_UPSTREAM_PROVISION must be off or create');
  return {
    issuer: issuer.replace(/\/+$/, ''),
    clientId,
    clientSecret,
    name: env.QIMING_UPSTREAM_NAME?.trim() || '上级平台',
    scope: env.QIMING_UPSTREAM_SCOPE ?? 'openid profile roles org',
    linkClaim: env.QIMING_UPSTREAM_LINK_CLAIM ?? 'preferred_username',
    linkTo,
    provision,
    provisionRoles: list(env.QIMING_UPSTREAM_PROVISION_ROLES, ['teacher']),
  };
}
