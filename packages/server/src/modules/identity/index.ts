import { registerScopeResolver } from '../../core/access/access.ts';
import type { ZApp } from '../../core/http/app.ts';
import { adminRoutes } from './admin.routes.ts';
import { mfaRoutes } from './mfa/mfa.routes.ts';
import { casRoutes } from './cas/cas.routes.ts';
import { oidcRoutes } from './oidc/oidc.routes.ts';
import { sessionRoutes } from './session.routes.ts';
import { upstreamRoutes } from './upstream/upstream.routes.ts';

export { hashPassword, verifyPassword } from './passwords.ts';
export { purgeExpiredChallenges } from './mfa/mfa.repository.ts';
export { purgeExpiredOidcPayloads } from './oidc/oidc-adapter.ts';
/**
 * Every way of signing in ends in `startSignIn(ctx, user, { firstFactor, userAgent })` (first
 * factor done: a password, or e.g. `upstream:<provider>`), which gives a session or — for a user
 * with two-step verification — a pending challenge; `setSignInCookies(req, reply, result)` sets
 * the right cookie and returns the body (TMe or TMfaChallenge). An upstream login that redirects
 * sends the browser to `/login?step=mfa` when `result.kind === 'mfa'`.
 */
export { setSignInCookies, startSignIn, type SignInResult } from './sign-in.ts';
export { purgeCasTickets } from './cas/cas.service.ts';

export async function identityRoutes(app: ZApp): Promise<void> {
  await sessionRoutes(app);
  await mfaRoutes(app);
  await adminRoutes(app);
  await oidcRoutes(app);
  await casRoutes(app);
  await upstreamRoutes(app);
}

registerScopeResolver('grant', async (db, id) => {
  const g = await db
    .selectFrom('role_grants as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
    .select(['g.scope_path', 'o.path as home_path'])
    .where('g.id', '=', id)
    .executeTakeFirst();
  // to take a grant away one must reach both the account and what the grant covers
  if (!g) return null;
  const candidates = [g.scope_path, g.home_path ?? '/'].filter((p): p is string => !!p);
  return { path: candidates.sort((a, b) => a.length - b.length)[0] };
});

registerScopeResolver('upstream_link', async (db, id) => {
  const l = await db
    .selectFrom('upstream_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
    .select(['o.path'])
    .where('l.id', '=', id)
    .executeTakeFirst();
  // where the account sits; one with no home unit (platform administrators) sits at the root
  return l ? { path: l.path ?? '/' } : null;
});
