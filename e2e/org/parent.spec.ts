import { expect, test } from '@playwright/test';
import { apiJson, screenshots, signIn } from '../support/fixtures.ts';

test('a parent sees only their own children', async ({ page }) => {
  await signIn(page, 'p18339217211');
  await page.goto('/');
  const cards = page.getByTestId('child-card');
  await expect(cards).toHaveCount(2);
  await expect(cards.first()).toBeVisible();
  await screenshots(page, 'parent-home');

  const home = await apiJson(page.request, 'get', '/api/me/home');
  await cards.first().getByTestId('child-record').click();
  await expect(page).toHaveURL(/\/students\//);
  await expect(page.getByText(home.children[0].name).first()).toBeVisible();

  // the card's homework link opens the children's homework
  await page.goto('/');
  await cards.first().getByTestId('child-homework').click();
  await expect(page).toHaveURL(/\/children\/homework$/);
  await expect(page.getByRole('heading', { name: '孩子的作业' })).toBeVisible();

  // another family's child: the API answers 404 and the page says it cannot be found
  const other = await apiJson(page.request, 'get', '/api/me');
  expect(other.activeRole).toBe('parent');
  const stranger = await page.request.get('/api/students/00000000-0000-4000-8000-000000000000');
  expect(stranger.status()).toBe(404);
});
