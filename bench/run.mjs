/**
 * `npm run bench`: nestjs-deep-health against the physical limit of the app (a bare route) and
 * against a plain @nestjs/terminus 12 controller doing the same checks, on Express and Fastify.
 *
 * Layout (2 cores are enough): autocannon runs in this process; the app under test
 * (bench/app.cjs, on the BUILT library in dist/) and the counting/fault proxies
 * (bench/proxy-host.cjs) each run in a child process. Postgres is the local server
 * (a fresh database per run, dropped at the end); Redis is the local server, reached through the
 * bench's own proxies, so blackholing it never touches the shared server.
 *
 * Prints one Markdown table and writes bench/results.json.
 *
 * Environment (all optional):
 *   BENCH_DURATION=10          seconds per timed scenario
 *   BENCH_CONNECTIONS=16       concurrent autocannon connections
 *   BENCH_HEAP_REQUESTS=200000 probe requests between the two heap readings
 *   BENCH_ADAPTERS=express,fastify
 *   PG_PORT=5432 REDIS_PORT=6379
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const pg = require('pg');

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const DURATION_S = Number(env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 16);
const HEAP_REQUESTS = Number(env.BENCH_HEAP_REQUESTS ?? 200_000);
const ADAPTERS = (env.BENCH_ADAPTERS ?? 'express,fastify').split(',').map((s) => s.trim()).filter(Boolean);
const PG = { host: '127.0.0.1', port: Number(env.PG_PORT ?? 5432), user: 'postgres' };
/** The module defaults the app runs with (see bench/app.cjs). */
const LIB = { timeoutMs: 800, deadlineMs: 900, cacheTtlMs: 5000 };
const TARGETS = { liveVsBare: 0.9, blackholeP99Ms: LIB.deadlineMs + 50, heapGrowthMb: 10 };
const MIGRATION = 'CreateBench1712000000000';

const children = new Set();
let database;

async function admin(db, sql) {
  const client = new pg.Client({ ...PG, database: db });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function createDatabase() {
  const name = `deep_health_bench_${randomBytes(4).toString('hex')}`;
  await admin('postgres', `CREATE DATABASE ${name}`);
  // TypeORM's migrations table, with this build's one migration recorded as run.
  await admin(
    name,
    `CREATE TABLE "migrations" (id serial PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL);
     INSERT INTO "migrations" ("timestamp", name) VALUES (1712000000000, '${MIGRATION}')`,
  );
  return name;
}

/** Forks a child with IPC and waits for its first message of kind `event`. */
function forkChild(file, childEnv, event, execArgv = []) {
  const child = fork(path.join(here, file), [], { env: { ...process.env, NODE_OPTIONS: '', ...childEnv }, execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 30 s:\n${stderr}`)), 30_000);
    child.on('message', function onMessage(message) {
      if (message.event !== event) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve({ child, message });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with code ${code}:\n${stderr}`));
    });
  });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.disconnect?.();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Request/response over the proxy host's IPC channel. */
function rpc(child) {
  let next = 0;
  const pending = new Map();
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  return (cmd, extra = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...extra });
    });
}

