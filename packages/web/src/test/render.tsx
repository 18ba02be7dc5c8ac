import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, beforeEach, expect, vi, type MockInstance } from 'vitest';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { Providers } from '../app/providers.tsx';
import { createQueryClient } from '../app/query-client.ts';
import type { Locale } from '../lib/i18n.ts';

type RenderOptions = { at?: string; locale?: Locale };

/**
 * Renders routes inside the app's providers (i18n, antd, a fresh query cache) at `at`, and
 * returns the router so a test can read where the app navigated to.
 */
export function renderRoutes(routes: RouteObject[], { at = '/', locale = 'zh-CN' }: RenderOptions = {}) {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { ...client.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(routes, { initialEntries: [at] });
  const view = render(
    <Providers client={client} initialLocale={locale}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...view, router, client };
}

/** Renders one element, whatever the path. */
export const renderPage = (element: ReactElement, options?: RenderOptions) => renderRoutes([{ path: '*', element }], options);

/** One request the app made: path with query string, headers as sent, body parsed from JSON (FormData as is). */
export type MockCall = { method: string; url: string; headers: Record<string, string>; body: unknown };
export type MockResponse = { status?: number; body?: unknown; headers?: Record<string, string> };
type MockRoute = MockResponse | ((call: MockCall) => MockResponse | Promise<MockResponse>);

/** The API's error envelope as a mock response. */
export const apiError = (status: number, code: string, message: string, details?: unknown): MockResponse => ({
  status,
  body: { error: { code, message, details } },
});

/**
 * Stubs fetch with routes keyed 'METHOD /path' (the query string is ignored for matching). A
 * request no route answers gets a 404 NOT_FOUND and is still recorded. Returns the calls made.
 */
export function mockApi(routes: Record<string, MockRoute>): MockCall[] {
  const calls: MockCall[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const method = init.method ?? 'GET';
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    // keep the header names as the app wrote them, for readable assertions
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k] = v;
    const raw = init.body;
    const body = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    const call: MockCall = { method, url, headers, body };
    calls.push(call);
    const route = routes[`${method} ${url.split('?')[0]}`];
    const res = typeof route === 'function' ? await route(call) : (route ?? apiError(404, 'NOT_FOUND', '未找到该对象，或您无权查看'));
    const status = res.status ?? 200;
    const hasBody = status !== 204 && res.body !== undefined;
    return new Response(hasBody ? JSON.stringify(res.body) : null, {
      status,
      headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...res.headers },
    });
  });
  return calls;
}

/**
 * Makes each test of the file fail when something reports a deprecation (antd does, through
 * console.error and console.warn, for deprecated components and props), so one is replaced when it
 * appears rather than when the next major version removes it.
 */
export function failOnDeprecations(): void {
  let spies: MockInstance[] = [];
  beforeEach(() => {
    spies = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')];
  });
  afterEach(() => {
    const said = spies.flatMap((s) => s.mock.calls.map((c) => c.map(String).join(' ')));
    expect(said.filter((m) => /deprecated/i.test(m))).toEqual([]);
  });
}
