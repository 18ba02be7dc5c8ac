import { ZItemContent, type TItemContent } from '@qiming/shared';
import type { AppContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { insertBank, insertItems } from '../items.repository.ts';
import { insertPaper, writePaperContent } from '../papers.repository.ts';
import { loadCmathItems } from './cmath.ts';
import { DEMO_CHINESE_ITEMS, DEMO_MATH_ITEMS } from './demo-items.ts';

/**
 * The demo question bank, after the demo region: the city's shared maths bank with every CMATH
 * word problem, a school bank of hand-written items of every type in 数学 and 语文 (市南实验小学),
 * and two papers of that school's grade 3. Skipped when any bank exists. ~0.3 s.
 */
export async function seedItemsDemo(app: AppContext): Promise<{ banks: number; items: number; papers: number } | null> {
  const db = app.db;
  if (await db.selectFrom('item_banks').select('id').limit(1).executeTakeFirst()) return null;
  const city = await db.selectFrom('org_units').select(['id', 'path']).where('kind', '=', 'city').orderBy('path').executeTakeFirst();
  const school = await db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('kind', '=', 'school')
    .where('name', 'like', '%实验小学%')
    .orderBy('code')
    .executeTakeFirst();
  if (!city || !school) return null;
  const researcher = await db.selectFrom('users').select('id').where('username', '=', 'city_researcher').executeTakeFirst();

  const cmath = loadCmathItems().items;
  const handMade = [...DEMO_MATH_ITEMS, ...DEMO_CHINESE_ITEMS].map((x) => ZItemContent.parse(x));
  return withTransaction(db, async (tx) => {
    const cityBank = await insertBank(tx, {
      name: '青岛市小学数学应用题库（CMATH）',
      description: '1–6 年级数学应用题，来自 CMATH 数据集（XiaoMi/cmath，CC BY 4.0），按年级和知识点标注。',
      subject: '数学',
      ownerUnitId: city.id,
      ownerPath: city.path,
      shareScope: 'city',
      visiblePath: city.path,
      createdBy: researcher?.id ?? null,
    });
    const schoolBank = await insertBank(tx, {
      name: '市南实验小学校本题库',
      description: '本校教师编写的数学、语文练习题，各种题型都有。',
      subject: null,
      ownerUnitId: school.id,
      ownerPath: school.path,
      shareScope: 'school',
      visiblePath: school.path,
      createdBy: null,
    });
    const cmathIds = await insertItems(tx, cityBank, cmath, researcher?.id ?? null);
    const handIds = await insertItems(tx, schoolBank, handMade, null);

    const versions = new Map(
      (await tx.selectFrom('items').select(['id', 'current_version_id']).where('bank_id', 'in', [cityBank, schoolBank]).execute()).map(
        (r) => [r.id, r.current_version_id],
      ),
    );
    const pick = (ids: string[], contents: TItemContent[], f: (c: TItemContent) => boolean, n: number) =>
      ids.filter((_, i) => f(contents[i]!)).slice(0, n);
    const entry = (id: string, score: number) => ({ itemId: id, versionId: versions.get(id)!, score });
    const g3 = (type: string, subject: string) => (c: TItemContent) => c.grade === 3 && c.type === type && c.subject === subject;

    const maths = {
      title: '三年级数学上册 期末练习（演示）',
      subject: '数学',
      grade: 3,
      durationMinutes: 60,
    };
    const mathPaper = await insertPaper(tx, { ...maths, ownerUnitId: school.id, ownerPath: school.path, createdBy: null });
    await writePaperContent(tx, mathPaper, maths, {
      sections: [
        {
          title: '一、选择题',
          instructions: '把正确答案的序号填在括号里。',
          items: pick(handIds, handMade, g3('single_choice', '数学'), 2).map((id) => entry(id, 4)),
        },
        {
          title: '二、判断题',
          instructions: '对的打“√”，错的打“×”。',
          items: pick(handIds, handMade, g3('true_false', '数学'), 3).map((id) => entry(id, 2)),
        },
        { title: '三、填空题', instructions: '', items: pick(handIds, handMade, g3('fill_blank', '数学'), 3).map((id) => entry(id, 6)) },
        {
          title: '四、解决问题',
          instructions: '列式计算，写出答案。',
          items: pick(cmathIds, cmath, (c) => c.grade === 3, 6).map((id) => entry(id, 8)),
        },
        { title: '五、综合运用', instructions: '', items: pick(handIds, handMade, g3('composite', '数学'), 1).map((id) => entry(id, 6)) },
      ],
    });
    const chinese = { title: '三年级语文 阅读与习作（演示）', subject: '语文', grade: 3, durationMinutes: 80 };
    const chinesePaper = await insertPaper(tx, { ...chinese, ownerUnitId: school.id, ownerPath: school.path, createdBy: null });
    const cn = (f: (c: TItemContent) => boolean, n: number, score: number) =>
      pick(handIds, handMade, (c) => c.subject === '语文' && f(c), n).map((id) => entry(id, score));
    await writePaperContent(tx, chinesePaper, chinese, {
      sections: [
        {
          title: '一、积累与运用',
          instructions: '',
          items: [...cn((c) => c.type === 'single_choice', 2, 3), ...cn((c) => c.type === 'fill_blank', 3, 4)],
        },
        {
          title: '二、连线与排序',
          instructions: '',
          items: [...cn((c) => c.type === 'matching', 1, 4), ...cn((c) => c.type === 'ordering', 1, 4)],
        },
        { title: '三、阅读理解', instructions: '', items: cn((c) => c.type === 'composite', 1, 12) },
        { title: '四、习作', instructions: '', items: cn((c) => c.type === 'essay', 1, 30) },
      ],
    });
    return { banks: 2, items: cmathIds.length + handIds.length, papers: 2 };
  });
}
