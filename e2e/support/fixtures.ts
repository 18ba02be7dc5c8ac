import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_DEMO_PASSWORD } from '../playwright.config.ts';

const csrf = { 'x-requested-with': 'qiming' };
/** The password a demo user gets at its first sign-in in this run (stable, so a retry in a new worker knows it). */
const changedPassword = (_username: string) => 'Journey#2026pw';

/**
 * Signs a demo user in through the API, in the page's own cookie jar. Demo accounts must change
 * their password at first sign-in; the fixture does that through the API too, once per run.
 */
export async function signIn(page: Page, username: string, role?: string): Promise<void> {
  const api = page.request;
  let res = await api.post('/api/auth/login', { data: { username, password: changedPassword(username) } });
  if (res.status() === 401) res = await api.post('/api/auth/login', { data: { username, password: E2E_DEMO_PASSWORD } });
  if (!res.ok()) throw new Error(`login ${username}: ${res.status()} ${await res.text()}`);
  const me = await res.json();
  if (me.mustChangePassword) {
    const change = await api.post('/api/me/password', {
      data: { currentPassword: E2E_DEMO_PASSWORD, newPassword: changedPassword(username) },
      headers: csrf,
    });
    if (change.status() !== 204) throw new Error(`change password ${username}: ${change.status()} ${await change.text()}`);
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

/** Saves the page at desktop width and at a phone width (390×844), as artifacts of the run. */
export async function screenshots(page: Page, name: string): Promise<void> {
  const original = page.viewportSize();
  await page.screenshot({ path: path.join(shotDir, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shotDir, `${name}-phone.png`), fullPage: true });
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
