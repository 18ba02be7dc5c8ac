import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  getCiphers,
  getHashes,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * 国密 when this Node's OpenSSL has it (SM3 hash, SM4-CBC + HMAC-SM3, encrypt-then-MAC);
 * otherwise SHA-256 and AES-256-GCM. The chosen algorithms are reported by /api/health and the
 * audit verify result, so an operator can tell which one protects their data.
 */
export const HAS_SM = getHashes().includes('sm3') && getCiphers().includes('sm4-cbc');
export const HASH_ALGORITHM = HAS_SM ? 'sm3' : 'sha256';
export const CIPHER_ALGORITHM = HAS_SM ? 'sm4-cbc+hmac-sm3' : 'aes-256-gcm';

export const hash = (data: string | Buffer): string => createHash(HASH_ALGORITHM).update(data).digest('hex');

export type FieldCipher = {
  encrypt: (plain: string) => string;
  decrypt: (token: string) => string;
  /** A keyed, deterministic digest for exact-match lookup and uniqueness without decrypting. */
  blindIndex: (plain: string) => string;
  /** HMAC for session tokens and other secrets that must be compared, never read back. */
  mac: (data: string) => string;
};

export function createFieldCipher(secretKey: string): FieldCipher {
  const master = Buffer.from(secretKey, 'utf8');
  const derive = (info: string, len: number) => Buffer.from(hkdfSync('sha256', master, 'qiming', info, len));
  const encKey = derive('field-encryption', HAS_SM ? 16 : 32);
  const macKey = derive('field-mac', 32);
  const idxKey = derive('blind-index', 32);
  const tokenKey = derive('token-mac', 32);
  const hmac = (key: Buffer, data: Buffer | string) => createHmac(HASH_ALGORITHM, key).update(data).digest();

  if (HAS_SM) {
    return {
      encrypt(plain) {
        const iv = randomBytes(16);
        const c = createCipheriv('sm4-cbc', encKey, iv);
        const body = Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]);
        return `s1:${Buffer.concat([body, hmac(macKey, body)]).toString('base64url')}`;
      },
      decrypt(token) {
        if (!token.startsWith('s1:')) throw new Error('unknown ciphertext version');
        const raw = Buffer.from(token.slice(3), 'base64url');
        const body = raw.subarray(0, raw.length - 32);
        if (!timingSafeEqual(raw.subarray(raw.length - 32), hmac(macKey, body))) throw new Error('ciphertext failed authentication');
        const d = createDecipheriv('sm4-cbc', encKey, body.subarray(0, 16));
        return Buffer.concat([d.update(body.subarray(16)), d.final()]).toString('utf8');
      },
      blindIndex: (plain) => hmac(idxKey, plain).toString('base64url'),
      mac: (data) => hmac(tokenKey, data).toString('base64url'),
    };
  }
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `a1:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url')}`;
    },
    decrypt(token) {
      if (!token.startsWith('a1:')) throw new Error('unknown ciphertext version');
      const raw = Buffer.from(token.slice(3), 'base64url');
      const d = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
    blindIndex: (plain) => hmac(idxKey, plain).toString('base64url'),
    mac: (data) => hmac(tokenKey, data).toString('base64url'),
  };
}
