import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import type { LaunchedBrowser } from '../../support/browser';
import { newPkce } from '../../support/oauth-browser';
import type { Pkce } from '../../support/oauth-browser';
import {
  authorizeUrl,
  exchangeCode,
  principalOf,
  publicClientMetadata,
  registerClient,
  tokenSet,
  whoami,
} from '../../support/oauth-flows';
import type { RegisteredClient } from '../../support/oauth-flows';
import { startOAuthTestApp, TEST_PASSWORD } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/**
 * The OAuth pages in a real browser (Debian's Chromium driven by playwright-core): sign-in, consent
 * with an organization choice, the hop back to a native client's loopback redirect URI, a denied
 * consent, connected apps with Disconnect and Sign out, keyboard-only use, and rendering at phone
 * and desktop widths with screenshots for a reviewer.
 */

/** Relative to where the tests run (the repository root under `npm test`), not to the compiled file. */
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');

const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
type ViewportName = keyof typeof VIEWPORTS;

const FIRST_ORG = 'Acme Manufacturing';
const SECOND_ORG = 'Globex Europe';
const ALL_SCOPES = 'ar:read ar:write payments:write offline_access';

/** The native client's side of the redirect: a loopback HTTP server that records each callback. */
interface CallbackServer {
  server: Server;
  redirectUri: string;
  received: URL[];
}

async function startCallbackServer(): Promise<CallbackServer> {
  const received: URL[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    // Chromium also asks for /favicon.ico; only the redirect itself counts.
    if (url.pathname === '/callback') received.push(url);
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('done');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, redirectUri: `http://127.0.0.1:${port}/callback`, received };
}

/** The few DOM members the in-page functions use: tsconfig has no DOM lib, and they run in Chromium. */
interface DomElement {
  tagName: string;
  id: string;
  textContent: string | null;
  scrollWidth: number;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
}
interface DomWindow {
  innerWidth: number;
  document: {
    activeElement: DomElement | null;
    body: DomElement;
    documentElement: DomElement;
    scrollingElement: DomElement | null;
    querySelectorAll(selector: string): Iterable<DomElement>;
  };
  getComputedStyle(element: DomElement): { outlineStyle: string; outlineWidth: string; boxShadow: string };
}

interface FocusInfo {
  description: string;
  outlineStyle: string;
  outlineWidth: string;
  boxShadow: string;
}

async function focused(page: Page): Promise<FocusInfo> {
  return page.evaluate(() => {
    const window = globalThis as unknown as DomWindow;
    const element = window.document.activeElement ?? window.document.body;
    const style = window.getComputedStyle(element);
    const name = element.getAttribute('name') ?? element.getAttribute('id') ?? '';
    const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ');
    return {
      description: `${element.tagName.toLowerCase()}[${name}] "${text.slice(0, 40)}"`,
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
      boxShadow: style.boxShadow,
    };
  });
}

/** The focused element must show it: an outline (not none, wider than 0) or a box shadow. */
async function assertFocusVisible(page: Page): Promise<FocusInfo> {
  const info = await focused(page);
  const outline = info.outlineStyle !== 'none' && parseFloat(info.outlineWidth) > 0;
  const shadow = info.boxShadow !== 'none' && info.boxShadow !== '';
  assert.ok(outline || shadow, `focus is not visible on ${info.description}: ${JSON.stringify(info)}`);
  return info;
}

/** Presses Tab (or Shift+Tab) until the focused element matches; each stop must show its focus. */
async function tabUntil(page: Page, selector: string, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let presses = 0; presses < 15; presses++) {
    await page.keyboard.press(key);
    const info = await assertFocusVisible(page);
    const reached = await page.evaluate(
      (s) => (globalThis as unknown as DomWindow).document.activeElement?.matches(s) ?? false,
      selector,
    );
    if (reached) return;
    assert.ok(!info.description.startsWith('body'), `${key} left the page before reaching ${selector}`);
  }
  assert.fail(`${key} never reached ${selector}`);
}

interface RenderReport {
  scrollWidth: number;
  innerWidth: number;
  buttons: { label: string; left: number; right: number; height: number }[];
}

