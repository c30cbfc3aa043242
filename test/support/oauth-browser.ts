import { createHash, randomBytes } from 'node:crypto';

/**
 * A scripted browser over plain HTTP for the OAuth pages: a cookie jar, manual redirects, and form
 * posts built from the hidden inputs the page really rendered. It does what a user does — no
 * shortcut into the database.
 */
export interface PageResponse {
  status: number;
  url: string;
  headers: Headers;
  body: string;
  location?: string;
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** name → value of every <input> and the selected <option> of each <select> in the page. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (name && !/type="submit"/.test(tag)) fields[name] = decodeEntities(value);
  }
  for (const select of html.match(/<select\b[\s\S]*?<\/select>/g) ?? []) {
    const name = /\bname="([^"]*)"/.exec(select)?.[1];
    const option = /<option\b[^>]*\bselected[^>]*>/.exec(select)?.[0] ?? /<option\b[^>]*>/.exec(select)?.[0];
    const value = option ? /\bvalue="([^"]*)"/.exec(option)?.[1] : undefined;
    if (name && value !== undefined) fields[name] = decodeEntities(value);
  }
  return fields;
}

/** The value of each <option> of a select, for choosing an organization. */
export function selectOptions(html: string, name: string): string[] {
  const select = new RegExp(`<select\\b[^>]*name="${name}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
  return [...select.matchAll(/<option\b[^>]*\bvalue="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x3D;|&#61;/g, '=')
    .replace(/&#x60;|&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

export class OAuthBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(pathOrUrl: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.request('GET', pathOrUrl, undefined, headers);
  }

  async post(
    pathOrUrl: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<PageResponse> {
    return this.request('POST', pathOrUrl, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    });
  }

  async request(
    method: string,
    pathOrUrl: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<PageResponse> {
    const url = new URL(pathOrUrl, this.baseUrl).toString();
    const response = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: { ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...headers },
      signal: AbortSignal.timeout(15_000),
    });
    this.remember(response.headers);
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, url, headers: response.headers, body: await response.text(), location };
  }

  /** Follows same-origin redirects; stops at the first one that leaves the server (the client callback). */
  async follow(first: PageResponse): Promise<PageResponse> {
    let current = first;
    for (let hops = 0; hops < 10 && current.location; hops++) {
      const next = new URL(current.location, current.url);
      if (next.origin !== new URL(this.baseUrl).origin) return current;
      current = await this.get(next.toString());
    }
    return current;
  }

  /** Fills and submits the login form shown on `page`; returns the page after redirects. */
  async login(page: PageResponse, email: string, password: string): Promise<PageResponse> {
    const fields = formFields(page.body);
    return this.follow(await this.post('/oauth/login', { ...fields, email, password }));
  }

  /** Submits the consent form with a decision (and organization when given). */
  async decide(page: PageResponse, decision: 'approve' | 'deny', orgId?: string): Promise<PageResponse> {
    const fields = formFields(page.body);
    return this.post('/oauth/consent', { ...fields, ...(orgId ? { org_id: orgId } : {}), decision });
  }
}

/** Everything in one go: authorize URL → login → consent approve → the client callback URL. */
export async function signInAndApprove(
  browser: OAuthBrowser,
  authorizeUrl: string,
  credentials: { email: string; password: string; orgId?: string },
): Promise<URL> {
  let page = await browser.follow(await browser.get(authorizeUrl));
  if (page.url.includes('/oauth/login'))
    page = await browser.login(page, credentials.email, credentials.password);
  if (page.url.includes('/oauth/consent') && page.status === 200)
    page = await browser.decide(page, 'approve', credentials.orgId);
  if (!page.location)
    throw new Error(
      `expected a redirect to the client, got ${page.status} at ${page.url}:\n${page.body.slice(0, 500)}`,
    );
  return new URL(page.location);
}
