import type { RequestContext } from '../../core/context.ts';
import { rateLimit, type RateLimitHit } from '../../core/rate-limit/index.ts';
import { getSecurityPolicy } from '../../core/settings.ts';

/**
 * Counts an attempt at a secret of one account (a two-step code, a recovery code, the current
 * password) against the security policy's limit; the caller refunds it when the attempt succeeds.
 */
export async function limitAccountAttempt(
  ctx: RequestContext,
  bucket: 'mfa:user' | 'recovery:user' | 'password:user',
  userId: string,
): Promise<RateLimitHit> {
  const policy = await getSecurityPolicy(ctx.db);
  return rateLimit(ctx, { bucket, key: userId, limit: policy.codeFailuresPerUser, windowSeconds: policy.rateLimitWindowMinutes * 60 });
}
