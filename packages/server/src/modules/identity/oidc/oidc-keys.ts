import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { JWK } from 'oidc-provider';
import type { AppContext } from '../../../core/context.ts';
import type { DbOrTx, Tx } from '../../../core/db/database.ts';

/** The algorithms the provider signs with: RS256 (every client understands it) and ES256. */
const ALGORITHMS = ['RS256', 'ES256'] as const;
/** A retired key stays in the JWKS this long, beyond the lifetime of anything it signed (ID tokens: 1 h). */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 3600_000;
const KEY_LOCK = 7368101;

function generateJwk(alg: (typeof ALGORITHMS)[number]): JWK {
  const { privateKey } =
    alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(6).toString('base64url')}`;
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' };
}

async function insertKeys(tx: Tx, ctx: Pick<AppContext, 'cipher'>): Promise<string[]> {
  const kids: string[] = [];
  for (const alg of ALGORITHMS) {
    const jwk = generateJwk(alg);
    await tx
      .insertInto('oidc_keys')
      .values({ kid: jwk.kid!, alg, jwk_enc: ctx.cipher.encrypt(JSON.stringify(jwk)), created_at: new Date() })
      .execute();
    kids.push(jwk.kid!);
  }
  return kids;
}

/**
 * The provider's signing keys, generated at first start (one process does it, under a lock, when
 * several start at once) and kept encrypted with the field cipher. Active keys come first —
 * oidc-provider signs with the first key of an algorithm — then retired ones still published.
 */
export async function loadSigningKeys(ctx: Pick<AppContext, 'db' | 'cipher'>): Promise<JWK[]> {
  const rows = await ctx.db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${KEY_LOCK})`.execute(tx);
    const active = await tx.selectFrom('oidc_keys').select('kid').where('retired_at', 'is', null).execute();
    if (active.length === 0) await insertKeys(tx, ctx);
    return publishedKeys(tx);
  });
  return rows.map((r) => JSON.parse(ctx.cipher.decrypt(r.jwk_enc)) as JWK);
}

const publishedKeys = (db: DbOrTx) =>
  db
    .selectFrom('oidc_keys')
    .select(['kid', 'jwk_enc', 'retired_at'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .orderBy(sql`retired_at IS NOT NULL`)
    .orderBy('created_at', 'desc')
    .execute();

/** A fingerprint of the published key set: processes compare it to notice a rotation made elsewhere. */
export async function signingKeysVersion(db: DbOrTx): Promise<string> {
  const rows = await publishedKeys(db);
  return rows.map((r) => `${r.kid}:${r.retired_at ? 'r' : 'a'}`).join(',');
}

/** Retires the signing keys in use (they stay published for a day) and makes new ones current. */
export async function rotateSigningKeys(tx: Tx, ctx: Pick<AppContext, 'cipher'>): Promise<{ retired: string[]; created: string[] }> {
  await sql`SELECT pg_advisory_xact_lock(${KEY_LOCK})`.execute(tx);
  const now = new Date();
  const retired = await tx
    .updateTable('oidc_keys')
    .set({ retired_at: now, expires_at: new Date(now.getTime() + RETIRED_KEY_PUBLISHED_MS) })
    .where('retired_at', 'is', null)
    .returning('kid')
    .execute();
  const created = await insertKeys(tx, ctx);
  return { retired: retired.map((r) => r.kid), created };
}

/** The keys as an administrator sees them: never the key material. */
export async function listSigningKeys(db: DbOrTx) {
  const rows = await db
    .selectFrom('oidc_keys')
    .select(['kid', 'alg', 'created_at', 'retired_at', 'expires_at'])
    .orderBy('created_at', 'desc')
    .execute();
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    createdAt: iso(r.created_at)!,
    retiredAt: iso(r.retired_at),
    expiresAt: iso(r.expires_at),
    status: !r.retired_at
      ? ('active' as const)
      : r.expires_at && new Date(r.expires_at) < new Date()
        ? ('expired' as const)
        : ('retired' as const),
  }));
}
