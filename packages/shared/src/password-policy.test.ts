import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  generateTemporaryPassword,
  PASSWORD_VIOLATION_MESSAGES,
  passwordViolationMessage,
  type PasswordViolation,
} from './password-policy.ts';

describe('checkPassword', () => {
  it('accepts a long password with three classes', () => {
    expect(checkPassword('Qiming2026', { username: 'zhangsan' })).toEqual([]);
    expect(checkPassword('qiming#2026', { username: 'zhangsan' })).toEqual([]);
    expect(checkPassword('QIMING#2026', { username: 'zhangsan' })).toEqual([]);
    expect(checkPassword('Qiming#Star', { username: 'zhangsan' })).toEqual([]);
  });

  it('reports a password shorter than the minimum', () => {
    expect(checkPassword('Ab1#xyz', { username: 'zhangsan' })).toEqual(['too_short']);
    expect(checkPassword('Ab1#xyzw', { username: 'zhangsan' })).toEqual([]);
    expect(checkPassword('Ab1#xyzw', { username: 'zhangsan', minLength: 10 })).toEqual(['too_short']);
  });

  it.each(['abcdefgh12', 'ABCDEFGH12', 'abcdEFGHij', 'abcd!@#$%^', '1234567890', '密码密码密码密码'])(
    'reports fewer than three classes in %j',
    (pw) => {
      expect(checkPassword(pw, { username: 'zhangsan' })).toContain('too_few_classes');
    },
  );

  it('counts non-ASCII characters as symbols', () => {
    expect(checkPassword('启明abc123', { username: 'zhangsan' })).toEqual([]);
  });

  it('reports the username in either direction, ignoring case', () => {
    expect(checkPassword('Zhangsan#2026', { username: 'zhangsan' })).toEqual(['contains_username']);
    expect(checkPassword('x#NASGNAHZ9', { username: 'ZhangSan' })).toEqual(['contains_username']);
    expect(checkPassword('Abc#t01001x', { username: 't01001' })).toEqual(['contains_username']);
  });

  it('ignores usernames shorter than three characters', () => {
    expect(checkPassword('Ab#12345ab', { username: 'ab' })).toEqual([]);
    expect(checkPassword('Abc#12345', { username: 'abc' })).toEqual(['contains_username']);
  });

  it('reports reuse of the current password only when it is given', () => {
    expect(checkPassword('Qiming#2026', { username: 'zhangsan', currentPassword: 'Qiming#2026' })).toEqual(['same_as_current']);
    expect(checkPassword('Qiming#2027', { username: 'zhangsan', currentPassword: 'Qiming#2026' })).toEqual([]);
  });

  it('reports every violation at once, in a stable order', () => {
    expect(checkPassword('admin', { username: 'admin', currentPassword: 'admin' })).toEqual([
      'too_short',
      'too_few_classes',
      'contains_username',
      'same_as_current',
    ]);
  });
});

describe('messages', () => {
  it('has a Chinese message for every violation', () => {
    const all: PasswordViolation[] = ['too_short', 'too_few_classes', 'contains_username', 'same_as_current'];
    for (const v of all) expect(PASSWORD_VIOLATION_MESSAGES[v]).toMatch(/[\u4e00-\u9fff]/);
    expect(PASSWORD_VIOLATION_MESSAGES.too_short).toBe('密码至少需要 8 个字符');
    expect(PASSWORD_VIOLATION_MESSAGES.same_as_current).toBe('新密码不能与当前密码相同');
  });

  it('states the configured minimum length', () => {
    expect(passwordViolationMessage('too_short', 12)).toBe('密码至少需要 12 个字符');
    expect(passwordViolationMessage('same_as_current', 12)).toBe('新密码不能与当前密码相同');
  });
});

describe('generateTemporaryPassword', () => {
  const samples = Array.from({ length: 500 }, () => generateTemporaryPassword());

  it('is 12 characters that satisfy the policy, even at length 12', () => {
    for (const pw of samples) {
      expect(pw).toHaveLength(12);
      expect(checkPassword(pw, { username: 'ab', minLength: 12 })).toEqual([]);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[0-9]/);
      expect(pw).toMatch(/[^a-zA-Z0-9]/);
    }
  });

  it('never uses look-alike characters', () => {
    for (const pw of samples) expect(pw).not.toMatch(/[0Oo1lI]/);
  });

  it('differs between calls', () => {
    expect(new Set(samples).size).toBe(samples.length);
  });
});
