import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DEMO_PASSWORD = 'Demo#Qiming2026';
/** Where the fixtures keep the authenticator secrets of administrators they enrolled in this run. */
export const E2E_MFA_SECRETS = path.resolve(import.meta.dirname, '../.tmp/e2e-mfa-secrets.json');

/** Journeys run in Debian's Chromium against the real server on a fresh embedded database with demo data. */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: 'artifacts/results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 1,
  workers: 1,
  reporter: [['list'], ['html', { outputFolder: 'artifacts/report', open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } } }],
  webServer: {
    command: `rm -rf ../.tmp/e2e-data ../.tmp/e2e-mfa-secrets.json && node --import tsx ../packages/server/src/main.ts`,
    cwd: import.meta.dirname,
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      QIMING_DATA_DIR: '../.tmp/e2e-data',
      QIMING_DEMO: 'true',
      QIMING_DEMO_PASSWORD: E2E_DEMO_PASSWORD,
      QIMING_SECRET_KEY: 'e2e-secret-key-only-for-browser-tests',
      LOG_LEVEL: 'warn',
    },
  },
});
