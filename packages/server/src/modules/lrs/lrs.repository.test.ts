import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/db/database.ts';
import { createTestDatabase } from '../../testing/test-db.ts';
import { insertStatements, listStatements } from './lrs.repository.ts';
import { buildStatement, scoreOf, serializeStatements, statementOf } from './xapi.ts';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('learning records', () => {
  it('statements stored together (shared members once) and one by one read back whole through lrs_statements', async () => {
    const db = database.db;
    const at = new Date('2026-12-07T03:00:00.000Z');
    const actor = { userId: '00000000-0000-4000-8000-0000000000a1', name: '王小红' };
    const registration = '00000000-0000-4000-8000-0000000000b1';
    const common = {
      actor,
      registration,
      assignmentId: '00000000-0000-4000-8000-0000000000c1',
      classId: '00000000-0000-4000-8000-0000000000d1',
      schoolId: '00000000-0000-4000-8000-0000000000e1',
      timestamp: at,
    };
    const together = serializeStatements(common, [
      {
        verb: 'answered',
        object: { kind: 'item', id: 'i1', interactionType: 'choice' },
        result: { score: scoreOf(2, 2), success: true, completion: true, response: 'A' },
      },
      { verb: 'answered', object: { kind: 'item', id: 'i2', interactionType: 'numeric' }, result: { completion: true, response: '' } },
      { verb: 'completed', object: { kind: 'assignment', id: common.assignmentId, name: '今日作业' }, result: { duration: 'PT3S' } },
    ]);
    const alone = buildStatement({
      verb: 'attempted',
      actor,
      object: { kind: 'assignment', id: common.assignmentId, name: '今日作业' },
      registration,
      classId: common.classId,
      timestamp: new Date(at.getTime() - 60_000),
    });
    await insertStatements(db, [alone, ...together]);

    const records = await db.selectFrom('lrs_records').select(['id', 'shared']).where('registration', '=', registration).execute();
    expect(records).toHaveLength(2);
    expect(records.find((r) => r.id === together[0].id)?.shared).toBe(together[0].shared);
    expect(records.find((r) => r.id === alone.id)?.shared).toBeNull();

    const rows = await db
      .selectFrom('lrs_statements')
      .select(['id', 'verb', 'object_id', 'score_scaled', 'class_id', 'statement'])
      .where('registration', '=', registration)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const s of [alone, ...together.map(statementOf)]) {
      const row = byId.get(s.id)!;
      expect(row.statement).toEqual(s);
      expect(row).toMatchObject({ verb: s.verb.id, object_id: s.object.id, class_id: common.classId });
    }
    expect(byId.get(together[0].id)?.score_scaled).toBe(1);
    // the assignment's statement has no parent; an item's has its assignment
    expect(statementOf(together[2]).context?.contextActivities?.parent).toBeUndefined();
    expect(statementOf(together[0]).context?.contextActivities?.parent).toEqual([{ id: `urn:qiming:assignment:${common.assignmentId}` }]);
    const listed = await listStatements(db, { registration, verb: 'http://adlnet.gov/expapi/verbs/answered' });
    expect(listed.map((s) => s.id).sort()).toEqual([together[0].id, together[1].id].sort());
  });
});
