import { expect, test } from '@playwright/test';
import { screenshots, signIn } from '../support/fixtures.ts';

/** A district admin opens a new central school and attaches a teaching point to it. */
test('district admin creates a central school and a teaching point under it', async ({ page }) => {
  await signIn(page, 'pingdu_admin');
  await page.goto('/schools');
  await page.getByTestId('create-school-button').click();
  const dialog = page.getByRole('dialog');
  await page.getByTestId('school-form-name').fill('平度市云山镇中心小学');
  await page.getByTestId('school-form-code').fill('123');
  await page.getByTestId('school-form-submit').click();
  await expect(dialog.getByText('学校标识码应为 10 位数字')).toBeVisible();
  await page.getByTestId('school-form-code').fill('2137028399');
  await expect(dialog.getByText('学校标识码应为 10 位数字')).toBeHidden();
  await page.getByTestId('school-form-central').click();
  await page.getByTestId('school-form-address').fill('平度市云山镇府前路 1 号');
  await screenshots(page, 'school-create');
  await page.getByTestId('school-form-submit').click();
  await expect(page).toHaveURL(/\/schools\/[0-9a-f-]{36}/);
  await expect(page.getByRole('heading', { name: '平度市云山镇中心小学' })).toBeVisible();

  await page.getByTestId('create-teaching-point-button').click();
  await page.getByTestId('teaching-point-form-name').fill('云山镇西村教学点');
  await page.getByTestId('teaching-point-form-code').fill('2137028398');
  await page.getByTestId('teaching-point-form-submit').click();
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.goto('/schools');
  await expect(page.getByRole('row', { name: /云山镇西村教学点/ })).toBeVisible();
  await screenshots(page, 'schools-after-create');
});
