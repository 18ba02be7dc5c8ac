import { createServer, type Server } from 'node:http';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser } from '../../../testing/browser.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';
import { CAS_NS } from './cas-xml.ts';

/**
 * CAS 3.0 against the protocol specification: responses are parsed with a real XML parser and
 * checked element by element in the http://www.yale.edu/tp/cas namespace; a service on a loopback
 * port receives the single-logout POST.
 */
const PORT = 4115;
const SERVICE = `http://127.0.0.1:${PORT}/app/`;
let t: TestApp;
let svc: Server;
const logoutRequests: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  svc = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') logoutRequests.push(new URLSearchParams(body).get('logoutRequest') ?? '');
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => svc.listen(PORT, '127.0.0.1', r));
  const admin = await t.as('d1_admin');
  const res = await admin.post('/api/apps', {
    name: '校园图书馆',
    category: 'resources',
    homeUrl: SERVICE,
    protocol: 'cas',
    ownerScopeId: t.world.units.d1,
    cas: { servicePrefix: SERVICE },
  });
  expect(res.status).toBe(201);
  expect((await admin.put(`/api/apps/${res.body.app.id}/enablements/${t.world.units.d1}`)).status).toBe(200);
});
afterAll(async () => {
  await new Promise((r) => svc?.close(r));
  await t?.close();
});

const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');
const children = (el: Element) => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);

async function ticketFor(username: string, service = SERVICE) {
  const b = createBrowser((await t.as(username)).cookie);
  const res = await b.fetch(`${t.baseUrl}/cas/login?service=${encodeURIComponent(service)}`);
  return { b, res, ticket: new URL(res.headers.get('location') ?? 'http://x/', t.baseUrl).searchParams.get('ticket') };
}

async function validate(ticket: string | null, service = SERVICE, path = '/cas/p3/serviceValidate') {
  const res = await fetch(`${t.baseUrl}${path}?${new URLSearchParams({ service, ...(ticket ? { ticket } : {}) })}`);
  expect(res.headers.get('content-type')).toContain('application/xml');
  const doc = parse(await res.text());
  const root = doc.documentElement!;
  expect(root.namespaceURI).toBe(CAS_NS);
  expect(root.localName).toBe('serviceResponse');
  const [outcome] = children(root);
  return { root, outcome };
}

