/**
 * A real headless Chromium (Debian's `chromium` package, installed by .ci/run) driven by
 * playwright-core over its DevTools pipe, with a fresh profile per browser. Pages record every
 * console error, page error and CSP violation, so a test can assert there was none.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots the browser tests keep (CI artifacts; gitignored). */
export const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots');

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--remote-debugging-pipe',
];

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught page errors and CSP violations, in order. */
  problems: string[];
  /** Every URL the page requested. */
  requests: { url: string; authorization?: string }[];
}

export class Browser {
  private constructor(
    private readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<Browser> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y --no-install-recommends chromium; .ci/run does it)`);
    }
    const profile = mkdtempSync(path.join(tmpdir(), 'h16-chromium-'));
    // ignoreDefaultArgs: exactly the flags above, nothing Playwright would add for its own builds.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      ignoreDefaultArgs: true,
      args: [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'],
      viewport: { width: 1200, height: 900 },
      colorScheme: 'light',
      timeout: 20_000,
    });
    return new Browser(context, profile);
  }

  /** Opens `url` in a new tab that records problems and requests. */
  async open(url: string, viewport?: { width: number; height: number }): Promise<WatchedPage> {
    const page = await this.context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    const problems: string[] = [];
    const requests: WatchedPage['requests'] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push({ url: request.url(), authorization: request.headers().authorization }));
    // Counts violations even if the browser stopped logging them.
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));",
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  async screenshot(page: Page, name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Problems except the browser's own note about an HTTP error status that the test caused on purpose (a 503 while in maintenance). */
export function unexpected(problems: readonly string[], expectedStatuses: readonly number[] = []): string[] {
  return problems.filter((line) => {
    const status = /^console: Failed to load resource: the server responded with a status of (\d{3})\b/.exec(line)?.[1];
    return !(status && expectedStatuses.includes(Number(status)));
  });
}
