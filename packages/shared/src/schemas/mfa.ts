import { z } from 'zod';
import { ZMe } from './auth.ts';

/** Recovery codes as shown: 10 characters in two groups of five, e.g. `7kq2m-x9fpa`. */
export const RECOVERY_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const RECOVERY_CODE_COUNT = 10;
/** Strips what people add when typing a recovery code (spaces, dashes, capitals). */
export const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');

export const ZTotpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, '请输入验证器中显示的 6 位数字');
export const ZRecoveryCode = z
  .string()
  .transform(normalizeRecoveryCode)
  .pipe(z.string().regex(new RegExp(`^[${RECOVERY_CODE_ALPHABET}]{10}$`), '恢复码为 10 位字母和数字，例如 7kq2m-x9fpa'));

/** A second factor: the current code of the authenticator, or one of the recovery codes. */
export const ZMfaVerifyRequest = z.discriminatedUnion('method', [
  z.object({ method: z.literal('totp'), code: ZTotpCode }),
  z.object({ method: z.literal('recovery_code'), code: ZRecoveryCode }),
]);
export type TMfaVerifyRequest = z.infer<typeof ZMfaVerifyRequest>;

export const ZMfaConfirmRequest = z.object({ code: ZTotpCode });
export type TMfaConfirmRequest = z.infer<typeof ZMfaConfirmRequest>;

export const ZMfaStatus = z.object({
  enabled: z.boolean(),
  /** The user's role requires it (bureau and security administrators). */
  required: z.boolean(),
  enabledAt: z.string().nullable(),
  recoveryCodesLeft: z.number().int(),
});
export type TMfaStatus = z.infer<typeof ZMfaStatus>;

export const ZMfaEnrollment = z.object({
  /** Base32, for typing into the authenticator by hand. */
  secret: z.string(),
  /** otpauth:// URI, shown as a QR code. */
  otpauthUri: z.string(),
  issuer: z.string(),
  account: z.string(),
});
export type TMfaEnrollment = z.infer<typeof ZMfaEnrollment>;

export const ZRecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export type TRecoveryCodes = z.infer<typeof ZRecoveryCodes>;

/** Sign-in when the password was right but a second factor is still due: no session yet. */
export const ZMfaChallenge = z.object({
  status: z.literal('mfa_required'),
  methods: z.array(z.enum(['totp', 'recovery_code'])),
  expiresAt: z.string(),
});
export type TMfaChallenge = z.infer<typeof ZMfaChallenge>;

export const ZLoginResponse = z.union([ZMe, ZMfaChallenge]);
export type TLoginResponse = z.infer<typeof ZLoginResponse>;
export const isMfaChallenge = (r: TLoginResponse): r is TMfaChallenge => 'status' in r && r.status === 'mfa_required';
