import { describe, expect, it } from 'vitest';
import { CIPHER_ALGORITHM, createFieldCipher, HAS_SM, hash } from './crypto.ts';

describe('field cipher', () => {
  const cipher = createFieldCipher('test-key-0123456789');

  it('uses 国密 on this Node', () => {
    expect(HAS_SM).toBe(true);
    expect(CIPHER_ALGORITHM).toBe('sm4-cbc+hmac-sm3');
    expect(hash('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('round-trips Chinese and ID numbers with a fresh IV each time', () => {
    const a = cipher.encrypt('370202201503041234');
    const b = cipher.encrypt('370202201503041234');
    expect(a).not.toBe(b);
    expect(a).not.toContain('370202');
    expect(cipher.decrypt(a)).toBe('370202201503041234');
    expect(cipher.decrypt(cipher.encrypt('张三 13812345678'))).toBe('张三 13812345678');
  });

  it('refuses tampered ciphertext', () => {
    const token = cipher.encrypt('13812345678');
    const raw = Buffer.from(token.slice(3), 'base64url');
    raw[20] ^= 1;
    expect(() => cipher.decrypt(`s1:${raw.toString('base64url')}`)).toThrow(/authentication/);
  });

  it('refuses ciphertext made with another key', () => {
    const other = createFieldCipher('another-key-987654321');
    expect(() => other.decrypt(cipher.encrypt('x'))).toThrow();
  });

  it('gives a stable keyed blind index', () => {
    expect(cipher.blindIndex('13812345678')).toBe(cipher.blindIndex('13812345678'));
    expect(cipher.blindIndex('13812345678')).not.toBe(createFieldCipher('k2-abcdefghijk').blindIndex('13812345678'));
  });
});
