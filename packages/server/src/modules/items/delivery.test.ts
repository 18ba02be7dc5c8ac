import { gradeResponse, presentItemForPupil } from '@qiming/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { drawRandomItems, findSimilarItems, getItemVersions, getPaperForDelivery } from './delivery.ts';
import { buildBank, buildItem, buildPaper, sampleItem } from './items.factory.ts';
import { knowledgePointId } from './knowledge-points.ts';
import { addItemVersion } from './items.repository.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const kp = (code: string) => knowledgePointId(code);
const unit = async (id: string) => t.ctx.db.selectFrom('org_units').select(['id', 'path']).where('id', '=', id).executeTakeFirstOrThrow();

describe('the contract other modules use', () => {
  it('getPaperForDelivery: pinned versions with the paper’s scores, graded out of them', async () => {
    const school = await unit(t.world.units.schoolA);
    const bank = await buildBank({ db: t.ctx.db }, { owner: school });
    const item = await buildItem(
      { db: t.ctx.db },
      { bankId: bank.id, content: sampleItem({ answer: '1/2', stem: '一半是多少？', score: 5 }) },
    );
    const paper = await buildPaper({ db: t.ctx.db }, { owner: school, items: [{ ...item, score: 10 }] });
    // the item is edited after the paper was made: delivery still shows what the paper pinned
    await addItemVersion(t.ctx.db, item.id, 2, sampleItem({ answer: '3', stem: '改过了' }), null);
    const d = await getPaperForDelivery(t.ctx.db, paper.id);
    expect(d).toMatchObject({ totalScore: 10, revision: 2, ownerUnitId: school.id });
    const it0 = d.sections[0]!.items[0]!;
    expect(it0).toMatchObject({ itemId: item.id, versionId: item.versionId, version: 1, number: 1, score: 10 });
    expect(it0.content.stem).toBe('一半是多少？');
    expect(gradeResponse(it0.content, { value: '0.5' })).toMatchObject({ score: 10, maxScore: 10, isCorrect: true });
    const versions = await getItemVersions(t.ctx.db, [item.versionId]);
    expect(versions.get(item.versionId)?.version).toBe(1);
    await expect(getPaperForDelivery(t.ctx.db, crypto.randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('presentItemForPupil strips answers; the same seed gives the same order', () => {
    const item = sampleItem({
      type: 'multiple_choice',
      stem: '哪些是偶数？',
      options: ['1', '2', '3', '4', '5', '6'].map((x) => ({ id: `o${x}`, text: x })),
      answers: ['o2', 'o4', 'o6'],
      explanation: '能被 2 整除的数是偶数',
    });
    const a = presentItemForPupil(item, { shuffleSeed: 'attempt-1:item-1' });
    expect(JSON.stringify(a)).not.toContain('answers');
    expect(JSON.stringify(a)).not.toContain('整除');
    expect(presentItemForPupil(item, { shuffleSeed: 'attempt-1:item-1' })).toEqual(a);
    const orders = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(presentItemForPupil(item, { shuffleSeed: i }))));
    expect(orders.size).toBeGreaterThan(5);
  });

  it('findSimilarItems: most shared knowledge points first, nearest difficulty, only what the class may see', async () => {
    const school = await unit(t.world.units.schoolA);
    const other = await unit(t.world.units.schoolX);
    const cls = await unit(t.world.units.classA1);
    const bank = await buildBank({ db: t.ctx.db }, { owner: school });
    const hidden = await buildBank({ db: t.ctx.db }, { owner: other });
    const f = { db: t.ctx.db };
    const both = await buildItem(f, {
      bankId: bank.id,
      content: sampleItem({ knowledgePointIds: [kp('MA-NA-3-04'), kp('MA-NA-3-04-1')], difficulty: 5 }),
    });
    const near = await buildItem(f, { bankId: bank.id, content: sampleItem({ knowledgePointIds: [kp('MA-NA-3-04')], difficulty: 2 }) });
    const far = await buildItem(f, { bankId: bank.id, content: sampleItem({ knowledgePointIds: [kp('MA-NA-3-04')], difficulty: 5 }) });
    const done = await buildItem(f, { bankId: bank.id, content: sampleItem({ knowledgePointIds: [kp('MA-NA-3-04')], difficulty: 2 }) });
    await buildItem(f, { bankId: hidden.id, content: sampleItem({ knowledgePointIds: [kp('MA-NA-3-04')], difficulty: 2 }) });
    const found = await findSimilarItems(t.ctx.db, {
      knowledgePointIds: [kp('MA-NA-3-04'), kp('MA-NA-3-04-1')],
      audiencePath: cls.path,
      excludeItemIds: [done.id],
      difficulty: 2,
      limit: 10,
    });
    expect(found.map((x) => x.itemId)).toEqual([both.id, near.id, far.id]);
    expect(found[0]!.sharedKnowledgePoints).toBe(2);
  });

  it('drawRandomItems: reproducible for a seed, filtered, never more than asked', async () => {
    const school = await unit(t.world.units.schoolA);
    const f = { db: t.ctx.db };
    const bank = await buildBank(f, { owner: school });
    for (let i = 0; i < 12; i++) await buildItem(f, { bankId: bank.id, content: sampleItem({ difficulty: (i % 3) + 1 }) });
    const a = await drawRandomItems(t.ctx.db, { bankId: bank.id, count: 5, seed: 'p1' });
    const b = await drawRandomItems(t.ctx.db, { bankId: bank.id, count: 5, seed: 'p1' });
    const c = await drawRandomItems(t.ctx.db, { bankId: bank.id, count: 5, seed: 'p2' });
    expect(a.map((x) => x.itemId)).toEqual(b.map((x) => x.itemId));
    expect(a.map((x) => x.itemId)).not.toEqual(c.map((x) => x.itemId));
    const easy = await drawRandomItems(t.ctx.db, { bankId: bank.id, count: 50, seed: 1, filters: { difficulty: 1 } });
    expect(easy).toHaveLength(4);
    expect(easy.every((x) => x.difficulty === 1)).toBe(true);
  });
});
