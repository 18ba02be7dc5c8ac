import { checkPassword, SECURITY_DEFAULTS } from '@qiming/shared';
import type { MessageKey, Translate } from '../../lib/i18n.ts';

const VIOLATION_KEYS: Record<string, MessageKey> = {
  too_short: 'password_violation_too_short',
  too_few_classes: 'password_violation_too_few_classes',
  contains_username: 'password_violation_contains_username',
  same_as_current: 'password_violation_same_as_current',
};

/** The PASSWORD_POLICY_VIOLATION details (`{ violations: [code] }`) as sentences; unknown codes show as sent. */
export function violationMessages(t: Translate, details: unknown): string[] {
  const violations = (details as { violations?: unknown } | undefined)?.violations;
  if (!Array.isArray(violations)) return [];
  return violations.map((code) => {
    const key = typeof code === 'string' ? VIOLATION_KEYS[code] : undefined;
    return key ? t(key) : String(code);
  });
}

export type PasswordCheck = { key: 'length' | 'mix' | 'username'; ok: boolean };

/**
 * Which of the password hints a new password already meets, so the list can tick as the user
 * types. Advisory only: the server checks the policy in force (its minimum length may be longer).
 */
export function checkPasswordHints(
  password: string,
  username: string,
  minLength: number = SECURITY_DEFAULTS.passwordMinLength,
): PasswordCheck[] {
  const broken = new Set(checkPassword(password, { username, minLength }));
  return [
    { key: 'length', ok: !broken.has('too_short') },
    { key: 'mix', ok: !broken.has('too_few_classes') },
    { key: 'username', ok: password.length > 0 && !broken.has('contains_username') },
  ];
}
