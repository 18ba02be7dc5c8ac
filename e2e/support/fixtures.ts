import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type APIResponse, type Page } from '@playwright/test';
import { base32Decode, totp } from '../../packages/server/src/modules/identity/mfa/totp.ts';
import { E2E_DEMO_PASSWORD, E2E_MFA_SECRETS } from '../playwright.config.ts';

/** The header the API asks of state-changing requests (CSRF guard), for requests sent outside apiJson. */
export const csrf = { 'x-requested-with': 'qiming' };
/** The password a demo user gets at its first sign-in in this run (stable, so a retry in a new worker knows it). */
const changedPassword = (_username: string) => 'Journey#2026pw';

/** Authenticator secrets of the demo administrators enrolled in this run (the file is removed when the server starts). */
const secrets = (): Record<string, string> => (existsSync(E2E_MFA_SECRETS) ? JSON.parse(readFileSync(E2E_MFA_SECRETS, 'utf8')) : {});
export const rememberMfaSecret = (username: string, secret: string) =>
  writeFileSync(E2E_MFA_SECRETS, JSON.stringify({ ...secrets(), [username]: secret }));
export const mfaSecretOf = (username: string): string | undefined => secrets()[username];

/** The authenticator's code for a secret, `steps` periods from now (the server accepts one either side). */
export const totpCode = (secret: string, steps = 0): string => totp(base32Decode(secret), Date.now() + steps * 30_000);

/**
 * The second step with a code computed from the secret. A code of a step already used is refused
 * (replay guard), so a second sign-in within the same 30 s uses the next step's code, and a
 * third waits for a new step.
 */
async function secondStep(api: APIRequestContext, username: string): Promise<APIResponse> {
  const secret = mfaSecretOf(username);
  if (!secret) throw new Error(`${username} has two-step verification on, but this run did not enrol it`);
  for (let attempt = 0; attempt < 4; attempt++) {
    const res = await api.post('/api/auth/mfa', { data: { method: 'totp', code: totpCode(secret, attempt % 2) }, headers: csrf });
    if (res.ok() || (await res.json()).error?.code !== 'MFA_CODE_REUSED') return res;
    if (attempt % 2) await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
  }
  throw new Error(`second step for ${username}: every code was refused as reused`);
}

/**
 * Signs a demo user in through the API, in the page's own cookie jar. Demo accounts must change
 * their password at first sign-in, and administrators must enrol in two-step verification; the
 * fixture does both through the API too, once per run, and later gives the TOTP code.
 */
export async function signIn(page: Page, username: string, role?: string): Promise<void> {
  const api = page.request;
  let res = await api.post('/api/auth/login', { data: { username, password: changedPassword(username) } });
  if (res.status() === 401) res = await api.post('/api/auth/login', { data: { username, password: E2E_DEMO_PASSWORD } });
  if (!res.ok()) throw new Error(`login ${username}: ${res.status()} ${await res.text()}`);
  let me = await res.json();
  if (me.status === 'mfa_required') {
    res = await secondStep(api, username);
    if (!res.ok()) throw new Error(`second step ${username}: ${res.status()} ${await res.text()}`);
    me = await res.json();
  }
  if (me.mustChangePassword) {
    const change = await api.post('/api/me/password', {
      data: { currentPassword: E2E_DEMO_PASSWORD, newPassword: changedPassword(username) },
      headers: csrf,
    });
    if (change.status() !== 204) throw new Error(`change password ${username}: ${change.status()} ${await change.text()}`);
  }
  if (me.mfaEnrollmentRequired) {
    const { secret } = await apiJson<{ secret: string }>(api, 'post', '/api/me/mfa/enrollment');
    await apiJson(api, 'post', '/api/me/mfa/enrollment/confirm', { code: totpCode(secret) });
    rememberMfaSecret(username, secret);
  }
  if (role) {
    const sw = await api.post('/api/me/active-role', { data: { role }, headers: csrf });
    if (!sw.ok()) throw new Error(`switch ${username} to ${role}: ${sw.status()}`);
  }
}

export async function apiJson<T = any>(api: APIRequestContext, method: 'get' | 'post' | 'put', url: string, data?: unknown): Promise<T> {
  const res = await api[method](url, { data, headers: csrf });
  if (!res.ok()) throw new Error(`${method} ${url}: ${res.status()} ${await res.text()}`);
  return res.json() as Promise<T>;
}

const shotDir = path.resolve(import.meta.dirname, '../artifacts/screenshots');
mkdirSync(shotDir, { recursive: true });

/** Where a run's screenshot of this name goes (e2e/artifacts/screenshots, ignored by git), wherever the run was started. */
export const shotPath = (file: string): string => path.join(shotDir, file);

/** Saves the page at desktop width and at a phone width (390×844), as artifacts of the run. */
export async function screenshots(page: Page, name: string): Promise<void> {
  const original = page.viewportSize();
  await page.screenshot({ path: shotPath(`${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shotPath(`${name}-phone.png`), fullPage: true });
  if (original) await page.setViewportSize(original);
}

/**
 * Picks an option of the antd Select with the given test id and checks that it took. antd opens its
 * dropdown with an animation; a click that lands while it moves is lost, so the pick is retried.
 */
export async function pickOption(page: Page, testId: string, label: string): Promise<void> {
  const select = page.getByTestId(testId);
  await expect(async () => {
    await select.click();
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${label}"]`).click({ timeout: 2_000 });
    await expect(select).toContainText(label, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
}
