import { expect, test } from '@playwright/test';
import { screenshots } from '../support/fixtures.ts';

test('a user locked out after 5 wrong passwords sees why on the login page', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByText('启明', { exact: true })).toBeVisible();
  await screenshots(page, 'login');
  for (let i = 1; i <= 5; i++) {
    await page.getByTestId('login-username').fill('t11007');
    await page.getByTestId('login-password').fill(`wrong-password-${i}`);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toBeVisible();
    if (i < 5) await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误');
  }
  await expect(page.getByTestId('login-error')).toContainText('锁定');
  await screenshots(page, 'login-locked');
});
