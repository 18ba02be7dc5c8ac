import { randomInt } from 'node:crypto';
import {
  normalizeRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_COUNT,
  type TMfaEnrollment,
  type TMfaStatus,
  type TMfaVerifyRequest,
  type TRecoveryCodes,
} from '@qiming/shared';
import { recordAudit } from '../../../core/audit/audit.ts';
import { isMfaRequired } from '../../../core/auth/session.ts';
import type { AuthedContext, RequestContext } from '../../../core/context.ts';
import { withTransaction, type Tx } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { limitAccountAttempt } from '../account-limits.ts';
import { revokeAllSessions, revokeOtherSessions } from '../identity.repository.ts';
import * as repo from './mfa.repository.ts';
import { base32Decode, base32Encode, generateTotpSecret, otpauthUri, verifyTotp } from './totp.ts';

export const MFA_ISSUER = '启明智慧教育';

/** Ten fresh recovery codes as shown (`xxxxx-xxxxx`), and their keyed hashes as stored. */
function newRecoveryCodes(ctx: Pick<RequestContext, 'cipher'>, userId: string): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: 10 }, () => RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)]).join('');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  return { codes, hashes: codes.map((c) => recoveryCodeHash(ctx, userId, c)) };
}

export const recoveryCodeHash = (ctx: Pick<RequestContext, 'cipher'>, userId: string, code: string) =>
  ctx.cipher.mac(`mfa-recovery:${userId}:${normalizeRecoveryCode(code)}`);

type Who = { userId: string; name: string; role: string | null };
type Purpose = 'sign_in' | 'enroll' | 'disable' | 'regenerate_codes';

const FAILURES = {
  wrong_code: 'MFA_CODE_INVALID',
  reused_code: 'MFA_CODE_REUSED',
  wrong_recovery_code: 'MFA_RECOVERY_CODE_INVALID',
} as const;

/**
 * Checks a second factor for a user, inside one transaction with what it unlocks: the code's time
 * step is claimed (replay guard) or the recovery code spent, the verification audited, and
 * `then(tx)` run. A wrong, replayed or spent code changes nothing but its audited failure and
 * the rate-limit counter (per account, failures only).
 */
export async function verifySecondFactor<T>(
  ctx: RequestContext,
  who: Who,
  input: TMfaVerifyRequest,
  purpose: Purpose,
  then: (tx: Tx) => Promise<T>,
): Promise<T> {
  const hit = await limitAccountAttempt(ctx, input.method === 'totp' ? 'mfa:user' : 'recovery:user', who.userId);
  const mfa = await repo.findMfa(ctx.db, who.userId);
  if (!mfa?.enabled_at) throw new AppError('MFA_NOT_ENABLED');
  const actor = { id: who.userId, name: who.name, role: who.role };

  let failure: keyof typeof FAILURES | null = null;
  const result = await withTransaction(ctx.db, async (tx) => {
    if (input.method === 'totp') {
      const step = verifyTotp(base32Decode(ctx.cipher.decrypt(mfa.secret_enc)), input.code, Date.now());
      if (step === null) failure = 'wrong_code';
      else if (!(await repo.claimStep(tx, who.userId, step))) failure = 'reused_code';
    } else if (!(await repo.useRecoveryCode(tx, who.userId, recoveryCodeHash(ctx, who.userId, input.code)))) {
      failure = 'wrong_recovery_code';
    }
    if (failure) return null;
    await recordAudit(tx, ctx, {
      action: 'mfa.verify',
      targetType: 'user',
      targetId: who.userId,
      actor,
      summary: { purpose, method: input.method },
    });
    if (input.method === 'recovery_code') {
      const left = await repo.countRecoveryCodesLeft(tx, who.userId);
      await recordAudit(tx, ctx, {
        action: 'mfa.recovery_code_used',
        targetType: 'user',
        targetId: who.userId,
        actor,
        summary: { purpose, left },
      });
    }
    return { value: await then(tx) };
  });
  if (!result) {
    const reason = failure ?? 'wrong_code';
    await withTransaction(ctx.db, (tx) =>
      recordAudit(tx, ctx, {
        action: 'mfa.verify',
        outcome: 'failure',
        targetType: 'user',
        targetId: who.userId,
        actor,
        summary: { purpose, method: input.method, reason },
      }),
    );
    throw new AppError(FAILURES[reason], { details: { remainingAttempts: Math.max(0, hit.remaining) } });
  }
  await hit.refund();
  return result.value;
}

const whoOf = (ctx: AuthedContext): Who => ({ userId: ctx.actor.userId, name: ctx.actor.displayName, role: ctx.actor.role });

