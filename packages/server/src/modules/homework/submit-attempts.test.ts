import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTx } from '../../core/db/database.ts';
import { createSession, loadActor } from '../../core/auth/session.ts';
import type { AuthedContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { buildStudent } from '../org/org.factory.ts';
import { saveResponses, startAttempt } from './attempts.service.ts';
import { gradeAndCloseIfUnchanged } from './grade-and-close.ts';
import * as repo from './homework.repository.ts';
import { cachedAssignment } from './snapshot-cache.ts';
import { buildStandardPaper, someKnowledgePoints } from './homework.factory.ts';
import { submitAttempt } from './submit-attempts.ts';

/*
 * Submits that arrive together are written together (group commit). These tests queue many at
 * once, so that they share batches, and check that each still gets exactly its own answer.
 */

let t: TestApp;
let std: Awaited<ReturnType<typeof buildStandardPaper>>;
let pupils: AuthedContext[];
let assignmentId: string;

const answers = (kind: 'right' | 'wrong') => Object.fromEntries(std.items.map((i) => [i.id, i[kind]]));

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const unit = (id: string) => db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const [school, classA1] = [await unit(t.world.units.schoolA), await unit(t.world.units.classA1)];
  std = await buildStandardPaper({ db }, school, await someKnowledgePoints(db, 3));
  const f = { db, cipher: t.ctx.cipher, passwordHash: 'not-used: these pupils get their sessions directly' };
  const built = [];
  for (let i = 0; i < 13; i++) built.push(await buildStudent(f, classA1, school, { name: `批量学生${i}`, studentNo: `BATCH${i}` }));
  const teacher = await t.as('teacher_a1', 'teacher');
  const hour = 3600_000;
  const res = await teacher.post('/api/assignments', {
    title: '同时提交',
    paperId: std.paper.id,
    classIds: [t.world.units.classA1],
    opensAt: new Date(Date.now() - hour).toISOString(),
    closesAt: new Date(Date.now() + hour).toISOString(),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  assignmentId = res.body.id;
  pupils = [];
  for (const u of built) {
    const { token } = await createSession(t.ctx, db, { userId: u.id, activeRole: 'student', ip: null, userAgent: 'test' });
    pupils.push({ ...t.ctx, actor: (await loadActor(t.ctx, token))!, ip: null, requestId: 'test' });
  }
});
afterAll(async () => {
  await t?.close();
});

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
const code = (r: { ok: boolean; error?: unknown }) => (r.ok ? 'ok' : r.error instanceof AppError ? r.error.code : String(r.error));

describe('submits written together', () => {
  it('a submit whose attempt changed after the batch read it writes nothing, then goes through under the lock', async () => {
    const p = pupils[12];
    const attempt = await startAttempt(p, assignmentId);
    const [first, second] = std.items;
    // the batch reads the attempt (no lock) …
    const read = (await repo.lockAttemptsWithContext(t.ctx.db, [attempt.id], { lock: false })).get(attempt.id)!;
    // … an autosave from another tab lands in between …
    await saveResponses(p, attempt.id, { [second.id]: second.wrong });
    // … so the batch's write closes nothing and records nothing
    const a = (await cachedAssignment(t.ctx.db, assignmentId))!;
    const user = { id: p.actor.userId, name: p.actor.displayName };
    const stale = { a, locked: read, user, latest: { [first.id]: first.right }, submitKey: 'stale-key-00001', now: new Date() };
    expect(await gradeAndCloseIfUnchanged(t.ctx.db, [stale])).toEqual([null]);
    const statements = () => t.ctx.db.selectFrom('lrs_statements').select('verb').where('registration', '=', attempt.id).execute();
    expect((await statements()).map((s) => s.verb)).toEqual(['http://adlnet.gov/expapi/verbs/attempted']);
    const graded = await t.ctx.db
      .selectFrom('hw_responses')
      .select('item_key')
      .where('attempt_id', '=', attempt.id)
      .where('score', 'is not', null)
      .execute();
    expect(graded).toEqual([]);
    // the submit itself reads again and grades with the autosaved answer too
    const done = await submitAttempt(p, attempt.id, { submitKey: 'fresh-key-00001', responses: { [first.id]: first.right } });
    expect(done.status).not.toBe('in_progress');
    expect(done.items.find((i) => i.key === second.id)?.response).toEqual(second.wrong);
    expect(await statements()).toHaveLength(1 + std.items.length + 1);
  });

  it('each of many simultaneous submits gets its own result; a bad one fails alone', async () => {
    const attempts = await Promise.all(pupils.slice(0, 12).map((p) => startAttempt(p, assignmentId)));
    const [thief, badShape, twice, ...rest] = pupils.slice(0, 12).map((p, i) => ({ p, attempt: attempts[i] }));
    const jobs = [
      // pupil 0 tries to submit pupil 1's attempt: not theirs, as if it did not exist
      settle(submitAttempt(thief.p, badShape.attempt.id, { submitKey: 'thief-key-00001', responses: answers('right') })),
      // an answer of the wrong shape: refused, the attempt stays open
      settle(
        submitAttempt(badShape.p, badShape.attempt.id, { submitKey: 'shape-key-00001', responses: { [std.items[0].id]: { nope: 1 } } }),
      ),
      // the same submit twice (a retry): one grading, the same answer twice; another key: refused
      settle(submitAttempt(twice.p, twice.attempt.id, { submitKey: 'twice-key-00001', responses: answers('right') })),
      settle(submitAttempt(twice.p, twice.attempt.id, { submitKey: 'twice-key-00001', responses: answers('right') })),
      settle(submitAttempt(twice.p, twice.attempt.id, { submitKey: 'other-key-00001', responses: answers('right') })),
      ...rest.map(({ p, attempt }, i) =>
        settle(
          submitAttempt(p, attempt.id, {
            submitKey: `rest-key-${String(i).padStart(6, '0')}`,
            responses: answers(i % 2 ? 'right' : 'wrong'),
          }),
        ),
      ),
    ];
    const results = await Promise.all(jobs);
    expect(results.map(code)).toEqual(['NOT_FOUND', 'RESPONSE_INVALID', 'ok', 'ok', 'ATTEMPT_NOT_OPEN', ...rest.map(() => 'ok')]);
    const ok = (i: number) =>
      (results[i] as { ok: true; value: { id: string; score: number | null; status: string; userId?: string } }).value;
    expect(ok(2).score).toBe(ok(3).score);
    rest.forEach(({ attempt }, i) => {
      const r = ok(5 + i);
      expect(r.id).toBe(attempt.id);
      // right: everything but the essay, which waits for the teacher (10 of 20); the standard wrong
      // answers still earn one item's partial credit (2)
      expect(r).toMatchObject({ status: 'submitted', score: i % 2 ? 10 : 2, pendingManual: 1 });
    });

    const rows = await t.ctx.db
      .selectFrom('hw_attempts')
      .select(['id', 'status', 'score', 'submit_key'])
      .where('assignment_id', '=', assignmentId)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(badShape.attempt.id)).toMatchObject({ status: 'in_progress', score: null });
    expect(byId.get(twice.attempt.id)).toMatchObject({ status: 'submitted', submit_key: 'twice-key-00001' });
    const completed = await t.ctx.db
      .selectFrom('lrs_statements')
      .select(['registration'])
      .where('verb', 'like', '%completed')
      .where(
        'registration',
        'in',
        attempts.map((a) => a.id),
      )
      .execute();
    // one completed statement per closed attempt: the thief's and the bad shape's attempts are still open
    expect(completed).toHaveLength(attempts.length - 2);
    expect(new Set(completed.map((c) => c.registration)).size).toBe(attempts.length - 2);
    // every wrong answer of the wrong-answering pupils is in their own 错题本, nobody else's
    const wrong = await t.ctx.db
      .selectFrom('hw_wrong_items')
      .select(['user_id'])
      .where(
        'user_id',
        'in',
        pupils.slice(0, 12).map((p) => p.actor.userId),
      )
      .execute();
    const wrongUsers = new Set(wrong.map((w) => w.user_id));
    rest.forEach(({ p }, i) => expect(wrongUsers.has(p.actor.userId)).toBe(i % 2 === 0));
    // the pupil whose answer was refused can still submit it properly
    const again = await submitAttempt(badShape.p, badShape.attempt.id, { submitKey: 'shape-key-00002', responses: answers('right') });
    expect(again).toMatchObject({ status: 'submitted', score: 10 });
  });
});

