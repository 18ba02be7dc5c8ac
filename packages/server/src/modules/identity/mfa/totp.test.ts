import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, generateTotpSecret, hotp, otpauthUri, timeStep, totp, verifyTotp } from './totp.ts';

// RFC 6238 appendix B: the seeds are ASCII "1234567890" repeated to 20, 32 and 64 bytes
const SEED_SHA1 = Buffer.from('12345678901234567890');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  for (const [seconds, sha1, sha256, sha512] of VECTORS) {
    it(`matches the RFC test vectors at T=${seconds}`, () => {
      const at = seconds * 1000;
      expect(totp(SEED_SHA1, at, { digits: 8 })).toBe(sha1);
      expect(totp(SEED_SHA256, at, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
      expect(totp(SEED_SHA512, at, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
      // the 6-digit code an authenticator shows is the same truncation, modulo 10^6
      expect(totp(SEED_SHA1, at)).toBe(sha1.slice(2));
    });
  }

  it('matches the RFC 4226 HOTP vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, i) => hotp(SEED_SHA1, i))).toEqual(expected);
  });

  it('time steps are 30 seconds from the Unix epoch', () => {
    expect(timeStep(0)).toBe(0);
    expect(timeStep(29_999)).toBe(0);
    expect(timeStep(30_000)).toBe(1);
    expect(timeStep(59_000)).toBe(1);
  });

  it('accepts the current step and one step either side, and says which', () => {
    const at = 1_111_111_111_000;
    const step = timeStep(at);
    expect(verifyTotp(SEED_SHA1, totp(SEED_SHA1, at), at)).toBe(step);
    expect(verifyTotp(SEED_SHA1, totp(SEED_SHA1, at - 30_000), at)).toBe(step - 1);
    expect(verifyTotp(SEED_SHA1, totp(SEED_SHA1, at + 30_000), at)).toBe(step + 1);
    expect(verifyTotp(SEED_SHA1, totp(SEED_SHA1, at - 60_000), at)).toBeNull();
    expect(verifyTotp(SEED_SHA1, totp(SEED_SHA1, at + 60_000), at)).toBeNull();
    expect(verifyTotp(SEED_SHA1, totp(SEED_SHA1, at - 60_000), at, { window: 2 })).toBe(step - 2);
  });

  it('refuses malformed and wrong codes', () => {
    const at = 1_234_567_890_000;
    const good = totp(SEED_SHA1, at);
    for (const bad of [
      '',
      '12345',
      '1234567',
      'abcdef',
      ' 12345',
      `${good} `,
      '１２３４５６',
      String((Number(good) + 1) % 1e6).padStart(6, '0'),
    ])
      expect(verifyTotp(SEED_SHA1, bad, at)).toBeNull();
    expect(verifyTotp(Buffer.from('another secret 12345'), good, at)).toBeNull();
  });
});

describe('base32 (RFC 4648)', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [plain, encoded] of cases) {
    it(`"${plain}" ↔ "${encoded}"`, () => {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    });
  }

  it('decodes what people type: lower case, spaces, dashes, padding', () => {
    expect(base32Decode('mzxw 6ytb-oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow(/base32/);
  });

  it('round-trips a generated 160-bit secret as 32 characters', () => {
    const secret = generateTotpSecret();
    expect(secret).toHaveLength(20);
    const text = base32Encode(secret);
    expect(text).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(text).equals(secret)).toBe(true);
    expect(generateTotpSecret().equals(secret)).toBe(false);
  });
});

describe('otpauth URI', () => {
  it('names the issuer and account, and states SHA1, 6 digits, 30 s', () => {
    const uri = otpauthUri({ issuer: '启明', account: 'city_admin', secret: 'JBSWY3DPEHPK3PXP' });
    expect(uri.startsWith('otpauth://totp/%E5%90%AF%E6%98%8E:city_admin?')).toBe(true);
    const params = new URL(uri).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: '启明',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