describe('CAS 3.0 login and validation', () => {
  it('a signed-in user gets a service ticket at once; /p3/serviceValidate returns user and attributes', async () => {
    const { res, ticket } = await ticketFor('teacher_a1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')!.startsWith(`${SERVICE}?ticket=ST-`)).toBe(true);
    expect(ticket!.length).toBeLessThanOrEqual(256);
    const { outcome } = await validate(ticket);
    expect(outcome.namespaceURI).toBe(CAS_NS);
    expect(outcome.localName).toBe('authenticationSuccess');
    const [user, attributes] = children(outcome);
    expect(user.localName).toBe('user');
    expect(user.textContent).toBe('teacher_a1');
    expect(attributes.localName).toBe('attributes');
    const attrs = new Map<string, string[]>();
    for (const a of children(attributes)) {
      expect(a.namespaceURI).toBe(CAS_NS);
      attrs.set(a.localName!, [...(attrs.get(a.localName!) ?? []), a.textContent ?? '']);
    }
    expect(new Date(attrs.get('authenticationDate')![0]).getTime()).toBeGreaterThan(Date.now() - 600_000);
    expect(attrs.get('isFromNewLogin')).toHaveLength(1);
    expect(attrs.get('longTermAuthenticationRequestTokenUsed')).toEqual(['false']);
    expect(attrs.get('displayName')).toEqual(['王老师']);
    expect(attrs.get('roles')!.sort()).toEqual(['head_teacher', 'teacher']);
    expect(attrs.get('schoolName')).toEqual(['市南区实验小学']);
    expect(attrs.get('schoolCode')).toEqual(['2137020201']);
    expect(attrs.get('regionCode')).toEqual(['370202']);
  });

  it('/serviceValidate answers without attributes', async () => {
    const { ticket } = await ticketFor('teacher_a2');
    const { outcome } = await validate(ticket, SERVICE, '/cas/serviceValidate');
    expect(outcome.localName).toBe('authenticationSuccess');
    expect(children(outcome).map((c) => c.localName)).toEqual(['user']);
  });

  it('a ticket is single-use, bound to its service, and expires; failures carry the spec’s codes', async () => {
    const { ticket } = await ticketFor('teacher_a1');
    expect((await validate(ticket)).outcome.localName).toBe('authenticationSuccess');
    const replay = (await validate(ticket)).outcome;
    expect(replay.localName).toBe('authenticationFailure');
    expect(replay.getAttribute('code')).toBe('INVALID_TICKET');

    const other = await ticketFor('teacher_a1');
    const wrong = (await validate(other.ticket, `${SERVICE}elsewhere`)).outcome;
    expect(wrong.getAttribute('code')).toBe('INVALID_SERVICE');
    // the failed attempt used the ticket up
    expect((await validate(other.ticket)).outcome.getAttribute('code')).toBe('INVALID_TICKET');

    const late = await ticketFor('teacher_a1');
    await t.ctx.db
      .updateTable('cas_tickets')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', late.ticket!)
      .execute();
    expect((await validate(late.ticket)).outcome.getAttribute('code')).toBe('INVALID_TICKET');

    expect((await validate(null)).outcome.getAttribute('code')).toBe('INVALID_REQUEST');
    expect((await validate('PT-forged')).outcome.getAttribute('code')).toBe('INVALID_TICKET_SPEC');
    expect((await validate('ST-forged')).outcome.getAttribute('code')).toBe('INVALID_TICKET');
    const failures = await t.ctx.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'cas.validate')
      .where('outcome', '=', 'failure')
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(6);
  });

  it('format=JSON answers in the JSON form of the protocol; an unknown format is INVALID_REQUEST and leaves the ticket usable', async () => {
    const json = async (ticket: string | null, format = 'JSON', service = SERVICE) => {
      const res = await fetch(
        `${t.baseUrl}/cas/p3/serviceValidate?${new URLSearchParams({ service, format, ...(ticket ? { ticket } : {}) })}`,
      );
      return { res, body: res.headers.get('content-type')?.includes('json') ? ((await res.json()) as any) : await res.text() };
    };
    const { ticket } = await ticketFor('teacher_a1');
    const odd = await json(ticket, 'YAML');
    expect(odd.res.status).toBe(200);
    const oddFailure = parse(odd.body as string).getElementsByTagNameNS(CAS_NS, 'authenticationFailure')[0];
    expect(oddFailure.getAttribute('code')).toBe('INVALID_REQUEST');

    const ok = await json(ticket);
    expect(ok.res.headers.get('content-type')).toContain('application/json');
    const success = ok.body.serviceResponse.authenticationSuccess;
    expect(success.user).toBe('teacher_a1');
    expect(success.attributes).toMatchObject({
      displayName: '王老师',
      schoolCode: '2137020201',
      regionCode: '370202',
      longTermAuthenticationRequestTokenUsed: false,
    });
    expect(success.attributes.roles.sort()).toEqual(['head_teacher', 'teacher']);
    expect(Object.keys(ok.body.serviceResponse)).toEqual(['authenticationSuccess']);

    const replay = await json(ticket);
    expect(replay.body.serviceResponse.authenticationFailure).toMatchObject({ code: 'INVALID_TICKET', description: expect.any(String) });
    expect((await json(null)).body.serviceResponse.authenticationFailure.code).toBe('INVALID_REQUEST');
  });

  it('sends a browser without a session to the Qiming sign-in page and back; gateway does not', async () => {
    const b = createBrowser();
    const res = await b.fetch(`${t.baseUrl}/cas/login?service=${encodeURIComponent(SERVICE)}`);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!, t.baseUrl);
    expect(to.pathname).toBe('/login');
    expect(to.searchParams.get('next')).toBe(`/cas/login?service=${encodeURIComponent(SERVICE)}`);
    const gw = await b.fetch(`${t.baseUrl}/cas/login?service=${encodeURIComponent(SERVICE)}&gateway=true`);
    expect(gw.headers.get('location')).toBe(SERVICE);
  });

  it('refuses unregistered services, and users whose school has not enabled the service', async () => {
    const { res } = await ticketFor('teacher_a1', 'http://evil.example/steal');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('未在平台登记');
    const x = await ticketFor('teacher_x1');
    expect(x.res.status).toBe(403);
    expect(x.ticket).toBeNull();
  });

  it('renew=true needs a fresh sign-in, and a renew validation accepts only such tickets', async () => {
    const { ticket } = await ticketFor('teacher_a1');
    // the fixture session was just created: the ticket counts as from a new login
    expect((await validate(ticket, SERVICE, '/cas/p3/serviceValidate')).outcome.localName).toBe('authenticationSuccess');
    const c = await t.as('teacher_a1');
    const session = t.ctx.cipher.mac(c.cookie!.split('=')[1]);
    await t.ctx.db
      .updateTable('sessions')
      .set({ created_at: new Date(Date.now() - 3600_000) })
      .where('id', '=', session)
      .execute();
    const b = createBrowser(c.cookie);
    const renew = await b.fetch(`${t.baseUrl}/cas/login?service=${encodeURIComponent(SERVICE)}&renew=true`);
    expect(new URL(renew.headers.get('location')!, t.baseUrl).pathname).toBe('/login');
    // with both, renew takes precedence: still the sign-in page, not back to the service without a ticket
    const both = await b.fetch(`${t.baseUrl}/cas/login?service=${encodeURIComponent(SERVICE)}&renew=true&gateway=true`);
    expect(new URL(both.headers.get('location')!, t.baseUrl).pathname).toBe('/login');
    const old = await b.fetch(`${t.baseUrl}/cas/login?service=${encodeURIComponent(SERVICE)}`);
    const oldTicket = new URL(old.headers.get('location')!).searchParams.get('ticket');
    const res = await fetch(
      `${t.baseUrl}/cas/serviceValidate?${new URLSearchParams({ service: SERVICE, ticket: oldTicket!, renew: 'true' })}`,
    );
    expect(
      parse(await res.text())
        .getElementsByTagNameNS(CAS_NS, 'authenticationFailure')[0]
        .getAttribute('code'),
    ).toBe('INVALID_TICKET');
  });
});

