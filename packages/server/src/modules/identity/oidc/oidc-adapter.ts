import { sql } from 'kysely';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { flushLater, prepared, type Db } from '../../../core/db/database.ts';
import { accountClaimsQuery, claimsFromRow, type AccountClaims, type ClaimsRow } from './oidc-account.ts';

/** Where oidc-provider's `Client` model comes from: the application registry, not this table. */
export type ClientSource = (clientId: string) => Promise<AdapterPayload | undefined>;

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
/** Account ids are user ids; anything else in the column must not fail the cast. */
const UUID_TEXT = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * Models written only by requests that end with an audit record (an authorization code at the
 * authorization endpoint, tokens and the consumption of codes and refresh tokens at the token
 * endpoint), which the provider answers only once that record is committed and flushed. Their own
 * commits need not wait for the disk: the record's flush makes them durable first (see
 * flushLater). Sessions, grants and interactions are written by requests without a record and
 * commit synchronously.
 */
const FLUSHED_BY_AUDIT = new Set(['AuthorizationCode', 'AccessToken', 'RefreshToken']);

/**
 * oidc-provider's storage on Kysely: every model (codes, tokens, grants, sessions, interactions…)
 * in `oidc_payloads`, so that any number of server processes on one PostgreSQL serve one
 * provider. Expired rows are invisible at once and removed by `purgeExpiredOidcPayloads`.
 */
