import { MFA_REQUIRED_ROLES } from '@qiming/shared';
import type { FactoryCtx } from '../../org/org.factory.ts';
import { recoveryCodeHash } from './mfa.service.ts';

/** The authenticator secret of every fixture user that has two-step verification (base32). */
export const WORLD_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** Recovery codes each such fixture user holds. */
export const WORLD_RECOVERY_CODES = ['22222-aaaaa', '33333-bbbbb', '44444-ccccc'];

/** Turns two-step verification on for a user, with a known secret and recovery codes. */
export async function buildMfa(f: FactoryCtx, userId: string, { secret = WORLD_TOTP_SECRET, recoveryCodes = WORLD_RECOVERY_CODES } = {}) {
  await f.db
    .insertInto('user_mfa')
    .values({
      user_id: userId,
      secret_enc: f.cipher.encrypt(secret),
      enabled_at: new Date(),
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  if (recoveryCodes.length)
    await f.db
      .insertInto('mfa_recovery_codes')
      .values(
        recoveryCodes.map((c) => ({
          user_id: userId,
          code_hash: recoveryCodeHash(f, userId, c),
          created_at: new Date(),
        })),
      )
      .execute();
}

/** Enrols every user holding a role that requires two-step verification (the fixture world's administrators). */
export async function buildMfaForRequiredRoles(f: FactoryCtx): Promise<void> {
  const rows = await f.db
    .selectFrom('role_grants')
    .select('user_id')
    .distinct()
    .where('role', 'in', [...MFA_REQUIRED_ROLES])
    .execute();
  for (const r of rows) await buildMfa(f, r.user_id);
}