async function cannon(url, options) {
  const settings = { url, connections: CONNECTIONS, ...(options.amount ? {} : { duration: DURATION_S }), ...options };
  const result = await autocannon(settings);
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
  return {
    requests: result.requests.total,
    durationS: result.duration,
    rps: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function getJson(url) {
  const res = await fetch(url);
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

async function until(what, condition, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Dependency calls during one scenario, from the counting proxies. */
function dependencyFigures(counts, durationS) {
  const windowRuns = Math.floor(durationS / (LIB.cacheTtlMs / 1000)) + 1;
  return {
    pgRoundTripsPerS: round(counts.postgres.roundTrips / durationS),
    redisCommandsPerS: round(counts.redis.commands / durationS),
    runs: { postgres: counts.postgres.select1, migrations: counts.postgres.migrationsQuery, redis: counts.redis.byCommand.PING ?? 0 },
    /** At most one run per TTL per check: floor(duration / TTL) + 1 runs in the window. */
    maxRunsAtOneRunPerTtl: windowRuns,
    raw: counts,
  };
}

const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const ratio = (a, b) => (b ? round(a / b, 2) : null);
const mb = (bytes) => round(bytes / 1024 / 1024, 1);

async function benchAdapter(adapter, proxies, call) {
  console.error(`\n[${adapter}] starting the app`);
  const { child: app, message } = await forkChild(
    'app.cjs',
    { ADAPTER: adapter, PG_PORT: String(proxies.pgPort), PG_DATABASE: database, REDIS_PORT: String(proxies.redisPort), NODE_ENV: 'production' },
    'listening',
    ['--expose-gc'],
  );
  const url = `http://127.0.0.1:${message.port}`;
  const out = { adapter, scenarios: {} };
  try {
    await until('/health/ready to pass', async () => (await getJson(`${url}/health/ready`)).status === 200);
    await until('/terminus/ready to pass', async () => (await getJson(`${url}/terminus/ready`)).status === 200);

    console.error(`[${adapter}] warming up`);
    for (const p of ['/bare', '/health/live', '/health/ready', '/terminus/ready', '/terminus/ready-cached']) {
      await autocannon({ url: url + p, connections: CONNECTIONS, duration: 1 });
    }

    const timed = async (key, p, extra = {}) => {
      console.error(`[${adapter}] ${key}: GET ${p} for ${DURATION_S} s`);
      await call('counts'); // discard what came before
      const figures = await cannon(url + p, extra);
      // Requests cut off by the end of the run may still have queries queued in the pool: let them
      // reach the proxies now, so they count in this scenario and not in the next one.
      await new Promise((resolve) => setTimeout(resolve, 500));
      figures.dependencies = dependencyFigures(await call('counts'), figures.durationS);
      out.scenarios[key] = { path: p, ...figures };
      return figures;
    };

    await timed('bare', '/bare');
    await timed('live', '/health/live');
    await timed('ready', '/health/ready');
    await timed('terminusReady', '/terminus/ready');
    await timed('terminusReadyCached', '/terminus/ready-cached');

    // Redis blackholed between the app and the server: the socket stays open, nothing comes back.
    await until('/health/ready to pass', async () => (await getJson(`${url}/health/ready`)).status === 200);
    // Let the cached results go stale, so the flood's first probes start a run into the blackhole.
    await new Promise((resolve) => setTimeout(resolve, LIB.cacheTtlMs));
    await call('redis-mode', { mode: 'blackhole' });
    try {
      await timed('readyRedisBlackholed', '/health/ready');
    } finally {
      await call('redis-mode', { mode: 'pass' });
    }
    await until('/health/ready to pass after the blackhole', async () => (await getJson(`${url}/health/ready`)).status === 200, 30_000);

    console.error(`[${adapter}] heap: ${HEAP_REQUESTS} probe requests`);
    const before = (await getJson(`${url}/bench/heap`)).json;
    const probes = ['/health/live', '/health/ready', '/health/startup', '/health/deep', '/health/checks/redis'].map((p) => ({ method: 'GET', path: p }));
    const flood = await cannon(url, { amount: HEAP_REQUESTS, requests: probes });
    const after = (await getJson(`${url}/bench/heap`)).json;
    out.heap = {
      requests: flood.requests,
      rps: flood.rps,
      statuses: flood.statuses,
      gcExposed: before.gc === true,
      before: { heapUsedMb: mb(before.heapUsed), rssMb: mb(before.rss) },
      after: { heapUsedMb: mb(after.heapUsed), rssMb: mb(after.rss) },
      heapGrowthMb: mb(after.heapUsed - before.heapUsed),
      rssGrowthMb: mb(after.rss - before.rss),
    };
  } finally {
    await stopChild(app);
  }

  // Diagnostic: the same app without the two process checks, to split /health/live's cost
  // between its checks and the HTTP layer (rendering, headers).
  console.error(`[${adapter}] liveNoProcessChecks: a second app with liveness checks off`);
  const second = await forkChild(
    'app.cjs',
    { ADAPTER: adapter, PG_PORT: String(proxies.pgPort), PG_DATABASE: database, REDIS_PORT: String(proxies.redisPort), NODE_ENV: 'production', LIVENESS: 'off' },
    'listening',
    ['--expose-gc'],
  );
  try {
    const url2 = `http://127.0.0.1:${second.message.port}`;
    await autocannon({ url: `${url2}/health/live`, connections: CONNECTIONS, duration: 1 });
    await autocannon({ url: `${url2}/bare`, connections: CONNECTIONS, duration: 1 });
    await call('counts');
    const live = await cannon(`${url2}/health/live`, {});
    out.scenarios.liveNoProcessChecks = { path: '/health/live', ...live, dependencies: dependencyFigures(await call('counts'), live.durationS) };
  } finally {
    await stopChild(second.child);
  }
  const s = out.scenarios;
  out.ratios = {
    liveVsBare: ratio(s.live.rps, s.bare.rps),
    liveNoProcessChecksVsBare: ratio(s.liveNoProcessChecks.rps, s.bare.rps),
    readyVsTerminusUncached: { rps: ratio(s.ready.rps, s.terminusReady.rps), p99: ratio(s.ready.p99Ms, s.terminusReady.p99Ms) },
    readyVsTerminusCached: { rps: ratio(s.ready.rps, s.terminusReadyCached.rps), p99: ratio(s.ready.p99Ms, s.terminusReadyCached.p99Ms) },
  };
  return out;
}

function verdicts(result) {
  const s = result.scenarios;
  const runs = s.ready.dependencies.runs;
  const maxRuns = s.ready.dependencies.maxRunsAtOneRunPerTtl;
  return {
    liveAtLeast90PercentOfBare: result.ratios.liveVsBare >= TARGETS.liveVsBare,
    readyAheadOfUncachedTerminus: result.ratios.readyVsTerminusUncached.rps > 1,
    atMostOneRunPerTtlPerCheck: Object.values(runs).every((n) => n <= maxRuns),
    blackholeP99WithinDeadlinePlus50: s.readyRedisBlackholed.p99Ms <= TARGETS.blackholeP99Ms,
    blackholeSlowestWithinDeadlinePlus50: s.readyRedisBlackholed.maxMs <= TARGETS.blackholeP99Ms,
    heapGrowthUnder10Mb: result.heap.heapGrowthMb < TARGETS.heapGrowthMb,
  };
}

function statusText(statuses) {
  return Object.entries(statuses)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
}

function table(results) {
  const lines = [
    `| adapter | scenario | req/s | p50 ms | p99 ms | ratio | Postgres round trips/s | Redis commands/s | check runs pg/mig/redis in ${DURATION_S} s (max at 1 per TTL) | statuses |`,
    '|---|---|---:|---:|---:|---|---:|---:|---|---|',
  ];
  const names = {
    bare: 'bare route (constant JSON)',
    live: '/health/live',
    liveNoProcessChecks: '/health/live, process checks off (diagnostic)',
    ready: '/health/ready (deep-health, TTL 5 s)',
    terminusReady: 'terminus, uncached',
    terminusReadyCached: 'terminus, cacheFor(5000)',
    readyRedisBlackholed: '/health/ready, Redis blackholed',
  };
  for (const r of results) {
    const s = r.scenarios;
    const rel = {
      bare: '1.00 (limit)',
      live: `${r.ratios.liveVsBare} × bare`,
      liveNoProcessChecks: `${r.ratios.liveNoProcessChecksVsBare} × bare (separate boot)`,
      ready: `${r.ratios.readyVsTerminusUncached.rps} × terminus uncached, ${r.ratios.readyVsTerminusCached.rps} × terminus cached`,
      terminusReady: `our p99 / theirs: ${r.ratios.readyVsTerminusUncached.p99}`,
      terminusReadyCached: `our p99 / theirs: ${r.ratios.readyVsTerminusCached.p99}`,
      readyRedisBlackholed: `p99 ${s.readyRedisBlackholed.p99Ms} ms, max ${s.readyRedisBlackholed.maxMs} ms (deadline ${LIB.deadlineMs} + 50 ms)`,
    };
    for (const [key, name] of Object.entries(names)) {
      const x = s[key];
      const d = x.dependencies;
      lines.push(
        `| ${r.adapter} | ${name} | ${x.rps} | ${x.p50Ms} | ${x.p99Ms} | ${rel[key]} | ${d.pgRoundTripsPerS} | ${d.redisCommandsPerS} | ${d.runs.postgres}/${d.runs.migrations}/${d.runs.redis} (${d.maxRunsAtOneRunPerTtl}) | ${statusText(x.statuses)}${x.errors ? ` errors×${x.errors}` : ''} |`,
      );
    }
    const h = r.heap;
    lines.push(
      `| ${r.adapter} | heap after ${h.requests} probes (${h.rps} req/s) | | | | heapUsed ${h.before.heapUsedMb} → ${h.after.heapUsedMb} MB (${h.heapGrowthMb >= 0 ? '+' : ''}${h.heapGrowthMb}), RSS ${h.before.rssMb} → ${h.after.rssMb} MB | | | | ${statusText(h.statuses)} |`,
    );
  }
  return lines.join('\n');
}

async function cleanup() {
  await Promise.all([...children].map((child) => stopChild(child).catch(() => child.kill('SIGKILL'))));
  if (database) await admin('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
}

async function main() {
  const started = new Date();
  const machine = {
    date: started.toISOString(),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((n) => round(n, 2)),
  };
  console.error(`bench: ${DURATION_S} s per scenario, ${CONNECTIONS} connections, adapters ${ADAPTERS.join(', ')}; load average ${machine.loadAverageAtStart.join(' ')}`);
  database = await createDatabase();
  const { child: proxyHost, message: proxies } = await forkChild('proxy-host.cjs', { PG_PORT: String(PG.port), REDIS_PORT: env.REDIS_PORT ?? '6379' }, 'ready');
  const call = rpc(proxyHost);
  const results = [];
  try {
    for (const adapter of ADAPTERS) {
      const result = await benchAdapter(adapter, proxies, call);
      result.targets = verdicts(result);
      results.push(result);
    }
  } finally {
    await call('close').catch(() => undefined);
    await cleanup();
  }
  machine.loadAverageAtEnd = os.loadavg().map((n) => round(n, 2));
  machine.wallClockS = round((Date.now() - started.getTime()) / 1000, 0);
  const report = { machine, settings: { durationS: DURATION_S, connections: CONNECTIONS, heapRequests: HEAP_REQUESTS, library: LIB, targets: TARGETS }, results };
  writeFileSync(path.join(here, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nnestjs-deep-health bench, ${machine.date}, ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')} → ${machine.loadAverageAtEnd.join(' ')}\n`);
  console.log(table(results));
  console.log('\nTargets:');
  for (const r of results) {
    for (const [name, met] of Object.entries(r.targets)) console.log(`  ${r.adapter.padEnd(8)} ${met ? 'met   ' : 'MISSED'} ${name}`);
  }
  console.log(`\nbench/results.json written (${machine.wallClockS} s)`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}
main().catch(async (error) => {
  console.error(error);
  await cleanup();
  process.exit(1);
});
