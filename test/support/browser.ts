import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium (package `chromium`), never a browser downloaded by Playwright. CHROMIUM_PATH
 * may point elsewhere; a missing binary is a failure, not a skip, so CI cannot go green without
 * having run the browser tests.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags known to work on this machine kind (node.md "Known to work"): without the
 * background-networking ones Chromium keeps dialling Google's hosts through a closed network.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  /** One persistent context on a fresh, empty user-data-dir; clear its cookies between scenarios. */
  context: BrowserContext;
  userDataDir: string;
  /** Closes Chromium and removes the user-data-dir. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The browser tests need Debian's Chromium: ` +
        'run `apt-get install -y chromium` (or set CHROMIUM_PATH). Do not use `npx playwright install`.',
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'tesorio-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
    return {
      context,
      userDataDir,
      async close() {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
