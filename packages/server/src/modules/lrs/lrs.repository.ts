import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import type { XapiStatement } from './xapi.ts';

/** Records per insert statement: a parameter of a few megabytes at most. */
const BATCH = 500;

/**
 * The statements grouped into records: one per actor, registration, class and moment, in the
 * order given (a submitted attempt's answers and its "completed" are one record). The records'
 * keys travel as array parameters; their statements' JSON texts, one after another, as one
 * binary parameter with each record's offset and length — a text array would be escaped
 * character by character on the way (pg's array literal: 0.3 ms for one submission's records),
 * and the `json` column keeps the text as it is.
 */
function recordsOf(statements: readonly XapiStatement[]) {
  const groups = new Map<string, XapiStatement[]>();
  for (const s of statements) {
    const key = `${s.actor.account.name}|${s.context?.registration ?? ''}|${classIdOf(s) ?? ''}|${s.timestamp}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const columns = { id: [] as string[], actor: [] as string[], registration: [] as (string | null)[], classId: [] as (string | null)[] };
  const timestamps: string[] = [];
  const starts: number[] = [];
  const lengths: number[] = [];
  let text = '';
  let bytes = 0;
  for (const g of groups.values()) {
    const first = g[0];
    columns.id.push(first.id);
    columns.actor.push(first.actor.account.name);
    columns.registration.push(first.context?.registration ?? null);
    columns.classId.push(classIdOf(first));
    timestamps.push(first.timestamp);
    const json = JSON.stringify(g);
    const length = Buffer.byteLength(json);
    starts.push(bytes + 1);
    lengths.push(length);
    bytes += length;
    text += json;
  }
  return { ...columns, timestamps, starts, lengths, texts: Buffer.from(text) };
}

/**
 * The INSERT of statements as records, to run alone or as a data-modifying CTE of a larger
 * statement; with `registrationIn`, only the records whose registration (attempt) is in that
 * subquery's result are written (the attempts a batch actually closed).
 */
export function statementsInsert(statements: readonly XapiStatement[], registrationIn?: RawBuilder<unknown>): RawBuilder<unknown> {
  const r = recordsOf(statements);
  return sql`
    INSERT INTO lrs_records (id, actor_id, registration, class_id, "timestamp", statements)
    SELECT id, actor_id, registration, class_id, ts, convert_from(substring(${r.texts}::bytea FROM start FOR length), 'UTF8')::json
    FROM unnest(${r.id}::uuid[], ${r.actor}::uuid[], ${r.registration}::uuid[], ${r.classId}::uuid[],
      ${r.timestamps}::timestamptz[], ${r.starts}::integer[], ${r.lengths}::integer[]) AS r(id, actor_id, registration, class_id, ts, start, length)
    ${registrationIn ? sql`WHERE registration IN (${registrationIn})` : sql``}`;
}

/**
 * Stores statements inside the caller's transaction: the record of an answer or grade exists
 * exactly when the answer or grade does.
 */
export async function insertStatements(tx: DbOrTx, statements: readonly XapiStatement[]): Promise<void> {
  for (let i = 0; i < statements.length; i += BATCH) await statementsInsert(statements.slice(i, i + BATCH)).execute(tx);
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
