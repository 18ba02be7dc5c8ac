import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { pptxDocument } from '../../packages/server/src/modules/resources/demo/documents.ts';
import { apiJson, pickOption, screenshots, signIn } from '../support/fixtures.ts';

/**
 * The resource-centre journey: a teacher of 市南区实验小学 uploads a courseware file (chunked)
 * and submits it; it passes the automatic screening; the school approves it and a district
 * reviewer (市南区教研员) approves it in the review page; a teacher of another school of the
 * district finds it by searching 分数 and downloads it.
 */
test('a teacher uploads a courseware file, it passes screening, a district reviewer approves it, a teacher of another school finds it by 分数 and downloads it', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const stamp = Date.now().toString(36);
  const title = `分数的再认识 复习课件 ${stamp}`;
  const deck = pptxDocument(
    {
      title,
      subtitle: '人教版 数学 三年级上册 第八单元 分数的初步认识',
      sections: [
        { heading: '回顾', paragraphs: ['把一个物体平均分成几份，每份是它的几分之一。'] },
        { heading: `练一练 ${stamp}`, paragraphs: ['涂色表示 3/4，比较 1/3 和 1/5 的大小。', '小明吃了一块饼的 1/4，还剩几分之几？'] },
        // the teacher's own material: without it the deck is a few lines any 分数 courseware shares, and its
        // fingerprint lands near the demo catalogue's 几分之一 resources by chance of the stamp
        {
          heading: '生活中的分数',
          paragraphs: [
            '周末去菜市场，妈妈把一个西瓜切成八块，我们一家四口每人先吃两块，请同学们算一算每人吃了整个西瓜的几分之几。',
            '课前请学生折纸条、量跳绳、分橡皮泥，记录下自己发现的分数，上课时分组交流并贴在黑板的“分数墙”上。',
          ],
        },
        {
          heading: '课堂小游戏：分蛋糕接力',
          paragraphs: [
            '全班分成红黄蓝三队，每队领一张圆形卡纸当作生日蛋糕，老师报出一个分数，队员轮流用剪刀和彩笔完成，先贴上展板的队伍得一颗星。',
            '游戏结束后请获胜队讲解他们的折法，再请其他队补充不同的方法，说明同一个分数可以有多种表示。',
            '作业：回家和爸爸妈妈一起做一次水果拼盘，拍照记录拼盘里每种水果占整盘的几分之几，下节课带来分享。',
          ],
        },
      ],
    },
    '刘桂芝',
  );

  // the teacher uploads and submits
  await signIn(page, 't11005');
  await page.goto('/resources/upload');
  await page.locator('[data-testid=resource-upload] input[type=file]').setInputFiles({
    name: `分数复习-${stamp}.pptx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    buffer: deck,
  });
  await expect(page.getByTestId('upload-done')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('upload-title').fill(title);
  await page
    .getByTestId('upload-description')
    .fill('三年级上册《分数的初步认识》单元复习课件：几分之一、几分之几、分数的大小比较与简单计算。');
  await pickOption(page, 'upload-subject', '数学');
  await pickOption(page, 'upload-grade', '三年级');
  await pickOption(page, 'upload-audience', '本区县');
  await page.getByTestId('upload-keywords').locator('input').fill('分数');
  await page.keyboard.press('Enter');
  await screenshots(page, 'resources-upload');
  await page.getByTestId('upload-submit').click();
  await expect(page).toHaveURL(/\/resources\/mine$/);
  const mine = page.getByRole('row').filter({ hasText: title });
  await expect(mine).toContainText('审核中');
  await screenshots(page, 'resources-mine');
  const { items } = await apiJson<{ items: { id: string; title: string }[] }>(page.request, 'get', '/api/resources/mine?status=in_review');
  const id = items.find((i) => i.title === title)!.id;

  // screening found nothing; the school approves (its review comes first)
  const school = await browser.newPage();
  await signIn(school, 'sn_shiyan_admin');
  const review = await apiJson<{ screening: { isFlagged: boolean; safetyHits: unknown[] } }>(
    school.request,
    'get',
    `/api/resources/${id}/review`,
  );
  expect(review.screening).toMatchObject({ isFlagged: false, safetyHits: [] });
  await apiJson(school.request, 'post', `/api/resources/${id}/approve`, { comment: '内容准确，同意报区里审核' });
  await school.close();

  // the district reviewer sees it in the queue, reads the clean screening report and approves it
  const reviewer = await browser.newPage();
  await signIn(reviewer, 'shinan_researcher');
  await reviewer.goto('/resources/review');
  await reviewer.getByTestId(`review-open-${id}`).click();
  await expect(reviewer.getByTestId('screening')).toContainText('筛查通过');
  await expect(reviewer.getByTestId('screening')).toContainText('未发现敏感词');
  await screenshots(reviewer, 'resources-review');
  await reviewer.getByTestId('approve-comment').fill('设计合理，同意发布');
  await reviewer.getByTestId('review-approve').click();
  await expect(reviewer).toHaveURL(/\/resources\/review$/);
  await expect(reviewer.getByTestId(`review-open-${id}`)).toHaveCount(0);
  await reviewer.close();

  // a teacher of another school of the district searches 分数, finds it (newest first) and downloads it
  const other = await browser.newPage();
  await signIn(other, 't12001');
  const home = await apiJson<{ school: { name: string } | null }>(other.request, 'get', '/api/me/home');
  expect(home.school?.name).not.toContain('实验小学');
  await other.goto('/');
  const box = other.getByTestId('search-input').locator('input');
  await box.fill('分数');
  // the search button (Enter on an open suggestion list would open the first suggestion instead)
  await other.getByTestId('search-input').locator('button').last().click();
  await expect(other).toHaveURL(/\/search\?q=/);
  await other
    .locator('.ant-segmented-item')
    .filter({ hasText: /^最新$/ })
    .click();
  await expect(other).toHaveURL(/sort=newest/);
  const hit = other.getByTestId('search-hit').filter({ hasText: stamp });
  await expect(hit).toBeVisible();
  await hit.getByRole('link').first().click();
  await expect(other.getByTestId('resource-title')).toHaveText(title);
  await screenshots(other, 'resources-detail');
  const [download] = await Promise.all([other.waitForEvent('download'), other.getByTestId('res-download').click()]);
  expect(download.suggestedFilename()).toBe(`分数复习-${stamp}.pptx`);
  const saved = await download.path();
  expect(readFileSync(saved).equals(deck)).toBe(true);
  const after = await apiJson<{ downloadCount: number }>(other.request, 'get', `/api/resources/${id}`);
  expect(after.downloadCount).toBe(1);
  await other.close();
});
