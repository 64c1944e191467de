/**
 * The fleet view in a real Chromium: three replica processes share one Redis (the shared 6379,
 * under this test's own key), one started with another version. The page of replica 1 lists all
 * three, flags the odd one as version drift, and flags a replica that stopped reporting.
 * The replicas mix Express and Fastify (three processes cover both adapters within the CI budget).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { Browser, unexpected } from '../support/browser';

const APP = path.join(__dirname, 'fleet-app.js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Child {
  child: ChildProcess;
  port: number;
}

function startReplica(env: Record<string, string>): Promise<Child> {
  if (!existsSync(path.resolve(__dirname, '../../dist/index.js'))) throw new Error('dist/ is missing: the fleet test runs the built library; run `npm run build` first');
  const child = fork(APP, [], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('message', (message: { event?: string; port?: number }) => {
      if (message.event === 'listening') resolve({ child, port: message.port! });
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code} before listening:\n${stderr}`)));
  });
}

async function stop(replica: Child | undefined): Promise<void> {
  if (!replica || replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  const exited = new Promise((resolve) => replica.child.once('exit', resolve));
  replica.child.kill('SIGKILL');
  await exited;
}

let browser: Browser;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
beforeAll(async () => {
  browser = await Browser.launch();
});
afterAll(async () => {
  await browser?.close();
  redis.disconnect();
});

describe('fleet view in Chromium (Express and Fastify replicas)', () => {
  const key = `h16_fleet_${process.pid}`;
  const replicas: Child[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map(stop));
    await redis.del(key);
  });

  it('lists three replicas sharing one Redis, flags the one on another version, then the one that stopped reporting', async () => {
    await redis.del(key);
    const base = { REDIS_URL, FLEET_KEY: key, RELEASE_ID: 'r1' };
    replicas.push(
      ...(await Promise.all([
        startReplica({ ...base, ADAPTER: 'express', APP_VERSION: '1.0.0', REPLICA_ID: 'replica-a' }),
        startReplica({ ...base, ADAPTER: 'fastify', APP_VERSION: '1.0.0', REPLICA_ID: 'replica-b' }),
        startReplica({ ...base, ADAPTER: 'fastify', APP_VERSION: '2.0.0', REPLICA_ID: 'replica-c' }),
      ])),
    );
    const { page, problems } = await browser.open(`http://127.0.0.1:${replicas[0]!.port}/health/ui`);
    await page.waitForSelector('body[data-replicas="3"]');
    await page.waitForSelector('tr[data-replica="replica-c"][data-drift="true"]');
    const rows = await page.$$eval('#fleet-rows tr', (trs) => trs.map((tr) => `${tr.getAttribute('data-replica')} ${tr.getAttribute('data-version')} drift=${tr.getAttribute('data-drift')} stale=${tr.getAttribute('data-stale')}`));
    expect(rows).toEqual(['replica-a 1.0.0 drift=false stale=false', 'replica-b 1.0.0 drift=false stale=false', 'replica-c 2.0.0 drift=true stale=false']);
    expect(await page.textContent('#fleet-drift')).toBe('Version drift: live replicas run 1.0.0 (r1), 2.0.0 (r1)');
    expect(await page.textContent('tr[data-replica="replica-a"]')).toContain('this replica');
    await browser.screenshot(page, 'fleet');
    // The same list from a Fastify replica's own endpoint.
    const json = (await (await fetch(`http://127.0.0.1:${replicas[2]!.port}/health/fleet`)).json()) as { replicas: Array<{ id: string; stale: boolean; drift: boolean }> };
    expect(json).toMatchObject({ self: 'replica-c', drift: true, versions: ['1.0.0 (r1)', '2.0.0 (r1)'], store: { reachable: true } });
    expect(json.replicas.map((r) => `${r.id} stale=${r.stale} drift=${r.drift}`)).toEqual(['replica-a stale=false drift=false', 'replica-b stale=false drift=false', 'replica-c stale=false drift=true']);

    await stop(replicas[1]);
    await page.waitForSelector('tr[data-replica="replica-b"][data-stale="true"]');
    expect(await page.textContent('tr[data-replica="replica-b"]')).toContain('stopped reporting');
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  });
});
