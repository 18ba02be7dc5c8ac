import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E_DEMO_PASSWORD } from '../playwright.config.ts';
import { apiJson, csrf, rememberMfaSecret, screenshots, signIn, totpCode } from '../support/fixtures.ts';

const NEW_PASSWORD = 'Journey#2026pw';

async function typeCode(page: Page, testId: string, code: string) {
  await page.getByTestId(testId).locator('input').first().click();
  await page.keyboard.type(code);
}

/**
 * A retry finds the account past its first sign-in (password changed, perhaps enrolled): the system
 * administrator puts it back as an administrator would — two-step verification reset, a temporary
 * password that must be changed. Returns that password.
 */
async function backToFirstSignIn(browser: Browser, username: string): Promise<string> {
  const admin = await browser.newPage();
  try {
    await signIn(admin, 'sys_admin');
    const { items } = await apiJson<{ items: { id: string; username: string }[] }>(admin.request, 'get', `/api/users?q=${username}`);
    const id = items.find((u) => u.username === username)!.id;
    // the first attempt may have stopped before enrolling: nothing to reset then
    const reset = await admin.request.post(`/api/users/${id}/mfa/reset`, { headers: csrf });
    if (reset.status() !== 204) expect((await reset.json()).error?.code).toBe('MFA_NOT_ENABLED');
    return (await apiJson<{ temporaryPassword: string }>(admin.request, 'post', `/api/users/${id}/reset-password`)).temporaryPassword;
  } finally {
    await admin.close();
  }
}

/**
 * The security administrator's first sign-in: change the demo password, enrol an authenticator
 * (the test reads the key from the page and computes the codes), keep the recovery codes, sign
 * out, and sign in again with password and code.
 */
test('an administrator is made to enrol at first sign-in, then signs in with a TOTP code', async ({ page, browser }, testInfo) => {
  const firstPassword = testInfo.retry === 0 ? E2E_DEMO_PASSWORD : await backToFirstSignIn(browser, 'sec_admin');
  await page.goto('/login');
  await page.getByTestId('login-username').fill('sec_admin');
  await page.getByTestId('login-password').fill(firstPassword);
  await page.getByTestId('login-submit').click();

  await expect(page).toHaveURL(/\/change-password/);
  await page.getByTestId('password-current').fill(firstPassword);
  await page.getByTestId('password-new').fill(NEW_PASSWORD);
  await page.getByTestId('password-confirm').fill(NEW_PASSWORD);
  await page.getByTestId('password-submit').click();

  // nothing else before enrolment: even asking for home lands on the enrolment page
  await expect(page).toHaveURL(/\/mfa-setup/);
  await page.goto('/users');
  await expect(page).toHaveURL(/\/mfa-setup/);
  await expect(page.getByTestId('mfa-qr')).toBeVisible();
  // the QR code shows as loading and the key as … until the enrolment's secret arrives
  await expect(page.getByTestId('mfa-secret')).toContainText(/[A-Z2-7]{4} [A-Z2-7]{4}/);
  const secret = ((await page.getByTestId('mfa-secret').textContent()) ?? '').replace(/\s/g, '').replace(/复制|Copy/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await screenshots(page, 'mfa-setup');

  await typeCode(page, 'mfa-confirm-code', '000000');
  await expect(page.getByText('验证码不正确')).toBeVisible();
  await typeCode(page, 'mfa-confirm-code', totpCode(secret));
  const codes = page.getByTestId('recovery-codes').locator('li');
  await expect(codes).toHaveCount(10);
  await expect(page.getByText('请立即保存这 10 个恢复码')).toBeVisible();
  rememberMfaSecret('sec_admin', secret);
  await screenshots(page, 'mfa-recovery-codes');
  await page.getByTestId('mfa-done').click();
  await expect(page).not.toHaveURL(/\/mfa-setup/);

  // 账号安全 shows it on
  await page.getByTestId('user-menu').click();
  await page.getByTestId('account-security').click();
  await expect(page.getByTestId('mfa-status')).toHaveText('已启用');
  await expect(page.getByTestId('mfa-codes-left')).toHaveText('10');
  await screenshots(page, 'account-security');

  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login/);

  // second sign-in: password, then the code (the next step's: the enrolment used this one)
  await page.getByTestId('login-username').fill('sec_admin');
  await page.getByTestId('login-password').fill(NEW_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('mfa-step')).toContainText('sec_admin');
  await screenshots(page, 'login-mfa-step');
  await page.getByTestId('mfa-switch-method').click();
  await expect(page.getByTestId('mfa-recovery-code')).toBeVisible();
  await screenshots(page, 'login-recovery-code');
  await page.getByTestId('mfa-switch-method').click();
  await typeCode(page, 'mfa-code', totpCode(secret, 1));
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('user-menu')).toBeVisible();

  // a district administrator enrols (in another browser) and loses the phone: the security
  // administrator resets it from the users page
  const other = await browser.newPage();
  await signIn(other, 'pingdu_admin');
  await other.close();
  await page.goto('/users');
  await page.getByPlaceholder('账号或姓名').fill('pingdu_admin');
  await page.getByPlaceholder('账号或姓名').press('Enter');
  const row = page.getByTestId('user-row').filter({ hasText: 'pingdu_admin' });
  await expect(row.getByTestId('user-mfa-on')).toBeVisible();
  await screenshots(page, 'users-mfa');
  await row.getByTestId('reset-mfa').click();
  await expect(page.getByText('重置“徐洪涛”的两步验证？')).toBeVisible();
  await page.getByRole('button', { name: '重置两步验证' }).last().click();
  await expect(page.getByText('已重置“徐洪涛”的两步验证')).toBeVisible();
  await expect(row.getByTestId('user-mfa-on')).toBeHidden();
});
