import { expect, test } from '@playwright/test';
import { apiJson, pickOption, screenshots, shotPath, signIn } from '../support/fixtures.ts';

/**
 * The homework journey: the head teacher of 三年级(1)班 builds a 10-question paper and assigns it;
 * a pupil on a phone answers half, closes the tab, reopens it, finds the answers, submits and sees
 * the score; the teacher sees the class analysis with its charts.
 */
type Spec = {
  content: Record<string, unknown>;
  answer: (q: import('@playwright/test').Locator) => Promise<void>;
  check?: (q: import('@playwright/test').Locator) => Promise<void>;
};

const base = { subject: '语文', grade: 3, score: 10 };
const choice = (stem: string, options: string[], right: number): Spec => ({
  content: { ...base, type: 'single_choice', stem, options: options.map((text, i) => ({ id: 'ABCD'[i], text })), answer: 'ABCD'[right] },
  answer: (q) => q.locator('label').filter({ hasText: options[right] }).click(),
  check: (q) => expect(q.getByRole('radio', { name: new RegExp(options[right]) })).toBeChecked(),
});
const judge = (stem: string, answer: boolean): Spec => ({
  content: { ...base, type: 'true_false', stem, answer },
  answer: (q) =>
    q
      .locator('label')
      .filter({ hasText: answer ? '对' : '错' })
      .click(),
  check: (q) => expect(q.getByRole('radio', { name: answer ? '对' : '错' })).toBeChecked(),
});
const blank = (stem: string, accepted: string, n: number): Spec => ({
  content: { ...base, type: 'fill_blank', stem, blanks: [{ id: 'b1', accepted: [accepted] }] },
  answer: (q) => q.getByTestId(`q${n}-blank-1`).fill(accepted),
  check: (q) => expect(q.getByTestId(`q${n}-blank-1`)).toHaveValue(accepted),
});

const SPECS: Spec[] = [
  choice('“寒冷”的反义词是（　）', ['凉爽', '炎热', '温和', '湿润'], 1),
  choice('《守株待兔》是一则（　）', ['童话', '寓言', '神话', '儿歌'], 1),
  judge('“春眠不觉晓”的作者是孟浩然。', true),
  blank('两个黄鹂鸣{{1}}，一行白鹭上青天。', '翠柳', 4),
  choice('“他的脸红得像苹果”用了（　）的修辞手法', ['拟人', '比喻', '夸张', '排比'], 1),
  judge('“五谷丰登”是描写春天的词语。', false),
  choice('下列词语中，ABB 式的是（　）', ['红彤彤', '高高兴兴', '一心一意', '春暖花开'], 0),
  blank('照样子填词：一（　）小船 —— 一{{1}}小船', '只', 8),
  choice('默读时应该（　）', ['大声读', '不出声、不指读', '边读边唱', '只看图画'], 1),
  judge('一段话中概括全段意思的句子叫中心句。', true),
];

