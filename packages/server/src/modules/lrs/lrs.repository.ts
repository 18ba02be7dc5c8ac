import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import { serializeStatement, type SerializedStatement, type XapiStatement } from './xapi.ts';

/** Records per insert statement: a parameter of a few megabytes at most. */
const BATCH = 500;

/**
 * The statements grouped into records: one per actor, registration, class and moment, in the
 * order given (a submitted attempt's answers and its "completed" are one record). The records'
 * keys travel as array parameters; their statements' JSON texts, one after another, as one
 * binary parameter with each record's offset and length — a text array would be escaped
 * character by character on the way (pg's array literal: 0.3 ms for one submission's records).
 * The column is `text`: the JSON this process wrote is not parsed again on the way in (the
 * `lrs_statements` view parses it where it is read).
 */
function recordsOf(statements: readonly (XapiStatement | SerializedStatement)[]) {
  const groups = new Map<string, SerializedStatement[]>();
  for (const x of statements) {
    const s = 'json' in x ? x : serializeStatement(x);
    const key = `${s.actorId}|${s.registration ?? ''}|${s.classId ?? ''}|${s.timestamp}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const id: string[] = [];
  const actor: string[] = [];
  const registration: (string | null)[] = [];
  const classId: (string | null)[] = [];
  const timestamps: string[] = [];
  const starts: number[] = [];
  const lengths: number[] = [];
  const texts: Buffer[] = [];
  let bytes = 0;
  for (const g of groups.values()) {
    const first = g[0];
    id.push(first.id);
    actor.push(first.actorId);
    registration.push(first.registration);
    classId.push(first.classId);
    timestamps.push(first.timestamp);
    let json = '[';
    for (let i = 0; i < g.length; i++) json += (i ? ',' : '') + g[i].json;
    const text = Buffer.from(json + ']');
    starts.push(bytes + 1);
    lengths.push(text.length);
    bytes += text.length;
    texts.push(text);
  }
  return { id, actor, registration, classId, timestamps, starts, lengths, texts: Buffer.concat(texts, bytes) };
}

/**
 * The INSERT of statements as records, to run alone or as a data-modifying CTE of a larger
 * statement; with `registrationIn`, only the records whose registration (attempt) is in that
 * subquery's result are written (the attempts a batch actually closed).
 */
export function statementsInsert(
  statements: readonly (XapiStatement | SerializedStatement)[],
  registrationIn?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const r = recordsOf(statements);
  return sql`
    INSERT INTO lrs_records (id, actor_id, registration, class_id, "timestamp", statements)
    SELECT id, actor_id, registration, class_id, ts, convert_from(substring(${r.texts}::bytea FROM start FOR length), 'UTF8')
    FROM unnest(${r.id}::uuid[], ${r.actor}::uuid[], ${r.registration}::uuid[], ${r.classId}::uuid[],
      ${r.timestamps}::timestamptz[], ${r.starts}::integer[], ${r.lengths}::integer[]) AS r(id, actor_id, registration, class_id, ts, start, length)
    ${registrationIn ? sql`WHERE registration IN (${registrationIn})` : sql``}`;
}

/**
 * Stores statements inside the caller's transaction: the record of an answer or grade exists
 * exactly when the answer or grade does.
 */
export async function insertStatements(tx: DbOrTx, statements: readonly (XapiStatement | SerializedStatement)[]): Promise<void> {
  for (let i = 0; i < statements.length; i += BATCH) await statementsInsert(statements.slice(i, i + BATCH)).execute(tx);
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