/** No horizontal scroll; every button inside the viewport width, and at least 44px tall on a phone. */
async function checkRendering(page: Page, viewport: ViewportName, name: string): Promise<RenderReport> {
  const report = await page.evaluate(() => {
    const window = globalThis as unknown as DomWindow;
    const { document } = window;
    const scroller = document.scrollingElement ?? document.documentElement;
    return {
      scrollWidth: scroller.scrollWidth,
      innerWidth: window.innerWidth,
      buttons: Array.from(document.querySelectorAll('button, .button'))
        .map((element) => ({ element, rect: element.getBoundingClientRect() }))
        .filter(({ rect }) => rect.width > 0 && rect.height > 0)
        .map(({ element, rect }) => ({
          label: (element.textContent ?? '').trim().replace(/\s+/g, ' '),
          left: rect.left,
          right: rect.right,
          height: rect.height,
        })),
    };
  });
  const where = `${name} at ${viewport} (${report.innerWidth}px)`;
  assert.ok(
    report.scrollWidth <= report.innerWidth,
    `${where} scrolls sideways: scrollWidth ${report.scrollWidth} > innerWidth ${report.innerWidth}`,
  );
  for (const button of report.buttons) {
    assert.ok(
      button.left >= 0 && button.right <= report.innerWidth + 0.5,
      `${where}: button "${button.label}" spans ${button.left}–${button.right}, outside the viewport`,
    );
    if (viewport === 'phone') {
      assert.ok(
        button.height >= 44,
        `${where}: button "${button.label}" is ${button.height}px tall, under the 44px touch target`,
      );
    }
  }
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${viewport}.png`), fullPage: true });
  return report;
}

describe('the OAuth pages in a real browser (Chromium)', () => {
  let app: OAuthTestApp;
  /** Rejects with the reason when Chromium is missing, so every test fails with it (never a skip). */
  let chromium: Promise<LaunchedBrowser>;
  let callback: CallbackServer;
  let firstOrgId: string;
  let secondOrgId: string;
  let userCounter = 0;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    console.log(`Browser screenshots: ${SCREENSHOTS}`);
    chromium = launchChromium();
    chromium.catch(() => undefined); // reported by each test that needs the browser
    callback = await startCallbackServer();
    app = await startOAuthTestApp();
    firstOrgId = await app.createOrganization(FIRST_ORG);
    secondOrgId = await app.createOrganization(SECOND_ORG);
  });

  after(async () => {
    // before() may have failed part-way (no Chromium): close only what was started.
    await chromium?.then((browser) => browser.close()).catch(() => undefined);
    if (callback) await new Promise((resolve) => callback.server.close(resolve));
    await app?.stop();
  });

  /** A user of both organizations: collector in the first, manager in the second. */
  async function newUser(): Promise<string> {
    const email = `dana${++userCounter}@demo.example`;
    await app.createUser(email, [
      { orgId: firstOrgId, role: 'collector' },
      { orgId: secondOrgId, role: 'manager' },
    ]);
    return email;
  }

  async function newClient(name = 'Claude Code (tesorio)'): Promise<RegisteredClient> {
    return registerClient(
      app,
      publicClientMetadata({ client_name: name, redirect_uris: [callback.redirectUri] }),
    );
  }

  /** A fresh page with no cookies: nobody is signed in. */
  async function freshPage(viewport: ViewportName = 'desktop'): Promise<Page> {
    const { context } = await chromium;
    await context.clearCookies();
    const page = await context.newPage();
    await page.setViewportSize(VIEWPORTS[viewport]);
    return page;
  }

  /** Opens /authorize as the client would (prompt=consent, as SDK clients send with offline_access). */
  async function openAuthorize(
    page: Page,
    client: RegisteredClient,
    pkce: Pkce,
    state: string,
  ): Promise<void> {
    await page.goto(authorizeUrl(app, client, pkce, { state, scope: ALL_SCOPES, prompt: 'consent' }));
  }

  async function signIn(page: Page, email: string): Promise<void> {
    assert.match(page.url(), /\/oauth\/login\?request=/, 'expected the sign-in page');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/oauth\/consent\?request=/),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
  }

  /** Waits for the browser to land on the client's loopback redirect URI; returns that URL. */
  async function landOnCallback(page: Page, action: () => Promise<void>): Promise<URL> {
    const before = callback.received.length;
    await Promise.all([page.waitForURL((url) => url.href.startsWith(callback.redirectUri)), action()]);
    assert.equal(await page.locator('body').innerText(), 'done');
    assert.equal(callback.received.length, before + 1, 'the callback server saw exactly one request');
    return new URL(page.url());
  }

  /** Sign in, choose the second organization, approve, redeem the code: an access token. */
  async function connect(page: Page, email: string, client: RegisteredClient): Promise<string> {
    const pkce = newPkce();
    await openAuthorize(page, client, pkce, 'state-connect');
    if (page.url().includes('/oauth/login')) await signIn(page, email);
    await page.getByLabel('Organization to connect').selectOption({ value: secondOrgId });
    const landed = await landOnCallback(page, () =>
      page.getByRole('button', { name: 'Allow access' }).click(),
    );
    const code = landed.searchParams.get('code');
    assert.ok(code, `no code in ${landed.href}`);
    const tokens = await tokenSet(await exchangeCode(app, client, code, pkce.verifier), client);
    return tokens.access_token;
  }

  it('signs in, chooses the second organization on the consent page, approves, and the token acts for it', async () => {
    const email = await newUser();
    const client = await newClient();
    const page = await freshPage();
    const pkce = newPkce();

    await openAuthorize(page, client, pkce, 'state-approve');
    await assert.doesNotReject(
      page.getByRole('heading', { name: /Sign in to connect Claude Code/ }).waitFor(),
    );
    await signIn(page, email);

    await page.getByRole('heading', { name: /Claude Code \(tesorio\) wants to access/ }).waitFor();
    assert.equal(await page.getByText('Unverified app', { exact: true }).count(), 1);
    assert.match(await page.locator('.redirect-host').innerText(), /127\.0\.0\.1:\d+/);
    const select = page.getByLabel('Organization to connect');
    const options = await select.locator('option').allInnerTexts();
    assert.deepEqual(
      options.map((o) => o.trim()),
      [`${FIRST_ORG} (collector)`, `${SECOND_ORG} (manager)`],
    );
    await select.selectOption({ label: `${SECOND_ORG} (manager)` });
    assert.equal(await select.inputValue(), secondOrgId);

    const landed = await landOnCallback(page, () =>
      page.getByRole('button', { name: 'Allow access' }).click(),
    );
    assert.equal(landed.searchParams.get('state'), 'state-approve');
    assert.equal(landed.searchParams.get('iss'), app.baseUrl);
    const code = landed.searchParams.get('code');
    assert.ok(code, `no code in ${landed.href}`);
    assert.equal(landed.searchParams.get('error'), null);

    const tokens = await tokenSet(await exchangeCode(app, client, code, pkce.verifier), client);
    const principal = await principalOf(app, tokens.access_token);
    assert.equal(principal.orgId, secondOrgId, 'the token acts for the organization chosen on the page');
    assert.equal(principal.role, 'manager');
    assert.ok(
      principal.scopes.includes('payments:write'),
      `a manager keeps payments:write: ${principal.scopes.join(' ')}`,
    );
    await page.close();
  });

  it('a denied consent sends the browser back to the client with error=access_denied', async () => {
    const email = await newUser();
    const client = await newClient('Cursor');
    const page = await freshPage();
    const pkce = newPkce();

    await openAuthorize(page, client, pkce, 'state-deny');
    await signIn(page, email);
    const landed = await landOnCallback(page, () => page.getByRole('button', { name: 'Deny' }).click());
    assert.equal(landed.searchParams.get('error'), 'access_denied');
    assert.equal(landed.searchParams.get('state'), 'state-deny');
    assert.equal(landed.searchParams.get('iss'), app.baseUrl);
    assert.equal(landed.searchParams.get('code'), null);

    await page.goto(`${app.baseUrl}/account/connections`);
    assert.equal(await page.getByText('No apps are connected.').count(), 1, 'a denial creates no connection');
    await page.close();
  });

  it('connected apps lists the app with its organization; Disconnect removes it and ends its token', async () => {
    const email = await newUser();
    const client = await newClient('Inspector Disconnect Test');
    const page = await freshPage();
    const accessToken = await connect(page, email, client);
    assert.equal((await whoami(app, accessToken)).status, 200);

    await page.goto(`${app.baseUrl}/account/connections`);
    await page.getByRole('heading', { name: 'Connected apps' }).waitFor();
    assert.match(await page.locator('.page-heading').innerText(), new RegExp(`Signed in as\\s+${email}`));
    const row = page.locator('tbody tr', { hasText: 'Inspector Disconnect Test' });
    assert.equal(await row.count(), 1);
    assert.equal((await row.locator('td[data-label="Organization"]').innerText()).trim(), SECOND_ORG);
    assert.match(await row.locator('td[data-label="Access"]').innerText(), /payments:write/);

    await Promise.all([
      page.waitForURL(/\/account\/connections\?done=disconnected/),
      row.getByRole('button', { name: 'Disconnect Inspector Disconnect Test' }).click(),
    ]);
    assert.match(await page.getByRole('status').innerText(), /The app was disconnected/);
    assert.equal(await page.locator('tbody tr', { hasText: 'Inspector Disconnect Test' }).count(), 0);
    assert.equal(await page.getByText('No apps are connected.').count(), 1);

    const after = await whoami(app, accessToken);
    assert.equal(after.status, 401, 'a disconnected app loses access on the very next request');
    await page.close();
  });

  it('Sign out shows the signed-out page, after which connected apps asks to sign in again', async () => {
    const email = await newUser();
    const page = await freshPage();
    await page.goto(`${app.baseUrl}/account/connections`);
    assert.match(page.url(), /\/oauth\/login$/, 'signed out, connected apps sends the browser to sign in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/account\/connections$/),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out.' }).waitFor();
    assert.equal(await page.title(), 'Signed out – Tesorio');

    await page.goto(`${app.baseUrl}/account/connections`);
    assert.match(page.url(), /\/oauth\/login$/);
    await page.getByRole('heading', { name: 'Sign in to Tesorio' }).waitFor();
    await page.close();
  });

  it('login and consent work with the keyboard alone, and focus is always visible', async () => {
    const email = await newUser();
    const client = await newClient('Keyboard Client');
    const page = await freshPage();
    const pkce = newPkce();
    await openAuthorize(page, client, pkce, 'state-keyboard');

    // Login: the email field has focus on arrival (autofocus); otherwise Tab to it.
    const onEmail = await page.evaluate(
      () => (globalThis as unknown as DomWindow).document.activeElement?.id === 'email',
    );
    if (!onEmail) await tabUntil(page, '#email');
    await assertFocusVisible(page);
    await page.keyboard.type(email);
    await tabUntil(page, '#password');
    await page.keyboard.type(TEST_PASSWORD);
    await tabUntil(page, 'button[type="submit"]');
    await tabUntil(page, '#password', 'Shift+Tab');
    await Promise.all([page.waitForURL(/\/oauth\/consent\?request=/), page.keyboard.press('Enter')]);

    // Consent: Tab to the organization, arrow down to the second, Tab to Allow access, Enter.
    await tabUntil(page, 'select#org_id');
    assert.equal(await page.locator('select#org_id').inputValue(), firstOrgId);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('select#org_id').inputValue(), secondOrgId, 'ArrowDown chose the second');
    await tabUntil(page, 'button[value="deny"]');
    await tabUntil(page, 'button[value="approve"]');
    await tabUntil(page, 'button[value="deny"]', 'Shift+Tab');
    await tabUntil(page, 'button[value="approve"]');
    const landed = await landOnCallback(page, () => page.keyboard.press('Enter'));

    const code = landed.searchParams.get('code');
    assert.ok(code, `no code in ${landed.href}`);
    assert.equal(landed.searchParams.get('state'), 'state-keyboard');
    const tokens = await tokenSet(await exchangeCode(app, client, code, pkce.verifier), client);
    assert.equal((await principalOf(app, tokens.access_token)).orgId, secondOrgId);
    await page.close();
  });

  for (const viewport of ['phone', 'desktop'] as const) {
    const { width, height } = VIEWPORTS[viewport];
    it(`renders every page at ${viewport} width (${width}×${height}) without sideways scrolling`, async (t) => {
      const email = await newUser();
      const client = await newClient(`Claude Code (tesorio-${viewport})`);
      const page = await freshPage(viewport);
      const pkce = newPkce();

      await openAuthorize(page, client, pkce, `state-${viewport}`);
      await checkRendering(page, viewport, 'login');
      await signIn(page, email);
      await checkRendering(page, viewport, 'consent');
      await page.getByLabel('Organization to connect').selectOption({ value: secondOrgId });
      const landed = await landOnCallback(page, () =>
        page.getByRole('button', { name: 'Allow access' }).click(),
      );
      // The connection (grant) exists once the client redeems its code.
      await tokenSet(
        await exchangeCode(app, client, landed.searchParams.get('code')!, pkce.verifier),
        client,
      );

      // Two connected apps, so the list has more than one row to lay out.
      await connect(page, email, await newClient('Cursor'));
      await page.goto(`${app.baseUrl}/account/connections`);
      assert.equal(await page.locator('tbody tr').count(), 2);
      await checkRendering(page, viewport, 'connections');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'You are signed out.' }).waitFor();
      await checkRendering(page, viewport, 'signed-out');

      // An error page: a known app's /authorize link without PKCE, opened by someone not signed in,
      // is shown (with a way back to the app) rather than redirected.
      const error = await page.goto(authorizeUrl(app, client, pkce, { code_challenge: undefined }));
      assert.equal(error?.status(), 400);
      await page.getByRole('heading', { name: 'This sign-in link cannot be used' }).waitFor();
      await page.getByRole('link', { name: /^Return to 127\.0\.0\.1:\d+$/ }).waitFor();
      await checkRendering(page, viewport, 'error');

      t.diagnostic(
        `screenshots of login, consent, connections, error and signed-out at ${viewport}: ${SCREENSHOTS}`,
      );
      await page.close();
    });
  }
});
