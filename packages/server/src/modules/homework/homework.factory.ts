import { ZItemContent, type TItemContent, type TItemContentInput } from '@qiming/shared';
import type { DbOrTx } from '../../core/db/database.ts';
import { buildBank, buildItem, buildPaper, firstKnowledgePoints } from '../items/index.ts';

/**
 * Test and benchmark factories: a bank with a paper of every common item type, each item on a
 * knowledge point, and the answers that get them right or wrong.
 */
type F = { db: DbOrTx };

export const item = (c: Partial<TItemContentInput> & Record<string, unknown>): TItemContent =>
  ZItemContent.parse({ subject: '数学', grade: 3, score: 2, ...c });

/** Knowledge points of the shipped tree (primary mathematics), the first `n`. */
export const someKnowledgePoints = (db: DbOrTx, n = 3): Promise<string[]> => firstKnowledgePoints(db, '数学', n);

/** The items of the standard test paper, with a right and a wrong response each (null: graded by hand). */
export function standardItems(kps: string[]) {
  const [k1, k2, k3] = [kps[0], kps[1] ?? kps[0], kps[2] ?? kps[0]];
  return [
    {
      content: item({
        type: 'single_choice',
        stem: '345 + 278 = ?',
        options: [
          { id: 'A', text: '523' },
          { id: 'B', text: '623' },
          { id: 'C', text: '613' },
          { id: 'D', text: '633' },
        ],
        answer: 'B',
        knowledgePointIds: [k1],
        difficulty: 2,
      }),
      right: { choice: 'B' },
      wrong: { choice: 'C' },
    },
    {
      content: item({ type: 'true_false', stem: '一个三位数乘 9，积一定是四位数。', answer: false, knowledgePointIds: [k2] }),
      right: { value: false },
      wrong: { value: true },
    },
    {
      content: item({
        type: 'fill_blank',
        stem: '1 米 = {{1}} 厘米，1 千米 = {{2}} 米',
        blanks: [
          { id: 'b1', accepted: ['100'] },
          { id: 'b2', accepted: ['1000'] },
        ],
        knowledgePointIds: [k3],
        score: 4,
      }),
      right: { blanks: ['100', '１０００'] },
      wrong: { blanks: ['10', '1000'] },
    },
    {
      content: item({
        type: 'numeric',
        stem: '把一个蛋糕平均分成 4 份，2 份是它的几分之几？',
        answer: '1/2',
        knowledgePointIds: [k1],
        difficulty: 3,
      }),
      right: { value: '0.5' },
      wrong: { value: '1/4' },
    },
    {
      content: item({
        type: 'essay',
        stem: '用三句话写一写你的周末。',
        subject: '语文',
        score: 10,
        rubric: [
          { id: 'content', name: '内容', points: 6 },
          { id: 'language', name: '语言', points: 4 },
        ],
      }),
      right: { text: '周六我和爸爸去爬山。山上的风景很美。我们很开心。' },
      wrong: { text: '周末。' },
    },
  ];
}

/** A bank and a paper of the standard items, owned by `owner` (a school). */
export async function buildStandardPaper(f: F, owner: { id: string; path: string }, kps: string[]) {
  const bank = await buildBank(f, { owner, subject: '数学' });
  const specs = standardItems(kps);
  const items = [];
  for (const s of specs) items.push(await buildItem(f, { bankId: bank.id, content: s.content }));
  const paper = await buildPaper(f, {
    owner,
    title: '三年级数学练习',
    items: items.map((it, i) => ({ id: it.id, versionId: it.versionId, score: specs[i].content.score })),
  });
  return { bank, paper, items: items.map((it, i) => ({ ...it, right: specs[i].right, wrong: specs[i].wrong, content: specs[i].content })) };
}
