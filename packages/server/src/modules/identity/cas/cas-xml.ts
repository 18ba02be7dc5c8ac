/** CAS 3.0 protocol responses (https://apereo.github.io/cas/7.0.x/protocol/CAS-Protocol-Specification.html). */
export const CAS_NS = 'http://www.yale.edu/tp/cas';

export type CasFailureCode =
  | 'INVALID_REQUEST'
  | 'INVALID_TICKET_SPEC'
  | 'UNAUTHORIZED_SERVICE_PROXY'
  | 'INVALID_PROXY_CALLBACK'
  | 'INVALID_TICKET'
  | 'INVALID_SERVICE'
  | 'INTERNAL_ERROR';

export const xmlEscape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Attribute names are XML element names in the cas namespace: keep to letters, digits and _. */
const attrName = (k: string) => k.replace(/[^A-Za-z0-9_]/g, '_');

export function casFailure(code: CasFailureCode, message: string): string {
  return `<cas:serviceResponse xmlns:cas="${CAS_NS}">
  <cas:authenticationFailure code="${code}">${xmlEscape(message)}</cas:authenticationFailure>
</cas:serviceResponse>
`;
}

export type CasAttributes = Record<string, string | boolean | (string | boolean)[]>;

/** The outcome of a ticket validation, before it is written in the format the service asked for. */
export type CasOutcome = { ok: true; user: string; attributes?: CasAttributes } | { ok: false; code: CasFailureCode; message: string };

/** The formats of a validation response (CAS 3.0 §2.5.1 `format`): XML unless the service asks for JSON. */
export type CasFormat = 'XML' | 'JSON';

/** A validation response in the format asked for: the XML of §2.5.2, or its JSON form. */
export function casResponse(outcome: CasOutcome, format: CasFormat): { body: string; contentType: string } {
  if (format === 'JSON') {
    const serviceResponse = outcome.ok
      ? { authenticationSuccess: { user: outcome.user, ...(outcome.attributes ? { attributes: outcome.attributes } : {}) } }
      : { authenticationFailure: { code: outcome.code, description: outcome.message } };
    return { body: JSON.stringify({ serviceResponse }), contentType: 'application/json; charset=utf-8' };
  }
  return {
    body: outcome.ok ? casSuccess(outcome.user, outcome.attributes) : casFailure(outcome.code, outcome.message),
    contentType: 'application/xml; charset=utf-8',
  };
}

/** Success; attributes (CAS 3.0, /p3/serviceValidate) repeat an element for each value of a list. */
export function casSuccess(user: string, attributes?: CasAttributes): string {
  const attrs = attributes
    ? `
    <cas:attributes>
${Object.entries(attributes)
  .flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((one) => `      <cas:${attrName(k)}>${xmlEscape(String(one))}</cas:${attrName(k)}>`),
  )
  .join('\n')}
    </cas:attributes>`
    : '';
  return `<cas:serviceResponse xmlns:cas="${CAS_NS}">
  <cas:authenticationSuccess>
    <cas:user>${xmlEscape(user)}</cas:user>${attrs}
  </cas:authenticationSuccess>
</cas:serviceResponse>
`;
}

/** The SAML LogoutRequest a CAS server POSTs to a service for single logout (parameter logoutRequest). */
export function casLogoutRequest(id: string, ticket: string, at = new Date()): string {
  return `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${xmlEscape(id)}" Version="2.0" IssueInstant="${at.toISOString()}"><saml:NameID>@NOT_USED@</saml:NameID><samlp:SessionIndex>${xmlEscape(ticket)}</samlp:SessionIndex></samlp:LogoutRequest>`;
}
