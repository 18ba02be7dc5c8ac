import { expect, test } from '@playwright/test';
import { registerCityApp, startRelyingParty, type RelyingParty } from '../support/relying-party.ts';
import { screenshots, signIn } from '../support/fixtures.ts';

const PORT = Number(process.env.E2E_PORT ?? 3100);
/** The application's own port: the next one after Qiming's (E2E_RP_PORT to choose another). */
const RP_PORT = Number(process.env.E2E_RP_PORT ?? PORT + 1);
const APP_NAME = '智慧阅读平台';

let rp: RelyingParty | undefined;
test.afterEach(async () => {
  await rp?.close();
  rp = undefined;
});

/**
 * 应用接入 end to end: the city bureau registers an application (a real relying party started by
 * the test, signing in with openid-client) and enables it for the city; a teacher opens it from
 * 我的应用 on the personal space and lands in it signed in, with no second sign-in.
 */
test('a teacher opens an application from 我的应用 and lands in it signed in', async ({ page, browser, baseURL }) => {
  // the bureau's side, in a browser context of its own
  const adminContext = await browser.newContext({ baseURL });
  const admin = await adminContext.newPage();
  await signIn(admin, 'city_admin');
  const app = await registerCityApp(admin.request, {
    name: APP_NAME,
    category: 'teaching',
    description: '课外阅读与阅读打卡',
    port: RP_PORT,
    isTrusted: true,
    backchannelLogout: true,
  });
  // the registry as the bureau sees it; on a phone one card per application, nothing wider than the screen
  await admin.goto('/apps');
  await expect(admin.getByTestId('app-row-name').filter({ hasText: APP_NAME })).toBeVisible();
  await screenshots(admin, 'apps-admin');
  await admin.setViewportSize({ width: 390, height: 844 });
  await expect(admin.getByTestId('app-card').filter({ hasText: APP_NAME })).toBeVisible();
  // the page's own width, measured in the browser (the e2e project has no DOM types)
  const overflow = await admin.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await adminContext.close();

  rp = await startRelyingParty({
    port: RP_PORT,
    issuer: `${baseURL}/oidc`,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    name: APP_NAME,
  });

  // the teacher's side: signed in to Qiming only
  await signIn(page, 't11005');
  await page.goto('/');
  const tile = page.getByTestId('app-launcher').getByRole('link', { name: APP_NAME });
  await expect(tile).toBeVisible();
  await screenshots(page, 'launcher');
  const [appPage] = await Promise.all([page.context().waitForEvent('page'), tile.click()]);
  await expect(appPage.getByTestId('rp-user')).toHaveText(/已登录：.+（t11005）/);
  expect(new URL(appPage.url()).origin).toBe(rp.url);
  await screenshots(appPage, 'launcher-app-signed-in');

  // signing out of Qiming signs the application out too (back-channel logout)
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login/);
  await expect.poll(() => rp!.logouts.length).toBe(1);
  await appPage.goto(`${rp.url}/`);
  await expect(appPage).toHaveURL(/\/login/);
});
