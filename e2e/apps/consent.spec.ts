import { expect, test } from '@playwright/test';
import { registerCityApp, startRelyingParty, type RelyingParty } from '../support/relying-party.ts';
import { screenshots, signIn } from '../support/fixtures.ts';

const PORT = Number(process.env.E2E_PORT ?? 3100);
/** Two ports after Qiming's: the launcher journey's application has the next one. */
const RP_PORT = Number(process.env.E2E_CONSENT_RP_PORT ?? PORT + 2);
const APP_NAME = '课后服务选课';

let rp: RelyingParty | undefined;
test.afterEach(async () => {
  await rp?.close();
  rp = undefined;
});

/**
 * An application the bureau registered without marking it trusted: the first time a teacher opens
 * it, Qiming asks in Chinese whether to sign in to it and what it will learn; after 同意并登录 the
 * teacher lands in it signed in, and the next time it is not asked again.
 */
test('an application not marked trusted asks once, in Chinese, before signing the teacher in', async ({ page, browser, baseURL }) => {
  const adminContext = await browser.newContext({ baseURL });
  const admin = await adminContext.newPage();
  await signIn(admin, 'city_admin');
  const app = await registerCityApp(admin.request, {
    name: APP_NAME,
    category: 'other',
    description: '课后服务项目报名与选课',
    port: RP_PORT,
    isTrusted: false,
  });
  await adminContext.close();

  rp = await startRelyingParty({
    port: RP_PORT,
    issuer: `${baseURL}/oidc`,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    name: APP_NAME,
  });

  await signIn(page, 't11005');
  await page.goto('/');
  const tile = page.getByTestId('app-launcher').getByRole('link', { name: APP_NAME });
  const [appPage] = await Promise.all([page.context().waitForEvent('page'), tile.click()]);

  // the consent screen: the application, what it asks for, and whose account
  const consent = appPage.getByTestId('sso-consent');
  await expect(consent).toBeVisible();
  await expect(appPage.getByText('授权登录')).toBeVisible();
  await expect(consent).toContainText(APP_NAME);
  await expect(consent).toContainText('请求使用您的启明账号登录，并获取以下信息');
  await expect(consent).toContainText('当前账号：');
  await expect(consent).toContainText('t11005');
  await expect(appPage.getByTestId('sso-approve')).toHaveText(/同意并登录/);
  await screenshots(appPage, 'sso-consent');
  // nothing wider than a phone's screen
  await appPage.setViewportSize({ width: 390, height: 844 });
  const overflow = await appPage.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await appPage.setViewportSize({ width: 1280, height: 800 });

  await appPage.getByTestId('sso-approve').click();
  await expect(appPage.getByTestId('rp-user')).toHaveText(/已登录：.+（t11005）/);
  expect(new URL(appPage.url()).origin).toBe(rp.url);
  await appPage.close();

  // consented once: opening it again goes straight in
  const [again] = await Promise.all([page.context().waitForEvent('page'), tile.click()]);
  await expect(again.getByTestId('rp-user')).toHaveText(/已登录：.+（t11005）/);
  await expect(again.getByTestId('sso-consent')).toHaveCount(0);
});
