import { sql } from 'kysely';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Db } from '../../../core/db/database.ts';

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
): new (name: string) => Adapter {
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
      await db
        .insertInto('oidc_payloads')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['model', 'id']).doUpdateSet({
            payload: row.payload,
            grant_id: row.grant_id,
            user_code: row.user_code,
            uid: row.uid,
            account_id: row.account_id,
            expires_at: row.expires_at,
            qiming_session_id: sql<string | null>`coalesce(excluded.qiming_session_id, oidc_payloads.qiming_session_id)`,
          }),
        )
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clients(id);
      return this.findBy('id', id);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findBy('uid', uid);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findBy('user_code', userCode);
    }

    private async findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at'])
        .where('model', '=', this.model)
        .where(column, '=', value)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
        .executeTakeFirst();
      if (!row) return undefined;
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as AdapterPayload;
      return row.consumed_at ? { ...payload, consumed: epoch(new Date(row.consumed_at)) } : payload;
    }

    /**
     * Single use holds across processes: only one caller moves consumed_at from null, and a
     * second exchange of the same code racing the first gets the protocol's invalid_grant.
     */
    async consume(id: string): Promise<void> {
      const res = await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: new Date() })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new errors.InvalidGrant('grant request is invalid');
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
