/**
 * Password policy (等保三级 baseline): a minimum length, at least three of four character
 * classes, not the username (forwards or backwards), not the current password.
 */

export type PasswordViolation = 'too_short' | 'too_few_classes' | 'contains_username' | 'same_as_current';

export type PasswordCheckOptions = {
  username: string;
  minLength?: number;
  /** When given, a new password equal to it is reported as `same_as_current`. */
  currentPassword?: string;
};

export const PASSWORD_MIN_CLASSES = 3;
const DEFAULT_MIN_LENGTH = 8;

/** Messages for the default policy; use `passwordViolationMessage` when minLength differs. */
export const PASSWORD_VIOLATION_MESSAGES: Record<PasswordViolation, string> = {
  too_short: `密码至少需要 ${DEFAULT_MIN_LENGTH} 个字符`,
  too_few_classes: '密码需包含小写字母、大写字母、数字、符号中的至少 3 类',
  contains_username: '密码不能包含用户名（含倒序）',
  same_as_current: '新密码不能与当前密码相同',
};

/** The Chinese message for a violation under a policy whose minimum length may not be 8. */
export function passwordViolationMessage(violation: PasswordViolation, minLength = DEFAULT_MIN_LENGTH): string {
  return violation === 'too_short' ? `密码至少需要 ${minLength} 个字符` : PASSWORD_VIOLATION_MESSAGES[violation];
}

/** How many of lower-case, upper-case, digit and other ("symbol") characters occur. */
function characterClasses(password: string): number {
  let lower = false,
    upper = false,
    digit = false,
    symbol = false;
  for (const ch of password) {
    if (ch >= 'a' && ch <= 'z') lower = true;
    else if (ch >= 'A' && ch <= 'Z') upper = true;
    else if (ch >= '0' && ch <= '9') digit = true;
    else symbol = true;
  }
  return Number(lower) + Number(upper) + Number(digit) + Number(symbol);
}

/** Every rule the password breaks, in a stable order; an empty array means it is acceptable. */
export function checkPassword(password: string, options: PasswordCheckOptions): PasswordViolation[] {
  const { username, minLength = DEFAULT_MIN_LENGTH, currentPassword } = options;
  const violations: PasswordViolation[] = [];
  // length in characters (code points), so a symbol outside the BMP counts once
  if ([...password].length < minLength) violations.push('too_short');
  if (characterClasses(password) < PASSWORD_MIN_CLASSES) violations.push('too_few_classes');
  const name = username.trim().toLowerCase();
  if (name.length >= 3) {
    const lowered = password.toLowerCase();
    const reversed = [...name].reverse().join('');
    if (lowered.includes(name) || lowered.includes(reversed)) violations.push('contains_username');
  }
  if (currentPassword !== undefined && password === currentPassword) violations.push('same_as_current');
  return violations;
}

// Look-alikes left out: 0/O/o, 1/l/I.
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '@#$%&*+=?';
const ALL = LOWER + UPPER + DIGITS + SYMBOLS;
const TEMPORARY_LENGTH = 12;

/** A uniformly random integer in [0, n) from the platform CSPRNG, without modulo bias. */
function randomBelow(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    if (buf[0] < limit) return buf[0] % n;
  }
}

const pick = (alphabet: string) => alphabet[randomBelow(alphabet.length)];

/**
 * A 12-character temporary password with all four character classes, drawn from
 * `crypto.getRandomValues` and free of look-alike characters so it can be read out or copied
 * from paper.
 */
export function generateTemporaryPassword(): string {
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < TEMPORARY_LENGTH) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomBelow(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
