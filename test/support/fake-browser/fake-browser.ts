import { appendFileSync } from 'node:fs';
import { OAuthBrowser, signInAndApprove } from '../oauth-browser';

/**
 * What the fake `xdg-open` (test/support/fake-browser/xdg-open) runs: the "user" of a real MCP
 * client. The client opens our /authorize URL; this signs in and approves over plain HTTP exactly
 * like OAuthBrowser does in the other suites, then follows the redirect to the client's loopback
 * callback, which is what a browser would do. Settings come from the environment the test gave
 * the client (which passes it on to the opener):
 *
 * - FAKE_BROWSER_EMAIL, FAKE_BROWSER_PASSWORD: who signs in (required);
 * - FAKE_BROWSER_ORG_ID: the organization chosen on the consent page (optional);
 * - FAKE_BROWSER_LOG: a file that gets one JSON line per URL opened, so the test can see what
 *   happened (the openers run detached with stdio ignored, so nothing else is visible).
 */
export interface FakeBrowserVisit {
  authorizeUrl: string;
  callbackUrl?: string;
  callbackStatus?: number;
  error?: string;
  node: string;
}

function record(visit: FakeBrowserVisit): void {
  const file = process.env.FAKE_BROWSER_LOG;
  if (file) appendFileSync(file, `${JSON.stringify(visit)}\n`);
}

export async function openInFakeBrowser(target: string): Promise<FakeBrowserVisit> {
  const visit: FakeBrowserVisit = { authorizeUrl: target, node: process.version };
  try {
    const email = process.env.FAKE_BROWSER_EMAIL;
    const password = process.env.FAKE_BROWSER_PASSWORD;
    if (!email || !password) throw new Error('FAKE_BROWSER_EMAIL and FAKE_BROWSER_PASSWORD must be set');
    const authorize = new URL(target);
    const browser = new OAuthBrowser(authorize.origin);
    const callback = await signInAndApprove(browser, authorize.toString(), {
      email,
      password,
      orgId: process.env.FAKE_BROWSER_ORG_ID || undefined,
    });
    visit.callbackUrl = callback.toString();
    // The redirect lands on the client's own listener, which redeems the code.
    const response = await fetch(callback, { signal: AbortSignal.timeout(30_000) });
    visit.callbackStatus = response.status;
    await response.text();
  } catch (error) {
    visit.error = error instanceof Error ? error.message : String(error);
  }
  record(visit);
  return visit;
}

/** Entry point for the launcher: exit 0 when the callback was delivered, 1 otherwise. */
export async function main(argv: string[]): Promise<number> {
  const target = argv.find((arg) => /^https?:\/\//.test(arg));
  if (!target) {
    record({ authorizeUrl: argv.join(' '), error: 'no http(s) URL to open', node: process.version });
    return 1;
  }
  const visit = await openInFakeBrowser(target);
  return visit.error ? 1 : 0;
}