test('a teacher builds a 10-question paper in 组卷 and assigns it; a pupil on a phone answers, leaves, comes back and submits; the teacher sees the charts', async ({
  page,
  browser,
}) => {
  // the teacher builds the paper in the app too: the journey runs minutes on a loaded two-core machine
  test.setTimeout(300_000);
  // the teacher's items go in through the question-bank API
  await signIn(page, 't11005', 'head_teacher');
  const home = await apiJson(page.request, 'get', '/api/me/home');
  const schoolId = home.school.id as string;
  const bank = await apiJson(page.request, 'post', '/api/item-banks', {
    name: `旅程题库-${Date.now()}`,
    ownerUnitId: schoolId,
    subject: '语文',
  });
  const items: string[] = [];
  for (const s of SPECS) items.push((await apiJson(page.request, 'post', '/api/items', { bankId: bank.id, content: s.content })).id);
  const title = `旅程测验-${Date.now() % 100000}`;

  // …builds the paper in 组卷: the bank's ten items picked by hand, 10 points each…
  await page.goto('/papers/new');
  await page.getByTestId('paper-title').fill(title);
  await pickOption(page, 'paper-subject', '语文');
  await pickOption(page, 'picker-bank', bank.name);
  await expect(page.getByTestId('picker-row')).toHaveCount(10);
  // the list shows the newest first: add them in the order the pupil is to answer them
  for (const s of SPECS) {
    const stem = String(s.content.stem).slice(0, 5);
    await page
      .locator('tr')
      .filter({ has: page.getByTestId('picker-row').filter({ hasText: stem }) })
      .getByTestId('picker-add')
      .click();
  }
  await expect(page.getByTestId('paper-row')).toHaveCount(10);
  // reorder by the buttons, and back
  await page.getByTestId('paper-row').nth(0).getByTestId('paper-row-down').click();
  await expect(page.getByTestId('paper-row').nth(1)).toContainText('寒冷');
  await page.getByTestId('paper-row').nth(0).getByTestId('paper-row-down').click();
  await expect(page.getByTestId('paper-row').nth(0)).toContainText('寒冷');
  await expect(page.getByTestId('paper-total')).toHaveAttribute('data-total', '100');
  await screenshots(page, 'paper-builder');
  await page.getByTestId('paper-save').click();
  await expect(page).toHaveURL(/\/papers\/[0-9a-f-]{36}\/edit$/);
  const paperId = page.url().split('/').at(-2)!;
  const paper = await apiJson(page.request, 'get', `/api/papers/${paperId}`);
  expect(paper).toMatchObject({ title, itemCount: 10, totalScore: 100 });
  expect(paper.sections[0].items.map((i: { itemId: string }) => i.itemId)).toEqual(items);

  // …and assigns it to the class from there
  await page.getByTestId('paper-assign').click();
  await expect(page.getByTestId('assign-title')).toHaveValue(title);
  await page.getByTestId('assign-classes').getByText('三年级(1)班').click();
  await page.getByTestId('assign-ok').click();
  await expect(page).toHaveURL(/\/homework\/[0-9a-f-]{36}$/);
  const assignmentId = page.url().split('/').pop()!;

  // the pupil, on a phone
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const pupil = await phone.newPage();
  await signIn(pupil, 's112024001');
  await pupil.goto('/my/homework');
  const card = pupil.getByTestId(`my-assignment-${assignmentId}`);
  await expect(card).toBeVisible();
  await card.getByTestId('start-assignment').click();
  await expect(pupil.getByTestId('question-10')).toBeVisible();
  for (let i = 0; i < 5; i++) await SPECS[i].answer(pupil.getByTestId(`question-${i + 1}`));
  await expect(pupil.getByTestId('save-state')).toHaveAttribute('data-state', 'saved');
  // from the top: a full-page shot of a scrolled page draws the sticky header over the middle
  await pupil.evaluate('window.scrollTo(0, 0)');
  await pupil.screenshot({ path: shotPath('homework-answering-phone.png'), fullPage: true });
  await pupil.close();

  // back later in a new tab: the answers are there
  const again = await phone.newPage();
  await again.goto('/my/homework');
  await again.getByTestId(`my-assignment-${assignmentId}`).getByTestId('start-assignment').click();
  for (let i = 0; i < 5; i++) await SPECS[i].check?.(again.getByTestId(`question-${i + 1}`));
  for (let i = 5; i < 10; i++) await SPECS[i].answer(again.getByTestId(`question-${i + 1}`));
  await again.getByTestId('submit-attempt').click();
  await again.getByTestId('submit-confirm').click();
  await expect(again.getByTestId('attempt-result')).toBeVisible();
  await expect(again.getByTestId('attempt-score')).toHaveText('100');
  // the confirmation fades out after the result is drawn: the shot waits until it has gone
  await expect(again.getByTestId('submit-confirm')).toBeHidden();
  await again.evaluate('window.scrollTo(0, 0)');
  await again.screenshot({ path: shotPath('homework-result-phone.png'), fullPage: true });
  await phone.close();

  // the teacher's analysis: charts drawn from the class's attempts
  await page.goto(`/homework/${assignmentId}`);
  // the analysis page loads its chunk and the class's attempts first: slow on a loaded machine
  await expect(page.getByTestId('chart-distribution').locator('canvas')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('chart-items').locator('canvas')).toBeVisible();
  await expect(page.getByText('张安琪')).toBeVisible();
  await screenshots(page, 'homework-analysis');

  // a demo assignment with the whole class's attempts, and the grading view
  const list = await apiJson(page.request, 'get', '/api/assignments');
  const demo = list.items.find((a: { title: string }) => a.title.includes('寓言故事'));
  await page.goto(`/homework/${demo.id}`);
  await expect(page.getByTestId('chart-kp').locator('canvas')).toBeVisible();
  await screenshots(page, 'homework-analysis-demo');
  await page.getByTestId('open-grading').click();
  await expect(page.getByTestId('grading-card')).toBeVisible();
  await screenshots(page, 'homework-grading');
});
