import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The instance secret: from QIMING_SECRET_KEY, else generated once into the data folder. Losing it
 * makes encrypted 身份证号 / phone numbers unreadable, so production must set and back it up.
 */
export function resolveSecretKey(configured: string | null, dataDir: string, warn: (msg: string) => void): string {
  if (configured) {
    if (configured.length < 16) throw new Error('QIMING_SECRET_KEY must be at least 16 characters');
    return configured;
  }
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  warn(
    `QIMING_SECRET_KEY is not set: generated one into ${file}. Production must set QIMING_SECRET_KEY (and back it up): without it encrypted personal data cannot be read.`,
  );
  return key;
}
