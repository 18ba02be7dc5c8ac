/** Mainland China mobile numbers (11 digits starting 13–19). */

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * Removes spaces, dashes, brackets and a leading +86 / 0086 / 86 country code, so
 * '+86 138-1234-5678' becomes '13812345678'. Anything else is returned with those characters removed.
 */
export function normalizePhone(s: string): string {
  const compact = s.replace(/[\s\-()（）]/g, '');
  const withoutCountry = compact.replace(/^(?:\+86|0086)/, '');
  // a bare '86' is a country code only when 11 digits follow; otherwise it may be part of the number
  if (withoutCountry === compact && /^86\d{11}$/.test(compact)) return compact.slice(2);
  return withoutCountry;
}

/** Whether the input, once normalised, is a mainland mobile number. */
export function isMobilePhone(s: string): boolean {
  return MOBILE.test(normalizePhone(s));
}

/** Masks the middle four digits of an 11-digit mobile number: '13812345678' → '138****5678'. */
export function maskPhone(s: string): string {
  const phone = normalizePhone(s);
  if (phone.length !== 11) return phone.length <= 4 ? '*'.repeat(phone.length) : `${'*'.repeat(phone.length - 4)}${phone.slice(-4)}`;
  return `${phone.slice(0, 3)}****${phone.slice(7)}`;
}
