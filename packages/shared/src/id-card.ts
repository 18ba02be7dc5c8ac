/**
 * 居民身份证号 (GB 11643-1999): 6-digit region code, 8-digit birth date, 3-digit sequence
 * (odd = male, even = female) and an ISO 7064 MOD 11-2 check digit.
 */

export type IdCardInfo = { ok: true; birthDate: string; gender: 'male' | 'female'; regionCode: string };
export type IdCardError = { ok: false; reason: 'format' | 'birth_date' | 'checksum' };
export type IdCardResult = IdCardInfo | IdCardError;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_DIGITS = '10X98765432';
const FORMAT = /^\d{17}[\dX]$/;

/** The check digit ('0'–'9' or 'X') for the first 17 digits of a 身份证号. */
export function idCardCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCardCheckDigit expects exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_DIGITS[sum % 11];
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** The local calendar date today as YYYY-MM-DD, so a birth date "today" is accepted. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
}

/**
 * Checks a 身份证号 (surrounding spaces ignored, a lower-case x accepted) and extracts the
 * birth date, gender and region code. The birth date must be a real calendar date, in 1900
 * or later and not in the future.
 */
export function validateIdCard(s: string): IdCardResult {
  const id = s.trim().toUpperCase();
  if (!FORMAT.test(id)) return { ok: false, reason: 'format' };
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (year < 1900 || !isRealDate(year, month, day) || birthDate > today()) {
    return { ok: false, reason: 'birth_date' };
  }
  if (idCardCheckDigit(id.slice(0, 17)) !== id[17]) return { ok: false, reason: 'checksum' };
  return {
    ok: true,
    birthDate,
    gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: id.slice(0, 6),
  };
}

/**
 * Masks a 身份证号 for display: keeps the first 4 characters (province and city) and the last 4,
 * e.g. '370202201503041234' → '3702**********1234'. Strings too short to mask are fully hidden.
 */
export function maskIdCard(s: string): string {
  if (s.length <= 8) return '*'.repeat(s.length);
  return `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
}
