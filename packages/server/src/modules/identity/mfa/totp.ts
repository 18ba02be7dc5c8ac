import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 4648 base32, the alphabet authenticator apps read secrets in. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring case, spaces, dashes and padding; throws on any other character. */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = BASE32.indexOf(ch);
    if (idx < 0) throw new Error(`not a base32 character: ${ch}`);
    value = ((value << 5) | idx) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export type TotpOptions = { algorithm?: 'sha1' | 'sha256' | 'sha512'; digits?: number; period?: number };
const DEFAULTS = { algorithm: 'sha1', digits: 6, period: 30 } as const;

/** The time step (RFC 6238 T) a moment falls in. */
export const timeStep = (atMs: number, period: number = DEFAULTS.period): number => Math.floor(atMs / 1000 / period);

/** HOTP (RFC 4226) for one counter value, with dynamic truncation. */
export function hotp(
  secret: Buffer,
  counter: number,
  { algorithm = DEFAULTS.algorithm, digits = DEFAULTS.digits }: TotpOptions = {},
): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return binary.toString().padStart(digits, '0');
}

/** TOTP (RFC 6238) at a moment. */
export const totp = (secret: Buffer, atMs: number, opts: TotpOptions = {}): string =>
  hotp(secret, timeStep(atMs, opts.period ?? DEFAULTS.period), opts);

/**
 * Checks a code against the steps around `atMs` (±window, default one step either side for clock
 * drift) and returns the step it matched, or null. Comparison is constant-time per candidate.
 */
export function verifyTotp(
  secret: Buffer,
  code: string,
  atMs: number,
  { window = 1, ...opts }: TotpOptions & { window?: number } = {},
): number | null {
  const digits = opts.digits ?? DEFAULTS.digits;
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return null;
  const now = timeStep(atMs, opts.period ?? DEFAULTS.period);
  const given = Buffer.from(code);
  let matched: number | null = null;
  for (let step = now - window; step <= now + window; step++) {
    // no early exit: every candidate is computed and compared
    if (timingSafeEqual(Buffer.from(hotp(secret, step, opts)), given) && matched === null) matched = step;
  }
  return matched;
}

/** A new secret: 160 bits, as RFC 4226 recommends for HMAC-SHA-1. */
export const generateTotpSecret = (): Buffer => randomBytes(20);

/** The otpauth:// URI an authenticator app reads from the enrolment QR code. */
export function otpauthUri({ issuer, account, secret }: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${params.toString()}`;
}
