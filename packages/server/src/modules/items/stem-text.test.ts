import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as readableStemText } from '../../db/migrations/20261206233000-items-readable-stem-text.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { buildBank, buildItem, sampleItem } from './items.factory.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const stemText = async (id: string) =>
  (await t.ctx.db.selectFrom('items').select('stem_text').where('id', '=', id).executeTakeFirstOrThrow()).stem_text;

describe("an item's plain text", () => {
  it('writes formulas as a reader would, for search and previews; the migration rewrites older rows', async () => {
    const school = await t.ctx.db
      .selectFrom('org_units')
      .select(['id', 'path'])
      .where('id', '=', t.world.units.schoolA)
      .executeTakeFirstOrThrow();
    const bank = await buildBank({ db: t.ctx.db }, { owner: school });
    const item = await buildItem(
      { db: t.ctx.db },
      { bankId: bank.id, content: sampleItem({ stem: '计算：$\\frac{1}{2} + \\frac{1}{3}$ = ？（$125 \\times 8$ 呢？）' }) },
    );
    expect(await stemText(item.id)).toBe('计算：1/2 + 1/3 = ？（125 × 8 呢？）');

    // a row written before: TeX source in the plain text
    await t.ctx.db.updateTable('items').set({ stem_text: '计算：\\frac{1}{2} + \\frac{1}{3} = ？' }).where('id', '=', item.id).execute();
    await readableStemText(t.ctx.db as never);
    expect(await stemText(item.id)).toBe('计算：1/2 + 1/3 = ？（125 × 8 呢？）');
  });
});