export async function getMfaStatus(ctx: AuthedContext): Promise<TMfaStatus> {
  const mfa = await repo.findMfa(ctx.db, ctx.actor.userId);
  const enabled = !!mfa?.enabled_at;
  return {
    enabled,
    required: isMfaRequired(ctx.actor.roles),
    enabledAt: mfa?.enabled_at ? new Date(mfa.enabled_at).toISOString() : null,
    recoveryCodesLeft: enabled ? await repo.countRecoveryCodesLeft(ctx.db, ctx.actor.userId) : 0,
  };
}

/** Step one of enrolment: a new secret, stored encrypted and not yet active, shown once as QR code and text. */
export async function startEnrollment(ctx: AuthedContext): Promise<TMfaEnrollment> {
  const secret = base32Encode(generateTotpSecret());
  const saved = await repo.savePendingSecret(ctx.db, ctx.actor.userId, ctx.cipher.encrypt(secret));
  if (!saved) throw new AppError('MFA_ALREADY_ENABLED');
  const account = ctx.actor.username;
  return { secret, otpauthUri: otpauthUri({ issuer: MFA_ISSUER, account, secret }), issuer: MFA_ISSUER, account };
}

/** Step two: the first code from the authenticator turns it on; ten recovery codes are returned, once. */
export async function confirmEnrollment(ctx: AuthedContext, code: string): Promise<TRecoveryCodes> {
  const who = whoOf(ctx);
  const hit = await limitAccountAttempt(ctx, 'mfa:user', who.userId);
  const mfa = await repo.findMfa(ctx.db, who.userId);
  if (mfa?.enabled_at) throw new AppError('MFA_ALREADY_ENABLED');
  if (!mfa) throw new AppError('MFA_ENROLLMENT_NOT_STARTED');
  const step = verifyTotp(base32Decode(ctx.cipher.decrypt(mfa.secret_enc)), code, Date.now());
  const { codes, hashes } = newRecoveryCodes(ctx, who.userId);
  const enabled =
    step !== null &&
    (await withTransaction(ctx.db, async (tx) => {
      if (!(await repo.claimStep(tx, who.userId, step, { enable: true }))) return false;
      await repo.replaceRecoveryCodes(tx, who.userId, hashes);
      await recordAudit(tx, ctx, { action: 'mfa.enroll', targetType: 'user', targetId: who.userId, summary: { method: 'totp' } });
      return true;
    }));
  if (!enabled) {
    await withTransaction(ctx.db, (tx) =>
      recordAudit(tx, ctx, {
        action: 'mfa.enroll',
        outcome: 'failure',
        targetType: 'user',
        targetId: who.userId,
        summary: { reason: step === null ? 'wrong_code' : 'reused_code' },
      }),
    );
    throw new AppError(step === null ? 'MFA_CODE_INVALID' : 'MFA_CODE_REUSED', {
      details: { remainingAttempts: Math.max(0, hit.remaining) },
    });
  }
  await hit.refund();
  return { recoveryCodes: codes };
}

/**
 * Turns two-step verification off with a current code or a recovery code. The user's other
 * sessions end. A user whose role requires it must enrol again before doing anything else.
 */
export async function disableMfa(ctx: AuthedContext, input: TMfaVerifyRequest): Promise<void> {
  await verifySecondFactor(ctx, whoOf(ctx), input, 'disable', async (tx) => {
    await repo.deleteMfa(tx, ctx.actor.userId);
    await revokeOtherSessions(tx, ctx.actor.userId, ctx.actor.sessionId);
    await recordAudit(tx, ctx, {
      action: 'mfa.disable',
      targetType: 'user',
      targetId: ctx.actor.userId,
      summary: { method: input.method },
    });
  });
}

/** New recovery codes (the old ones stop working), after a current code or a recovery code. */
export async function regenerateRecoveryCodes(ctx: AuthedContext, input: TMfaVerifyRequest): Promise<TRecoveryCodes> {
  const { codes, hashes } = newRecoveryCodes(ctx, ctx.actor.userId);
  await verifySecondFactor(ctx, whoOf(ctx), input, 'regenerate_codes', async (tx) => {
    await repo.replaceRecoveryCodes(tx, ctx.actor.userId, hashes);
    await recordAudit(tx, ctx, { action: 'mfa.recovery_codes_regenerated', targetType: 'user', targetId: ctx.actor.userId });
  });
  return { recoveryCodes: codes };
}

/**
 * An administrator takes a user's authenticator away (a lost phone): the user's sessions end, and
 * the next sign-in is by password alone — followed by a new enrolment where the role requires it.
 */
export async function resetMfa(ctx: AuthedContext, userId: string): Promise<void> {
  if (userId === ctx.actor.userId) throw new AppError('FORBIDDEN', { message: '不能重置自己的两步验证，请在“账号安全”中停用或更换' });
  await withTransaction(ctx.db, async (tx) => {
    if (!(await repo.deleteMfa(tx, userId))) throw new AppError('MFA_NOT_ENABLED');
    await revokeAllSessions(tx, userId);
    await recordAudit(tx, ctx, { action: 'mfa.reset', targetType: 'user', targetId: userId });
  });
}
