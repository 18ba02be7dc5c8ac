import { randomBytes } from 'node:crypto';
import type { TLoginRequest, TMe, TMfaChallenge, TMfaVerifyRequest } from '@qiming/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../core/audit/audit.ts';
import { createSession, defaultRole, distinctRoles, listGrants, SESSION_COOKIE } from '../../core/auth/session.ts';
import type { RequestContext } from '../../core/context.ts';
import { withTransaction, type Tx } from '../../core/db/database.ts';
import type { UpstreamSessionRef, UserRow } from '../../core/db/schema.ts';
import { AppError } from '../../core/errors.ts';
import { rateLimitAll } from '../../core/rate-limit/index.ts';
import { getSecurityPolicy } from '../../core/settings.ts';
import * as repo from './identity.repository.ts';
import { presentMe } from './identity.service.ts';
import * as mfaRepo from './mfa/mfa.repository.ts';
import { verifySecondFactor } from './mfa/mfa.service.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';

/** The cookie of the state between a right password and the second factor. It is not a session. */
export const MFA_PENDING_COOKIE = 'qm_mfa_pending';
const CHALLENGE_TTL_SECONDS = 300;

/** The outcome of a first factor: a session, or a second factor still to give. */
export type SessionResult = { kind: 'session'; token: string; me: TMe };
export type SignInResult = SessionResult | { kind: 'mfa'; token: string; challenge: TMfaChallenge };

/**
 * Signs a user in with username and password. Every attempt, good or bad, is audited. Failures
 * count towards a lockout kept in the database (so it holds across server processes), and
 * towards rate limits per IP and per username, checked before the password so a flood costs no
 * argon2 work. A right password leads to `startSignIn`.
 */
export async function login(ctx: RequestContext, input: TLoginRequest, userAgent: string | null): Promise<SignInResult> {
  const policy = await getSecurityPolicy(ctx.db);
  const windowSeconds = policy.rateLimitWindowMinutes * 60;
  const limits = await rateLimitAll(ctx, [
    ...(ctx.ip ? [{ bucket: 'login:ip', key: ctx.ip, limit: policy.signInFailuresPerIp, windowSeconds }] : []),
    { bucket: 'login:user', key: input.username.toLowerCase(), limit: policy.signInFailuresPerUsername, windowSeconds },
  ]);
  const user = await repo.findUserByUsername(ctx.db, input.username);
  const fail = async (reason: string, userId: string | null, extra: Record<string, unknown> = {}) =>
    withTransaction(ctx.db, (tx) =>
      recordAudit(tx, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        targetType: 'user',
        targetId: userId,
        actor: { id: userId, name: user?.display_name ?? null, role: null },
        summary: { username: input.username, reason, ...extra },
      }),
    );

  if (!user) {
    await burnPasswordCheck(input.password);
    await fail('unknown_user', null);
    throw new AppError('AUTH_INVALID_CREDENTIALS');
  }
  if (user.locked_until && new Date(user.locked_until) > new Date()) {
    await fail('locked', user.id);
    throw lockedError(new Date(user.locked_until));
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    const after = await withTransaction(ctx.db, async (tx) => {
      const r = await repo.registerFailedLogin(tx, user.id, policy.lockoutThreshold, policy.lockoutMinutes);
      await recordAudit(tx, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        targetType: 'user',
        targetId: user.id,
        actor: { id: user.id, name: user.display_name, role: null },
        summary: { username: input.username, reason: 'bad_password', failedLogins: r.failed_logins, locked: !!r.locked_until },
      });
      return r;
    });
    if (after.locked_until && new Date(after.locked_until) > new Date()) throw lockedError(new Date(after.locked_until));
    throw new AppError('AUTH_INVALID_CREDENTIALS', {
      details: { remainingAttempts: Math.max(0, policy.lockoutThreshold - after.failed_logins) },
    });
  }
  if (!user.is_active) {
    await fail('disabled', user.id);
    throw new AppError('AUTH_ACCOUNT_DISABLED');
  }
  // only failures count: a good sign-in takes its hits back
  await limits.refund();
  return startSignIn(ctx, user, { firstFactor: 'password', userAgent });
}

function lockedError(until: Date): AppError {
  const hhmm = until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
  return new AppError('AUTH_ACCOUNT_LOCKED', {
    message: `密码错误次数过多，账号已锁定，请在 ${hhmm} 后再试，或联系管理员解锁`,
    details: { lockedUntil: until.toISOString() },
  });
}

/**
 * What follows a first factor (a right password, or an upstream login): a session, or — when the
 * user has two-step verification on — a short-lived challenge that only /api/auth/mfa accepts.
 * Every way in goes through here, so none skips the second factor.
 */
