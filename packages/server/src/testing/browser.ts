/**
 * A minimal browser for protocol tests: a cookie jar per host, as a browser keeps it (by name;
 * paths ignored, which only sends more cookies than a browser would; ports do not separate
 * cookies, as in a browser), and redirect following, so SSO flows — also between two instances
 * on two loopback addresses — run over real HTTP.
 */
export type Browser = {
  /** Cookies given at creation: sent to every host (for tests of one server). */
  cookies: Map<string, string>;
  /** The cookies a host set. */
  jar: (host: string) => Map<string, string>;
  cookieHeader: () => string;
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** Follows redirects from `url` until a response is not a redirect or `stop` says so; returns the last URL and response. */
  follow: (url: string, stop?: (url: URL) => boolean) => Promise<{ url: string; res: Response }>;
};

export function createBrowser(initialCookie?: string | null): Browser {
  const cookies = new Map<string, string>();
  const jars = new Map<string, Map<string, string>>();
  const jar = (host: string) => {
    let j = jars.get(host);
    if (!j) jars.set(host, (j = new Map()));
    return j;
  };
  if (initialCookie) for (const c of initialCookie.split(';')) add(c.trim());
  function add(pair: string) {
    const eq = pair.indexOf('=');
    if (eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const cookiesFor = (host?: string) => new Map([...cookies, ...(host ? jar(host) : [])]);
  const cookieHeader = (host?: string) => [...cookiesFor(host)].map(([k, v]) => `${k}=${v}`).join('; ');
  const b: Browser = {
    cookies,
    jar,
    cookieHeader: () => cookieHeader(),
    async fetch(url, init = {}) {
      const host = new URL(url).hostname;
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(host) },
      });
      for (const sc of res.headers.getSetCookie()) {
        const [pair, ...attrs] = sc.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]) < new Date()));
        if (!value || expired) {
          jar(host).delete(name);
          cookies.delete(name);
        } else jar(host).set(name, value);
      }
      return res;
    },
    async follow(url, stop = () => false) {
      let current = new URL(url);
      for (let hops = 0; hops < 20; hops++) {
        if (hops > 0 && stop(current)) return { url: current.toString(), res: new Response(null, { status: 204 }) };
        const res = await b.fetch(current.toString());
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location) return { url: current.toString(), res };
        await res.arrayBuffer();
        current = new URL(location, current);
      }
      throw new Error(`too many redirects from ${url}`);
    },
  };
  return b;
}
