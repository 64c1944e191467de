/**
 * The status page in a real headless Chromium, on Express and Fastify: no console error under its
 * CSP, a failing check turns red within one refresh, history and sparkline, the token form,
 * maintenance buttons, and an XSS payload shown as text. Screenshots go to test-artifacts/screenshots/.
 * Waits are on DOM conditions only; the page polls every 250 ms here.
 */
import type { HealthStatus } from '../../src/index';
import { defineCheck } from '../../src/index';
import { Browser, unexpected } from '../support/browser';
import { ADAPTERS, startHealthApp, type RunningApp } from '../support/health-app';

const TOKEN = 'h16-status-page-admin-token';
const FAST = { refreshIntervalMs: 250 };
// At least two refreshes done (a later one may already have bumped the count past 2).
const AFTER_TWO_REFRESHES = 'body:not([data-refreshes="0"]):not([data-refreshes="1"])';
// A loaded CI machine can delay the event loop past the liveness warning: not what these tests are about.
const QUIET = { liveness: { eventLoopDelay: false as const } };
const XSS = `<img src=x onerror="window.__xss='img'"><script>window.__xss='script'</script>"><svg onload="window.__xss='svg'">`;

let browser: Browser;
beforeAll(async () => {
  browser = await Browser.launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A check whose status the test sets. */
function switchable(name: string, options: { critical?: boolean; output?: string } = {}) {
  let status: HealthStatus = 'pass';
  const check = defineCheck({
    name,
    critical: options.critical ?? true,
    cacheTtlMs: 0,
    run: () => (status === 'pass' ? { status, observedValue: 3, observedUnit: 'ms' } : { status, output: options.output ?? `${name} is down` }),
  });
  return { check, set: (next: HealthStatus) => (status = next) };
}

describe.each(ADAPTERS)('status page in Chromium (%s)', (adapter) => {
  let app: RunningApp | undefined;
  afterEach(async () => {
    // The whole browser goes, not only its pages: Chromium keeps keep-alive sockets to the app after a
    // page closes, and a server's close waits for them. A fresh browser per test holds none.
    await browser.close();
    await app?.close();
    app = undefined;
    browser = await Browser.launch();
  });

  it('loads with no console error under its CSP and shows service, layers and checks', async () => {
    const db = switchable('postgres');
    app = await startHealthApp(adapter, { ...QUIET, checks: [db.check], service: { name: 'orders-api', version: '1.4.2', releaseId: '9f1c2ab' }, ui: FAST });
    const { page, problems } = await browser.open(`${app.url}/health/ui`);
    await page.waitForSelector(AFTER_TWO_REFRESHES);
    expect(await page.textContent('#service-name')).toBe('orders-api');
    expect(await page.textContent('#service-meta')).toMatch(/^version 1\.4\.2 · release 9f1c2ab · up \d+ (s|min|h)$/);
    const layers = await page.$$eval('.layer', (tiles) => tiles.map((t) => `${t.id}=${t.getAttribute('data-status')} ${t.querySelector('.code')!.textContent}`));
    expect(layers).toEqual(['layer-live=pass HTTP 200', 'layer-startup=pass HTTP 200', 'layer-ready=pass HTTP 200', 'layer-deep=pass HTTP 200']);
    expect(await page.getAttribute('tr[data-check="postgres"]', 'data-status')).toBe('pass');
    expect(await page.textContent('tr[data-check="postgres"] td:nth-child(6)')).toBe('3 ms');
    await browser.screenshot(page, `${adapter}-healthy`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('turns a failing check red with the word fail within one refresh', async () => {
    const db = switchable('postgres');
    app = await startHealthApp(adapter, { ...QUIET, checks: [db.check], ui: FAST });
    const { page, problems } = await browser.open(`${app.url}/health/ui`);
    await page.waitForSelector('tr[data-check="postgres"][data-status="pass"]');
    db.set('fail');
    // Read after the change: a refresh in flight now may have asked before it; the next one must show it.
    const after = Number(await page.getAttribute('body', 'data-refreshes'));
    await page.waitForSelector('tr[data-check="postgres"][data-status="fail"]');
    expect(Number(await page.getAttribute('body', 'data-refreshes'))).toBeLessThanOrEqual(after + 2);
    const row = await page.$eval('tr[data-check="postgres"]', (tr) => ({
      className: tr.className,
      badge: tr.querySelector('.badge')!.textContent,
      badgeColour: tr.ownerDocument.defaultView!.getComputedStyle(tr.querySelector('.badge')!).backgroundColor,
    }));
    expect(row).toEqual({ className: 's-fail', badge: 'fail', badgeColour: 'rgb(198, 40, 40)' });
    await page.waitForSelector('#layer-ready[data-status="fail"]');
    expect(await page.textContent('#layer-ready .code')).toBe('HTTP 503');
    await browser.screenshot(page, `${adapter}-failing`);
    expect(unexpected(problems, [503])).toEqual([]);
    await page.close();
  });

  it('shows the recorded results as a timeline and a response-time sparkline, and the transitions', async () => {
    // One scripted result per run; the page is loaded after five runs and polls once (long interval).
    const script: HealthStatus[] = ['pass', 'fail', 'fail', 'pass', 'warn'];
    let run = 0;
    const steps = defineCheck({ name: 'steps', critical: false, cacheTtlMs: 0, run: () => ({ status: script[run++] ?? 'pass', observedValue: run, observedUnit: 'runs' }) });
    app = await startHealthApp(adapter, { ...QUIET, checks: [steps], ui: { refreshIntervalMs: 3_600_000 } });
    for (let i = 0; i < script.length; i++) expect((await app.get('/health/checks/steps')).status).toBe(script[i] === 'fail' ? 503 : 200);
    const { page, problems } = await browser.open(`${app.url}/health/ui`);
    await page.waitForSelector('body[data-refreshes="1"]');
    const history = (await app.get('/health/history?check=steps')).json.checks.steps;
    const expected = [...script, 'pass']; // the page's own /deep ran it once more
    expect(history.results.map((r: { status: string }) => r.status)).toEqual(expected);
    const ticks = await page.$$eval('tr[data-check="steps"] .timeline span', (spans) => spans.map((s) => s.className));
    expect(ticks).toEqual(expected.map((s) => `s-${s}`));
    const spark = await page.$eval('tr[data-check="steps"] svg.spark', (svg) => ({
      points: svg.getAttribute('data-points'),
      drawn: svg.querySelector('polyline')?.getAttribute('points')?.split(' ').length,
    }));
    expect(spark).toEqual({ points: '6', drawn: 6 });
    const transitions = await page.$$eval('#transition-list li', (items) => items.map((li) => li.textContent!).filter((text) => text.startsWith('steps:')).map((text) => text.replace(/ at \d\d:\d\d:\d\d, for \d+ s( \(now\))?$/, '')));
    expect(transitions).toEqual(['steps: warn → pass', 'steps: pass → warn', 'steps: fail → pass', 'steps: pass → fail']);
    await browser.screenshot(page, `${adapter}-history`);
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  });

  it('reveals details with the token from the form (kept in sessionStorage, sent as a bearer header, never in a URL) and enters and leaves maintenance', async () => {
    const db = switchable('postgres', { output: 'connection refused by 10.0.0.7:5432' });
    db.set('warn');
    app = await startHealthApp(adapter, { ...QUIET, checks: [db.check], adminToken: TOKEN, ui: FAST });
    const { page, problems, requests } = await browser.open(`${app.url}/health/ui`);
    await page.waitForSelector('body[data-details="hidden"]');
    expect(await page.textContent('tr[data-check="postgres"] .output')).toBe('—');
    expect(await page.isVisible('#maint-form')).toBe(false);

    await page.fill('#token', TOKEN);
    await page.click('#token-save');
    await page.waitForSelector('body[data-details="visible"]');
    await page.waitForSelector('tr[data-check="postgres"] .output:text("connection refused by 10.0.0.7:5432")');
    expect(await page.evaluate('sessionStorage.getItem("nestjs-deep-health:token")')).toBe(TOKEN);
    expect(await page.inputValue('#token')).toBe('');

    await page.fill('#maint-reason', 'reindexing embeddings');
    await page.click('#maint-enter');
    await page.waitForSelector('#layer-ready[data-status="fail"]');
    expect(await page.textContent('#layer-ready .code')).toBe('HTTP 503');
    expect(await page.textContent('#state-banner')).toMatch(/^Maintenance \(instance\): reindexing embeddings · since \d\d:\d\d:\d\d$/);
    expect((await app.get('/health/ready')).status).toBe(503);
    await browser.screenshot(page, `${adapter}-maintenance`);

    await page.click('#maint-leave');
    await page.waitForSelector('#layer-ready[data-status="warn"]');
    expect(await page.textContent('#layer-ready .code')).toBe('HTTP 200');
    expect(await page.isVisible('#state-banner')).toBe(false);
    expect((await app.get('/health/ready')).status).toBe(200);

    const leaks = requests.filter((r) => r.url.includes(TOKEN));
    expect(leaks).toEqual([]);
    const withToken = requests.filter((r) => r.authorization === `Bearer ${TOKEN}`).map((r) => new URL(r.url).pathname);
    expect(withToken).toEqual(expect.arrayContaining(['/health/history', '/health/maintenance']));
    expect(unexpected(problems, [503])).toEqual([]);
    await page.close();
  });

  it('shows an XSS payload in a check output and the service name as text, and runs none of it', async () => {
    const evil = switchable('evil', { output: XSS, critical: false });
    evil.set('fail');
    app = await startHealthApp(adapter, { ...QUIET, checks: [evil.check], details: 'always', service: { name: XSS }, ui: FAST });
    const { page, problems } = await browser.open(`${app.url}/health/ui`);
    await page.waitForSelector('tr[data-check="evil"][data-status="fail"]');
    await page.waitForSelector(AFTER_TWO_REFRESHES);
    expect(await page.textContent('tr[data-check="evil"] .output')).toBe(XSS);
    expect(await page.textContent('#service-name')).toBe(XSS);
    expect(await page.textContent('#transition-list li .output')).toBe(XSS);
    const injected = await page.$$eval('main img, main svg:not(.spark), header img, main script', (nodes) => nodes.map((n) => n.outerHTML));
    expect(injected).toEqual([]);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  });
});