export function kyselyAdapter(
  db: Db,
  clients: ClientSource,
  /** The Qiming session of the request being served, recorded on provider sessions. */
  qimingSession: () => string | null,
  /** An object that lives as long as the request being served (oidc-provider's context), if any. */
  currentRequest: () => object | undefined = () => undefined,
): {
  Adapter: new (name: string) => Adapter;
  /** The claims of an account read along with a code or refresh token in this request (once), if any. */
  takeAccountClaims: (accountId: string) => AccountClaims | null | undefined;
  /**
   * Consumes the code or refresh token this request consumed but wrote nothing after (see
   * `consume`); throws the protocol's InvalidGrant if another request consumed it first. Called
   * before a token answer leaves; a request that fails instead simply drops it.
   */
  settleConsumption: (request: object) => Promise<void>;
} {
  /*
   * A token exchange reads the code (or refresh token), then the provider session it is bound to,
   * then its grant, then the account's claims: four round trips one after the other. The first
   * read brings the other three along (same snapshot), kept for the rest of that request only and
   * handed out once each.
   */
  const prefetched = new WeakMap<object, Map<string, unknown>>();
  const takePrefetched = <T = AdapterPayload>(key: string): T | undefined => {
    const request = currentRequest();
    const memo = request && prefetched.get(request);
    if (!memo?.has(key)) return undefined;
    const found = memo.get(key) as T;
    memo.delete(key);
    return found;
  };
  const notExpired = (alias: string, now: Date) =>
    sql<boolean>`(${sql.ref(`${alias}.expires_at`)} IS NULL OR ${sql.ref(`${alias}.expires_at`)} > ${now})`;
  const toPayload = (payload: unknown, consumedAt: Date | string | null): AdapterPayload => {
    const p = (typeof payload === 'string' ? JSON.parse(payload) : payload) as AdapterPayload;
    return consumedAt ? { ...p, consumed: epoch(new Date(consumedAt)) } : p;
  };

  async function findWithRelated(model: string, id: string): Promise<AdapterPayload | undefined> {
    // expiry by this process's clock, as everywhere in the adapter (upsert sets it from the same clock)
    const now = new Date();
    const { rows } = await prepared(
      sql<{
        payload: unknown;
        consumed_at: Date | null;
        grant_id: string | null;
        grant_payload: unknown;
        grant_consumed_at: Date | null;
        session_uid: string | null;
        session_payload: unknown;
        session_consumed_at: Date | null;
        account_id: string | null;
        claims: ClaimsRow | null;
      }>`
      SELECT t.payload, t.consumed_at, t.grant_id,
        g.payload AS grant_payload, g.consumed_at AS grant_consumed_at,
        s.uid AS session_uid, s.payload AS session_payload, s.consumed_at AS session_consumed_at,
        t.account_id, to_json(c) AS claims
      FROM oidc_payloads t
      LEFT JOIN oidc_payloads g ON g.model = 'Grant' AND g.id = t.grant_id AND ${notExpired('g', now)}
      LEFT JOIN oidc_payloads s ON s.model = 'Session' AND s.uid = t.payload->>'sessionUid' AND ${notExpired('s', now)}
      LEFT JOIN LATERAL (${accountClaimsQuery(sql`(CASE WHEN t.account_id ~ ${UUID_TEXT} THEN t.account_id::uuid END)`)}) c ON true
      WHERE t.model = ${model} AND t.id = ${id} AND ${notExpired('t', now)}
    `,
      db,
    ).execute(db);
    const row = rows[0];
    if (!row) return undefined;
    const request = currentRequest();
    if (request) {
      const memo = prefetched.get(request) ?? new Map<string, unknown>();
      if (row.grant_payload && row.grant_id) memo.set(`Grant:id:${row.grant_id}`, toPayload(row.grant_payload, row.grant_consumed_at));
      if (row.session_payload && row.session_uid)
        memo.set(`Session:uid:${row.session_uid}`, toPayload(row.session_payload, row.session_consumed_at));
      if (row.account_id) memo.set(`Account:${row.account_id}`, claimsFromRow(row.claims));
      prefetched.set(request, memo);
    }
    return toPayload(row.payload, row.consumed_at);
  }

  /*
   * A code (or refresh token) is consumed just before the tokens it pays for are saved: two
   * statements one after the other. The consumption waits for the request's next write of a token
   * and goes in the same statement, which saves the token only if the consumption took; a request
   * that fails in between writes nothing and leaves the code as it was. A request that saves no
   * token after it (a JWT access token is not stored) settles it before answering.
   */
  const pendingConsumption = new WeakMap<object, { model: string; id: string }>();
  const consumeNow = async (model: string, id: string) => {
    const res = await prepared(
      sql`UPDATE oidc_payloads SET consumed_at = ${new Date()} FROM ${flushLater} AS f WHERE model = ${model} AND id = ${id} AND consumed_at IS NULL`,
      db,
    ).execute(db);
    if (Number(res.numAffectedRows ?? 0) === 0) throw new errors.InvalidGrant('grant request is invalid');
  };

  const Adapter = class KyselyAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered in the application registry');
      const row = {
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        user_code: payload.userCode ?? null,
        uid: payload.uid ?? null,
        account_id: payload.accountId ?? null,
        expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
        qiming_session_id: this.model === 'Session' ? qimingSession() : null,
      };
      const values = sql`${row.model}::text, ${row.id}::text, ${row.payload}::jsonb, ${row.grant_id}::text, ${row.user_code}::text,
            ${row.uid}::text, ${row.account_id}::text, ${row.expires_at}::timestamptz, ${row.qiming_session_id}::text`;
      const onConflict = sql`ON CONFLICT (model, id) DO UPDATE SET
            payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code, uid = excluded.uid,
            account_id = excluded.account_id, expires_at = excluded.expires_at,
            qiming_session_id = coalesce(excluded.qiming_session_id, oidc_payloads.qiming_session_id)`;
      const request = FLUSHED_BY_AUDIT.has(this.model) ? currentRequest() : undefined;
      const pending = request && pendingConsumption.get(request);
      if (request && pending) {
        pendingConsumption.delete(request);
        // the consumption and the token in one statement: no consumption, no token
        const res = await prepared(
          sql`
            WITH consumed AS (
              UPDATE oidc_payloads SET consumed_at = ${new Date()}
              WHERE model = ${pending.model} AND id = ${pending.id} AND consumed_at IS NULL
              RETURNING 1
            )
            INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, account_id, expires_at, qiming_session_id)
            SELECT ${values} FROM consumed, ${flushLater} AS f
            ${onConflict}
          `,
          db,
        ).execute(db);
        if (Number(res.numAffectedRows ?? 0) === 0) throw new errors.InvalidGrant('grant request is invalid');
        return;
      }
      const flush = FLUSHED_BY_AUDIT.has(this.model) ? sql`FROM ${flushLater} AS f` : sql``;
      await prepared(
        sql`
          INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, account_id, expires_at, qiming_session_id)
          SELECT ${values} ${flush} WHERE true
          ${onConflict}
        `,
        db,
      ).execute(db);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clients(id);
      if (this.model === 'AuthorizationCode' || this.model === 'RefreshToken') return findWithRelated(this.model, id);
      return takePrefetched(`${this.model}:id:${id}`) ?? this.findBy('id', id);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return takePrefetched(`${this.model}:uid:${uid}`) ?? this.findBy('uid', uid);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findBy('user_code', userCode);
    }

    private async findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      // one text per column (the three lookups oidc-provider makes), each prepared once
      const { rows } = await prepared(
        sql<{ payload: unknown; consumed_at: Date | null }>`
          SELECT payload, consumed_at FROM oidc_payloads
          WHERE model = ${this.model} AND ${sql.ref(column)} = ${value} AND (expires_at IS NULL OR expires_at > ${new Date()})
        `,
        db,
      ).execute(db);
      const row = rows[0];
      return row ? toPayload(row.payload, row.consumed_at) : undefined;
    }

    /**
     * Single use holds across processes: only one caller moves consumed_at from null, and a
     * second exchange of the same code racing the first gets the protocol's invalid_grant. Inside
     * a request, a code's or refresh token's consumption waits for the token it pays for (above).
     */
    async consume(id: string): Promise<void> {
      const request = FLUSHED_BY_AUDIT.has(this.model) ? currentRequest() : undefined;
      if (request && !pendingConsumption.has(request)) {
        pendingConsumption.set(request, { model: this.model, id });
        return;
      }
      await consumeNow(this.model, id);
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
    }
  };
  return {
    Adapter,
    takeAccountClaims: (accountId) => takePrefetched<AccountClaims | null>(`Account:${accountId}`),
    async settleConsumption(request) {
      const pending = pendingConsumption.get(request);
      if (!pending) return;
      pendingConsumption.delete(request);
      await consumeNow(pending.model, pending.id);
    },
  };
}

/** Removes artefacts past their expiry (run periodically; reads ignore them already). */
export async function purgeExpiredOidcPayloads(db: Db): Promise<number> {
  const res = await db.deleteFrom('oidc_payloads').where('expires_at', '<', new Date()).executeTakeFirst();
  return Number(res.numDeletedRows);
}
