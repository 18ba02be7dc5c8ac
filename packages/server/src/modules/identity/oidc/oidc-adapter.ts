import { sql } from 'kysely';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { prepared, type Db } from '../../../core/db/database.ts';

/** Where oidc-provider's `Client` model comes from: the application registry, not this table. */
export type ClientSource = (clientId: string) => Promise<AdapterPayload | undefined>;

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

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
): new (name: string) => Adapter {
  /*
   * A token exchange reads the code (or refresh token), then the provider session it is bound to,
   * then its grant: three round trips one after the other. The first read brings the other two
   * along (same snapshot), kept for the rest of that request only and handed out once each.
   */
  const prefetched = new WeakMap<object, Map<string, AdapterPayload>>();
  const takePrefetched = (key: string): AdapterPayload | undefined => {
    const request = currentRequest();
    const memo = request && prefetched.get(request);
    const found = memo?.get(key);
    if (found) memo!.delete(key);
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
      }>`
      SELECT t.payload, t.consumed_at, t.grant_id,
        g.payload AS grant_payload, g.consumed_at AS grant_consumed_at,
        s.uid AS session_uid, s.payload AS session_payload, s.consumed_at AS session_consumed_at
      FROM oidc_payloads t
      LEFT JOIN oidc_payloads g ON g.model = 'Grant' AND g.id = t.grant_id AND ${notExpired('g', now)}
      LEFT JOIN oidc_payloads s ON s.model = 'Session' AND s.uid = t.payload->>'sessionUid' AND ${notExpired('s', now)}
      WHERE t.model = ${model} AND t.id = ${id} AND ${notExpired('t', now)}
    `,
      db,
    ).execute(db);
    const row = rows[0];
    if (!row) return undefined;
    const request = currentRequest();
    if (request) {
      const memo = prefetched.get(request) ?? new Map<string, AdapterPayload>();
      if (row.grant_payload && row.grant_id) memo.set(`Grant:id:${row.grant_id}`, toPayload(row.grant_payload, row.grant_consumed_at));
      if (row.session_payload && row.session_uid)
        memo.set(`Session:uid:${row.session_uid}`, toPayload(row.session_payload, row.session_consumed_at));
      prefetched.set(request, memo);
    }
    return toPayload(row.payload, row.consumed_at);
  }

  return class KyselyAdapter implements Adapter {
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
      await prepared(
        sql`
          INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, account_id, expires_at, qiming_session_id)
          VALUES (${row.model}, ${row.id}, ${row.payload}, ${row.grant_id}, ${row.user_code}, ${row.uid}, ${row.account_id}, ${row.expires_at}, ${row.qiming_session_id})
          ON CONFLICT (model, id) DO UPDATE SET
            payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code, uid = excluded.uid,
            account_id = excluded.account_id, expires_at = excluded.expires_at,
            qiming_session_id = coalesce(excluded.qiming_session_id, oidc_payloads.qiming_session_id)
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
     * second exchange of the same code racing the first gets the protocol's invalid_grant.
     */
    async consume(id: string): Promise<void> {
      const res = await prepared(
        sql`UPDATE oidc_payloads SET consumed_at = ${new Date()} WHERE model = ${this.model} AND id = ${id} AND consumed_at IS NULL`,
        db,
      ).execute(db);
      if (Number(res.numAffectedRows ?? 0) === 0) throw new errors.InvalidGrant('grant request is invalid');
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
    }
  };
}

/** Removes artefacts past their expiry (run periodically; reads ignore them already). */
export async function purgeExpiredOidcPayloads(db: Db): Promise<number> {
  const res = await db.deleteFrom('oidc_payloads').where('expires_at', '<', new Date()).executeTakeFirst();
  return Number(res.numDeletedRows);
}
