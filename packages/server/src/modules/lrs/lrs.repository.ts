import { sql } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import type { XapiStatement } from './xapi.ts';

const BATCH = 1000;

/**
 * Stores statements inside the caller's transaction, in multi-row inserts: the record of an
 * answer or grade exists exactly when the answer or grade does. The rows travel as one JSON
 * parameter (`jsonb_to_recordset`), so a batch of hundreds of statements costs one string to
 * build and one parameter to send rather than ten per statement.
 */
export async function insertStatements(tx: DbOrTx, statements: readonly XapiStatement[]): Promise<void> {
  for (let i = 0; i < statements.length; i += BATCH) {
    const rows = statements.slice(i, i + BATCH).map((s) => ({
      id: s.id,
      actor_id: s.actor.account.name,
      verb: s.verb.id,
      object_id: s.object.id,
      registration: s.context?.registration ?? null,
      class_id: classIdOf(s),
      score_scaled: s.result?.score?.scaled ?? null,
      success: s.result?.success ?? null,
      timestamp: s.timestamp,
      statement: s,
    }));
    await sql`
      INSERT INTO lrs_statements (id, actor_id, verb, object_id, registration, class_id, score_scaled, success, "timestamp", statement)
      SELECT id, actor_id, verb, object_id, registration, class_id, score_scaled, success, "timestamp", statement
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
        id uuid, actor_id uuid, verb text, object_id text, registration uuid, class_id uuid,
        score_scaled double precision, success boolean, "timestamp" timestamptz, statement jsonb)`.execute(tx);
  }
}

const CLASS_PREFIX = 'urn:qiming:class:';
function classIdOf(s: XapiStatement): string | null {
  const g = s.context?.contextActivities?.grouping?.find((a) => a.id.startsWith(CLASS_PREFIX));
  return g ? g.id.slice(CLASS_PREFIX.length) : null;
}

export type StatementQuery = { actorId?: string; registration?: string; verb?: string; since?: Date; limit?: number };

/** Statements newest first, filtered like the xAPI statements resource (agent, registration, verb, since). */
export async function listStatements(db: DbOrTx, q: StatementQuery): Promise<XapiStatement[]> {
  let query = db
    .selectFrom('lrs_statements')
    .select('statement')
    .orderBy('timestamp', 'desc')
    .orderBy('id')
    .limit(q.limit ?? 100);
  if (q.actorId) query = query.where('actor_id', '=', q.actorId);
  if (q.registration) query = query.where('registration', '=', q.registration);
  if (q.verb) query = query.where('verb', '=', q.verb);
  if (q.since) query = query.where('timestamp', '>', q.since);
  return (await query.execute()).map((r) => r.statement as XapiStatement);
}