describe("an answer's attempt (checked once per statement)", () => {
  const row = (attemptId: string, itemKey: string) => ({
    attempt_id: attemptId,
    item_key: itemKey,
    item_id: std.items[0].id,
    response: JSON.stringify({ choice: 'A' }),
    saved_at: new Date(),
    max_score: 1,
  });
  const sqlState = async (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );

  // an attempt written directly (the pupils of this file have used their attempts)
  const anAttempt = async (p: AuthedContext, attemptNo: number) => {
    const id = randomUUID();
    const now = new Date();
    await t.ctx.db
      .insertInto('hw_attempts')
      .values({
        id,
        assignment_id: assignmentId,
        user_id: p.actor.userId,
        attempt_no: attemptNo,
        status: 'submitted',
        seed: 1,
        item_order: JSON.stringify(std.items.map((i) => i.id)),
        started_at: now,
        deadline_at: now,
        submitted_at: now,
        max_score: 10,
      })
      .execute();
    return { id };
  };

  it('an answer of an attempt that does not exist is refused, with the others of its statement', async () => {
    const attempt = await anAttempt(pupils[11], 90);
    const missing = '00000000-0000-4000-8000-00000000dead';
    const insert = (rows: ReturnType<typeof row>[]) => t.ctx.db.insertInto('hw_responses').values(rows).execute();
    expect(await sqlState(insert([row(attempt.id, 'k1'), row(missing, 'k1')]))).toBe('23503');
    expect(await sqlState(insert([row(missing, 'k2')]))).toBe('23503');
    const kept = await t.ctx.db.selectFrom('hw_responses').select('item_key').where('attempt_id', 'in', [attempt.id, missing]).execute();
    expect(kept).toEqual([]);
    expect(await sqlState(insert([row(attempt.id, 'k1'), row(attempt.id, 'k2')]))).toBe('ok');
    // an answer never moves to another attempt
    const other = await anAttempt(pupils[10], 91);
    const move = t.ctx.db.updateTable('hw_responses').set({ attempt_id: other.id }).where('attempt_id', '=', attempt.id).execute();
    expect(await sqlState(move)).toBe('23503');
    // deleting an attempt deletes its answers
    await t.ctx.db.deleteFrom('hw_attempts').where('id', '=', attempt.id).execute();
    const left = await t.ctx.db.selectFrom('hw_responses').select('item_key').where('attempt_id', '=', attempt.id).execute();
    expect(left).toEqual([]);
  });

  it('emptying the attempts empties the answers, alone or named together (then rolled back)', async () => {
    const answers = (db: DbOrTx) => db.selectFrom('hw_responses').select('attempt_id').execute();
    expect((await answers(t.ctx.db)).length).toBeGreaterThan(0);
    for (const statement of [sql`TRUNCATE hw_attempts`, sql`TRUNCATE hw_responses, hw_attempts`]) {
      const rolledBack = t.ctx.db.transaction().execute(async (tx) => {
        await statement.execute(tx);
        expect(await answers(tx)).toEqual([]);
        throw new Error('roll back');
      });
      await expect(rolledBack).rejects.toThrow('roll back');
    }
    expect((await answers(t.ctx.db)).length).toBeGreaterThan(0);
  });
});
