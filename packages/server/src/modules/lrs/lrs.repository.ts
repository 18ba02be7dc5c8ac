import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import { serializeStatement, type SerializedStatement, type XapiStatement } from './xapi.ts';

/** Records per insert statement: a parameter of a few megabytes at most. */
const BATCH = 500;

/**
 * The statements grouped into records: one per actor, registration, class, moment and shared
 * members, in the order given (a submitted attempt's answers and its "completed" are one record,
 * its shared members stored once). The records' keys travel as array parameters; their texts
 * (shared members, then the statements' own parts as a JSON array), one after another, as one
 * binary parameter with offsets and lengths — a text array would be escaped character by
 * character on the way (pg's array literal: 0.3 ms for one submission's records). The columns are
 * `text`: the JSON this process wrote is not parsed again on the way in (the `lrs_statements`
 * view parses it where it is read).
 */
function recordsOf(statements: readonly (XapiStatement | SerializedStatement)[]) {
  const groups = new Map<string, SerializedStatement[]>();
  for (const x of statements) {
    const s = 'part' in x ? x : serializeStatement(x);
    const key = `${s.actorId}|${s.registration ?? ''}|${s.classId ?? ''}|${s.timestamp}|${s.shared ?? ''}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const id: string[] = [];
  const actor: string[] = [];
  const registration: (string | null)[] = [];
  const classId: (string | null)[] = [];
  const timestamps: string[] = [];
  const sharedStarts: number[] = [];
  const sharedLengths: (number | null)[] = [];
  const starts: number[] = [];
  const lengths: number[] = [];
  // every text written straight into one buffer (UTF-8 is at most 3 bytes per UTF-16 unit): no
  // joined string to flatten, no second copy
  let capacity = 0;
  for (const g of groups.values()) {
    capacity += (g[0].shared?.length ?? 0) + g.length + 1;
    for (const s of g) capacity += s.part.length;
  }
  const texts = Buffer.allocUnsafe(3 * capacity);
  let bytes = 0;
  for (const g of groups.values()) {
    const first = g[0];
    id.push(first.id);
    actor.push(first.actorId);
    registration.push(first.registration);
    classId.push(first.classId);
    timestamps.push(first.timestamp);
    if (first.shared === null) {
      sharedStarts.push(0);
      sharedLengths.push(null);
    } else {
      sharedStarts.push(bytes + 1);
      const n = texts.write(first.shared, bytes);
      sharedLengths.push(n);
      bytes += n;
    }
    starts.push(bytes + 1);
    const start = bytes;
    for (let i = 0; i < g.length; i++) {
      texts[bytes++] = i ? 0x2c : 0x5b; // , or [
      bytes += texts.write(g[i].part, bytes);
    }
    texts[bytes++] = 0x5d; // ]
    lengths.push(bytes - start);
  }
  return {
    id,
    actor,
    registration,
    classId,
    timestamps,
    sharedStarts,
    sharedLengths,
    starts,
    lengths,
    texts: texts.subarray(0, bytes),
  };
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
    INSERT INTO lrs_records (id, actor_id, registration, class_id, "timestamp", shared, statements)
    SELECT id, actor_id, registration, class_id, ts,
      convert_from(substring(b.texts FROM shared_start FOR shared_length), 'UTF8'),
      convert_from(substring(b.texts FROM start FOR length), 'UTF8')
    FROM (SELECT ${r.texts}::bytea AS texts) AS b, unnest(${r.id}::uuid[], ${r.actor}::uuid[], ${r.registration}::uuid[], ${r.classId}::uuid[],
      ${r.timestamps}::timestamptz[], ${r.sharedStarts}::integer[], ${r.sharedLengths}::integer[], ${r.starts}::integer[],
      ${r.lengths}::integer[]) AS r(id, actor_id, registration, class_id, ts, shared_start, shared_length, start, length)
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