describe('CAS single logout', () => {
  it('signing out (via /cas/logout or the Qiming sign-out) POSTs a SAML LogoutRequest naming the ticket to the service', async () => {
    const { b, ticket } = await ticketFor('teacher_b1');
    expect((await validate(ticket)).outcome.localName).toBe('authenticationSuccess');
    logoutRequests.length = 0;
    const out = await b.fetch(`${t.baseUrl}/cas/logout?service=${encodeURIComponent(SERVICE)}`);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(SERVICE);
    expect(logoutRequests).toHaveLength(1);
    const doc = parse(logoutRequests[0]).documentElement!;
    expect(doc.namespaceURI).toBe('urn:oasis:names:tc:SAML:2.0:protocol');
    expect(doc.localName).toBe('LogoutRequest');
    expect(doc.getAttribute('Version')).toBe('2.0');
    expect(doc.getAttribute('ID')).toBeTruthy();
    expect(doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:protocol', 'SessionIndex')[0].textContent).toBe(ticket);
    expect(doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'NameID')[0].textContent).toBe('@NOT_USED@');
    // signed out of Qiming too
    expect((await b.fetch(`${t.baseUrl}/api/me`)).status).toBe(401);
    // logging out never redirects to an unregistered address
    const open = await b.fetch(`${t.baseUrl}/cas/logout?service=${encodeURIComponent('http://evil.example/')}`);
    expect(open.status).toBe(200);

    const second = await ticketFor('teacher_b1');
    await validate(second.ticket);
    logoutRequests.length = 0;
    expect(
      (await second.b.fetch(`${t.baseUrl}/api/auth/logout`, { method: 'POST', headers: { 'x-requested-with': 'qiming' } })).status,
    ).toBe(204);
    expect(logoutRequests).toHaveLength(1);
  });
});

describe('CAS rate limit', () => {
  it('ticket validation answers 429 with a CAS failure past the per-address limit', async () => {
    const before = t.ctx.config.ssoRateLimit;
    t.ctx.config.ssoRateLimit = 1;
    try {
      await t.ctx.db.deleteFrom('rate_limit_counters').where('bucket', '=', 'cas:validate:ip').execute();
      await validate('ST-one');
      const res = await fetch(`${t.baseUrl}/cas/serviceValidate?${new URLSearchParams({ service: SERVICE, ticket: 'ST-two' })}`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBeTruthy();
      const failure = parse(await res.text()).getElementsByTagNameNS(CAS_NS, 'authenticationFailure')[0];
      expect(failure.getAttribute('code')).toBe('INTERNAL_ERROR');
    } finally {
      t.ctx.config.ssoRateLimit = before;
    }
  });
});
