import { describe, expect, it } from 'vitest';
import {
  buildStatement,
  isoDuration,
  responseString,
  scoreOf,
  serializeStatement,
  serializeStatements,
  statementOf,
  VERBS,
  type StatementInput,
} from './xapi.ts';

describe('xAPI statements', () => {
  it('an answered statement has actor account, ADL verb, item activity, result and context', () => {
    const s = buildStatement({
      verb: 'answered',
      actor: { userId: 'u1', name: '张小明' },
      object: { kind: 'item', id: 'i1', interactionType: 'choice' },
      result: { score: scoreOf(2, 4), success: false, response: responseString(['B']) },
      registration: '7d1f0d2e-0000-4000-8000-000000000001',
      assignmentId: 'a1',
      classId: 'c1',
      schoolId: 's1',
      timestamp: new Date('2026-12-01T08:00:00Z'),
    });
    expect(s).toMatchObject({
      version: '1.0.3',
      actor: { objectType: 'Agent', name: '张小明', account: { homePage: 'urn:qiming', name: 'u1' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: {
        objectType: 'Activity',
        id: 'urn:qiming:item:i1',
        definition: { type: 'http://adlnet.gov/expapi/activities/cmi.interaction', interactionType: 'choice' },
      },
      result: { score: { raw: 2, min: 0, max: 4, scaled: 0.5 }, success: false, response: 'B' },
      context: {
        registration: '7d1f0d2e-0000-4000-8000-000000000001',
        contextActivities: {
          parent: [{ id: 'urn:qiming:assignment:a1' }],
          grouping: [{ id: 'urn:qiming:class:c1' }, { id: 'urn:qiming:school:s1' }],
        },
      },
      timestamp: '2026-12-01T08:00:00.000Z',
    });
    expect(s.id).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('every verb is an ADL IRI', () => {
    for (const v of Object.values(VERBS)) expect(v.id).toMatch(/^http:\/\/adlnet\.gov\/expapi\/verbs\/\w+$/);
  });
  it('a completed assignment statement has no parent, and no empty context', () => {
    const s = buildStatement({ verb: 'completed', actor: { userId: 'u' }, object: { kind: 'assignment', id: 'a' }, assignmentId: 'a' });
    expect(s.object.definition?.type).toBe('http://adlnet.gov/expapi/activities/assessment');
    expect(s.context).toBeUndefined();
    expect(s.actor.name).toBeUndefined();
  });
  it('scaled score is clamped and zero for a zero maximum', () => {
    expect(scoreOf(3, 2).scaled).toBe(1);
    expect(scoreOf(1, 0).scaled).toBe(0);
    expect(scoreOf(1, 3).scaled).toBe(0.3333);
  });
  it('response strings and durations', () => {
    expect(responseString(['A', 'C'])).toBe('A[,]C');
    expect(responseString(null)).toBe('');
    expect(responseString({ blanks: ['1'] })).toBe('{"blanks":["1"]}');
    expect(responseString('x'.repeat(3000))).toHaveLength(2000);
    expect(isoDuration(12_345)).toBe('PT12.3S');
  });
  it('statements serialized straight to text are, shared members and own, exactly the statements of buildStatement', () => {
    const at = new Date('2026-12-07T01:02:03.456Z');
    const commons: Omit<StatementInput, 'verb' | 'object' | 'result'>[] = [
      {
        actor: { userId: 'u1', name: '张小明 "小明"' },
        registration: 'r1',
        assignmentId: 'a1',
        classId: 'c1',
        schoolId: 's1',
        timestamp: at,
      },
      { actor: { userId: 'u2' }, timestamp: at },
      {
        actor: { userId: 'u3', name: '李老师的学生' },
        registration: 'r3',
        instructor: { userId: 't1', name: '李老师' },
        classId: '',
        timestamp: at,
      },
      { actor: { userId: 'u4' }, assignmentId: 'a4', extensions: { 'urn:qiming:ext:attempt-no': 2 }, schoolId: 's4', timestamp: at },
      // an item's context (its assignment as parent) but none for the assignment's own statements
      { actor: { userId: 'u5' }, assignmentId: 'a5', timestamp: at },
    ];
    const parts: Pick<StatementInput, 'verb' | 'object' | 'result'>[] = [
      {
        verb: 'answered',
        object: { kind: 'item', id: 'i1', interactionType: 'choice' },
        result: { score: scoreOf(1, 2), success: false, completion: true, response: '{"choice":"\\B"}', extensions: { x: true } },
      },
      { verb: 'scored', object: { kind: 'item', id: 'i2', interactionType: 'long-fill-in' }, result: { completion: true, response: '' } },
      { verb: 'completed', object: { kind: 'assignment', id: 'a1', name: '今日作业' }, result: { duration: 'PT3S' } },
      { verb: 'attempted', object: { kind: 'assignment', id: 'a1', name: '今日作业' } },
      { verb: 'answered', object: { kind: 'item', id: 'i1', interactionType: 'choice' } },
    ];
    for (const common of commons)
      for (const some of [parts, parts.slice(0, 2), parts.slice(2, 4)]) {
        const fast = serializeStatements(common, some);
        fast.forEach((f, i) => {
          const slow = { ...buildStatement({ ...common, ...some[i] }), id: f.id };
          expect(statementOf(f)).toEqual(slow);
          // what is shared is stored once per record, and merged under each statement's own members
          expect(f.shared).toBe(fast[0].shared);
          expect(Object.keys(JSON.parse(f.shared!)).every((k) => ['version', 'actor', 'context', 'timestamp'].includes(k))).toBe(true);
          expect(Object.keys(JSON.parse(f.part)).every((k) => ['id', 'verb', 'object', 'result', 'context'].includes(k))).toBe(true);
          const { shared: _shared, part: _part, ...keys } = serializeStatement(slow);
          expect(f).toMatchObject(keys);
        });
        expect(new Set(fast.map((f) => f.id)).size).toBe(some.length);
      }
  });
});