export async function startSignIn(
  ctx: RequestContext,
  user: UserRow,
  opts: { firstFactor: string; userAgent: string | null; upstream?: UpstreamSessionRef },
): Promise<SignInResult> {
  if (!(await mfaRepo.isMfaEnabled(ctx.db, user.id))) {
    return withTransaction(ctx.db, (tx) => createFullSession(ctx, tx, user, { ...opts, secondFactor: null }));
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = await withTransaction(ctx.db, async (tx) => {
    await repo.clearFailedLogins(tx, user.id);
    const row = await mfaRepo.createChallenge(tx, {
      id: ctx.cipher.mac(`mfa-challenge:${token}`),
      userId: user.id,
      firstFactor: opts.firstFactor,
      ip: ctx.ip,
      userAgent: opts.userAgent,
      ttlSeconds: CHALLENGE_TTL_SECONDS,
      upstream: opts.upstream,
    });
    await recordAudit(tx, ctx, {
      action: 'auth.mfa_challenge',
      targetType: 'user',
      targetId: user.id,
      actor: { id: user.id, name: user.display_name, role: null },
      summary: { username: user.username, firstFactor: opts.firstFactor },
    });
    return new Date(row.expires_at);
  });
  return {
    kind: 'mfa',
    token,
    challenge: { status: 'mfa_required', methods: ['totp', 'recovery_code'], expiresAt: expiresAt.toISOString() },
  };
}

/** The second step of sign-in: the pending challenge and a code or recovery code become a session. */
export async function completeMfaSignIn(
  ctx: RequestContext,
  challengeToken: string | undefined,
  input: TMfaVerifyRequest,
  userAgent: string | null,
): Promise<SessionResult> {
  const id = challengeToken ? ctx.cipher.mac(`mfa-challenge:${challengeToken}`) : null;
  const challenge = id ? await mfaRepo.findLiveChallenge(ctx.db, id) : undefined;
  if (!id || !challenge) throw new AppError('MFA_CHALLENGE_EXPIRED');
  const user = await repo.getUserById(ctx.db, challenge.user_id);
  if (!user || !user.is_active) throw new AppError('MFA_CHALLENGE_EXPIRED');
  return verifySecondFactor(ctx, { userId: user.id, name: user.display_name, role: null }, input, 'sign_in', async (tx) => {
    // the challenge is used up with the session, so one pending cookie gives at most one session
    if (!(await mfaRepo.deleteChallenge(tx, id))) throw new AppError('MFA_CHALLENGE_EXPIRED');
    return createFullSession(ctx, tx, user, {
      firstFactor: challenge.first_factor,
      secondFactor: input.method,
      userAgent,
      upstream: challenge.upstream ?? undefined,
    });
  });
}

async function createFullSession(
  ctx: RequestContext,
  tx: Tx,
  user: UserRow,
  opts: { firstFactor: string; secondFactor: string | null; userAgent: string | null; upstream?: UpstreamSessionRef },
): Promise<SessionResult> {
  const policy = await getSecurityPolicy(tx);
  const grants = await listGrants(tx, user.id);
  const role = defaultRole(distinctRoles(grants));
  await repo.registerSuccessfulLogin(tx, user.id);
  const session = await createSession(ctx, tx, { userId: user.id, activeRole: role, ip: ctx.ip, userAgent: opts.userAgent });
  // the upstream's back-channel logout names this session by the upstream's sid (or account)
  if (opts.upstream) await repo.recordUpstreamSession(tx, session.sessionId, opts.upstream);
  await recordAudit(tx, ctx, {
    action: 'auth.login',
    targetType: 'user',
    targetId: user.id,
    actor: { id: user.id, name: user.display_name, role },
    summary: { username: user.username, firstFactor: opts.firstFactor, secondFactor: opts.secondFactor },
  });
  // the password was not used by an upstream sign-in, so its age does not hold the user up (see loadActor)
  const expired =
    !opts.upstream &&
    policy.passwordExpiryDays > 0 &&
    Date.now() - new Date(user.password_changed_at).getTime() > policy.passwordExpiryDays * 86_400_000;
  return {
    kind: 'session',
    token: session.token,
    me: presentMe({
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      role,
      mustChangePassword: (!opts.upstream && user.must_change_password) || expired,
      grants,
      sessionIdleMinutes: policy.sessionIdleMinutes,
      mfaEnabled: opts.secondFactor !== null,
    }),
  };
}

/**
 * Cookie flags: httpOnly always; Secure when the request came over https (directly, or through a
 * trusted proxy's X-Forwarded-Proto when QIMING_TRUST_PROXY is on). The session is SameSite=Lax
 * (a link from another site still arrives signed in, while cross-site POSTs do not carry it); the
 * pending second-factor cookie is Strict and only sent to /api/auth.
 */
const cookieFlags = (req: FastifyRequest) => ({ httpOnly: true, secure: req.protocol === 'https' });

/**
 * Sets the cookie a sign-in result needs and returns the body to send: the user for a session,
 * the challenge for a pending second factor. Routes of other ways in (upstream login) use it too.
 */
export function setSignInCookies(req: FastifyRequest, reply: FastifyReply, result: SessionResult): TMe;
export function setSignInCookies(req: FastifyRequest, reply: FastifyReply, result: SignInResult): TMe | TMfaChallenge;
export function setSignInCookies(req: FastifyRequest, reply: FastifyReply, result: SignInResult): TMe | TMfaChallenge {
  if (result.kind === 'mfa') {
    reply.setCookie(MFA_PENDING_COOKIE, result.token, {
      ...cookieFlags(req),
      path: '/api/auth',
      sameSite: 'strict',
      maxAge: CHALLENGE_TTL_SECONDS,
    });
    return result.challenge;
  }
  if (req.cookies[MFA_PENDING_COOKIE]) reply.clearCookie(MFA_PENDING_COOKIE, { path: '/api/auth' });
  reply.setCookie(SESSION_COOKIE, result.token, { ...cookieFlags(req), path: '/', sameSite: 'lax' });
  return result.me;
}

export const clearSessionCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });
