import { expect, test } from '@playwright/test';
import { screenshots, signIn } from '../support/fixtures.ts';

/**
 * A visitor without an account (社会公众) browses the resource centre, searches 分数, opens a
 * public resource with its preview and download, reads a public 资源目录, and is offered sign-in
 * to favourite it — coming back to the same page once signed in.
 */
test('a visitor browses and searches public resources and 资源目录 without signing in, and signs in to favourite one', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/resources');
  await expect(page.getByTestId('public-layout')).toBeVisible();
  await expect(page.getByTestId('res-visitor-hint')).toBeVisible();
  await expect(page.getByTestId('resource-card').first()).toBeVisible();
  await expect(page.getByTestId('res-upload-button')).toHaveCount(0);
  await screenshots(page, 'resources-public-centre');

  await page.getByTestId('search-input').locator('input').fill('分数');
  await page.getByTestId('search-input').locator('button').last().click();
  await expect(page).toHaveURL(/\/search\?q=/);
  const hit = page.getByTestId('search-hit').first();
  await expect(hit).toBeVisible();
  // the catalogue reads as teachers write it
  await expect(page.getByTestId('search-facet-edition')).toContainText('人教版');
  await hit.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/resources\/[0-9a-f-]{36}$/);
  const resourcePath = new URL(page.url()).pathname;
  await expect(page.getByTestId('resource-title')).toBeVisible();
  const download = await page.request.get(`/api${resourcePath}/download`);
  expect(download.status()).toBe(200);
  expect(download.headers()['content-disposition']).toContain('attachment');
  await expect(page.getByTestId('comment-sign-in')).toBeVisible();
  await screenshots(page, 'resources-public-detail');

  await page.goto('/resources/collections');
  const card = page.getByTestId('collection-card').first();
  await expect(card).toBeVisible();
  await card.click();
  await expect(page.getByTestId('collection-item').first()).toBeVisible();
  await expect(page.getByTestId('collection-add')).toHaveCount(0);
  await screenshots(page, 'resources-public-collection');

  // signing in comes back to the resource, now with the favourite button
  await page.goto(resourcePath);
  await page.getByTestId('res-favourite-sign-in').click();
  await expect(page).toHaveURL(`/login?next=${encodeURIComponent(resourcePath)}`);
  await signIn(page, 't12001');
  await page.goto(resourcePath);
  await expect(page.getByTestId('res-favourite')).toBeVisible();
  await expect(page.getByTestId('public-layout')).toHaveCount(0);
});
