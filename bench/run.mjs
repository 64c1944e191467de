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
 * The comparisons (health answers against the bare route and against terminus) run in
 * interleaved rounds: both apps are up at once, and each round floods every variant of every
 * adapter in turn, so a change in the machine's load hits all variants alike. Each round reads the
 * CPU time of the server process (utime + stime from /proc/<pid>/stat) and of the dependencies
 * (the Postgres backends of the bench database, the bench's own redis-server) and divides it by the
 * responses: on a shared machine CPU per response holds steady where req/s does not. The report
 * gives the median of the rounds and their spread (min–max).
 *
 * Prints Markdown tables and writes bench/results.json.
 *
 * Environment (all optional):
 *   BENCH_ROUNDS=3             interleaved rounds of the comparison variants
 *   BENCH_ROUND_DURATION=5     seconds per variant per round
 *   BENCH_DURATION=10          seconds per single scenario (Redis blackholed, diagnostic app)
 *   BENCH_CONNECTIONS=50       concurrent autocannon connections
 *   BENCH_RATE                 requests/s for every variant of the interleaved rounds (autocannon
 *                              overallRate) instead of a flood: each variant then shares event-loop
 *                              turns alike, so CPU per response compares the work of one answer
 *                              (a flood lets a cheaper route batch more requests per turn); req/s
 *                              ratios mean nothing then (all at the rate, unless one cannot keep up)
 *   BENCH_HEAP_REQUESTS=200000 probe requests between the two heap readings
 *   BENCH_ADAPTERS=express,fastify
 *   BENCH_CPU_PROF=<dir>       run the apps under node --cpu-prof, profiles written to <dir> at exit
 *   PG_PORT=5432
 *   REDIS_PORT                 a Redis to use; without it the bench starts its own redis-server on a
 *                              free port (so its CPU is the bench's alone)
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratioRows, spreadText } from './lib/ratio-rows.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const pg = require('pg');

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const DURATION_S = Number(env.BENCH_DURATION ?? 10);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const ROUND_S = Number(env.BENCH_ROUND_DURATION ?? 5);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 50);
const RATE = env.BENCH_RATE ? Number(env.BENCH_RATE) : undefined;
const CPU_PROF_DIR = env.BENCH_CPU_PROF ? path.resolve(env.BENCH_CPU_PROF) : undefined;
const HEAP_REQUESTS = Number(env.BENCH_HEAP_REQUESTS ?? 200_000);
const ADAPTERS = (env.BENCH_ADAPTERS ?? 'express,fastify').split(',').map((s) => s.trim()).filter(Boolean);
const PG = { host: '127.0.0.1', port: Number(env.PG_PORT ?? 5432), user: 'postgres' };
/** The module defaults the app runs with (see bench/app.cjs). */
const LIB = { timeoutMs: 800, deadlineMs: 900, cacheTtlMs: 5000 };
const TARGETS = {
  /** CPU per response of /health/live and cached /health/ready, at most this × the bare route's. */
  cpuVsBare: 1.05,
  /** req/s of /health/live and cached /health/ready, at least this × the bare route's. */
  rpsVsBare: 0.95,
  /** req/s of cached /health/ready, at least this × terminus with .cacheFor(5000). */
  rpsVsTerminusCached: 1.2,
  /** server + Postgres + Redis CPU per response of cached /health/ready, at most this × uncached terminus. */
  totalCpuVsTerminusUncached: 0.1,
  blackholeP99Ms: LIB.deadlineMs + 50,
  heapGrowthMb: 10,
};
/** The variants of the interleaved rounds: [key, path, label]. */
const VARIANTS = [
  ['bare', '/bare', 'bare Nest route (15 B constant JSON)'],
  ['bareSized', '/bare-sized', 'bare Nest route, a /health/live-sized constant JSON (diagnostic)'],
  ['live', '/health/live', '/health/live'],
  ['ready', '/health/ready', '/health/ready (cached, TTL 5 s)'],
  ['terminusReadyCached', '/terminus/ready-cached', 'terminus 12, .cacheFor(5000)'],
  ['terminusReady', '/terminus/ready', 'terminus 12, uncached'],
];
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const MIGRATION = 'CreateBench1712000000000';

const children = new Set();
let database;
let redisServer;

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
  if (settings.amount) delete settings.duration;
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
const ratio = (a, b, digits = 2) => (b ? round(a / b, digits) : null);
const mb = (bytes) => round(bytes / 1024 / 1024, 1);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median and spread of a list of figures (rounds). */
function stat(values, digits = 2) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { median: null, min: null, max: null, values };
  const m = v.length >> 1;
  const median = v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  return { median: round(median, digits), min: v[0], max: v[v.length - 1], values };
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc/<pid>/stat; undefined once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after "(comm) ": state is field 3, utime field 14, stime field 15 (in clock ticks).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

let redisPid;

/** What else a response costs CPU in: the Postgres backends serving the bench database, and Redis. */
async function dependencyPids() {
  const rows = await admin('postgres', `SELECT pid FROM pg_stat_activity WHERE datname = '${database}'`);
  return [...rows.map((row) => row.pid), redisPid];
}

/** CPU of the server and of its dependencies from here on; `stop()` returns the seconds used since. */
async function cpuMeter(appPid) {
  const deps = new Map((await dependencyPids()).map((pid) => [pid, cpuSeconds(pid)]));
  const app = cpuSeconds(appPid);
  return {
    async stop() {
      const serverS = cpuSeconds(appPid) - app;
      let depsS = 0;
      // A backend that started during the window counts whole; one that ended is lost (a few ms).
      for (const pid of await dependencyPids()) depsS += (cpuSeconds(pid) ?? 0) - (deps.get(pid) ?? 0);
      return { serverS: round(serverS, 3), depsS: round(depsS, 3) };
    },
  };
}

/** The PID Redis reports for itself (`INFO server`). */
function redisProcessId(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('redis INFO timed out')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      text += chunk;
      const match = /process_id:(\d+)/.exec(text);
      if (match) {
        socket.end();
        resolve(Number(match[1]));
      }
    });
    socket.write('INFO server\r\n');
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** REDIS_PORT if given, else a redis-server of the bench's own (its CPU is then the bench's alone). */
async function startRedis() {
  if (env.REDIS_PORT) {
    const port = Number(env.REDIS_PORT);
    return { port, pid: await redisProcessId(port), own: false };
  }
  const port = await freePort();
  redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await until('the bench redis-server to answer', async () => (await redisProcessId(port)) > 0);
  return { port, pid: redisServer.pid, own: true };
}

async function startApp(adapter, proxies, extraEnv = {}) {
  const tag = `${adapter}${extraEnv.LIVENESS ? `-liveness-${extraEnv.LIVENESS}` : ''}`;
  const profile = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=${tag}-${Date.now()}.cpuprofile`] : [];
  console.error(`[${adapter}] starting the app${extraEnv.LIVENESS ? ` (LIVENESS=${extraEnv.LIVENESS})` : ''}`);
  const { child, message } = await forkChild(
    'app.cjs',
    { ADAPTER: adapter, PG_PORT: String(proxies.pgPort), PG_DATABASE: database, REDIS_PORT: String(proxies.redisPort), NODE_ENV: 'production', ...extraEnv },
    'listening',
    ['--expose-gc', ...profile],
  );
  return { adapter, child, pid: child.pid, url: `http://127.0.0.1:${message.port}` };
}

/** One flood of `app` at `p`: req/s, latency, CPU per response, dependency calls. */
async function flood(app, p, call, seconds, rate) {
  await call('counts'); // discard what came before
  const meter = await cpuMeter(app.pid);
  const figures = await cannon(app.url + p, { duration: seconds, ...(rate ? { overallRate: rate } : {}) });
  const cpu = await meter.stop();
  // Requests cut off by the end of the run may still have queries queued in the pool: let them
  // reach the proxies now, so they count in this scenario and not in the next one.
  await sleep(500);
  figures.dependencies = dependencyFigures(await call('counts'), figures.durationS);
  const perResponse = (s) => (figures.requests ? round((s * 1e6) / figures.requests, 2) : null);
  figures.cpu = { ...cpu, serverUsPerResponse: perResponse(cpu.serverS), totalUsPerResponse: perResponse(cpu.serverS + cpu.depsS) };
  return { path: p, ...figures };
}

async function prepare(app) {
  await until('/health/ready to pass', async () => (await getJson(`${app.url}/health/ready`)).status === 200);
  await until('/terminus/ready to pass', async () => (await getJson(`${app.url}/terminus/ready`)).status === 200);
  console.error(`[${app.adapter}] warming up`);
  for (const [, p] of VARIANTS) await autocannon({ url: app.url + p, connections: CONNECTIONS, duration: 1 });
}

/** Waits until no dependency call has reached the proxies for 300 ms (the uncached warm-up leaves a queue in the pool), discarding the counts. */
async function settle(call) {
  const deadline = Date.now() + 10_000;
  await call('counts');
  while (Date.now() < deadline) {
    await sleep(300);
    const c = await call('counts');
    if (c.postgres.roundTrips === 0 && c.redis.commands === 0) return;
  }
}

/** The single scenarios: Redis blackholed, heap after a flood of probes. */
async function extras(app, call) {
  const { adapter, url } = app;
  const out = {};
  // Redis blackholed between the app and the server: the socket stays open, nothing comes back.
  await until('/health/ready to pass', async () => (await getJson(`${url}/health/ready`)).status === 200);
  // Let the cached results go stale, so the flood's first probes start a run into the blackhole.
  await sleep(LIB.cacheTtlMs);
  await call('redis-mode', { mode: 'blackhole' });
  try {
    console.error(`[${adapter}] readyRedisBlackholed: GET /health/ready for ${DURATION_S} s`);
    out.readyRedisBlackholed = await flood(app, '/health/ready', call, DURATION_S);
  } finally {
    await call('redis-mode', { mode: 'pass' });
  }
  await until('/health/ready to pass after the blackhole', async () => (await getJson(`${url}/health/ready`)).status === 200, 30_000);

  console.error(`[${adapter}] heap: ${HEAP_REQUESTS} probe requests`);
  const before = (await getJson(`${url}/bench/heap`)).json;
  const probes = ['/health/live', '/health/ready', '/health/startup', '/health/deep', '/health/checks/redis'].map((p) => ({ method: 'GET', path: p }));
  const heapFlood = await cannon(url, { amount: HEAP_REQUESTS, requests: probes });
  const after = (await getJson(`${url}/bench/heap`)).json;
  const heap = {
    requests: heapFlood.requests,
    rps: heapFlood.rps,
    statuses: heapFlood.statuses,
    gcExposed: before.gc === true,
    before: { heapUsedMb: mb(before.heapUsed), rssMb: mb(before.rss) },
    after: { heapUsedMb: mb(after.heapUsed), rssMb: mb(after.rss) },
    heapGrowthMb: mb(after.heapUsed - before.heapUsed),
    rssGrowthMb: mb(after.rss - before.rss),
  };
  return { scenarios: out, heap };
}

/** Diagnostic: the same app without the two process checks, to split /health/live's cost between its checks and the HTTP layer. */
async function liveWithoutProcessChecks(adapter, proxies, call) {
  const app = await startApp(adapter, proxies, { LIVENESS: 'off' });
  try {
    await autocannon({ url: `${app.url}/health/live`, connections: CONNECTIONS, duration: 1 });
    await autocannon({ url: `${app.url}/bare`, connections: CONNECTIONS, duration: 1 });
    console.error(`[${adapter}] liveNoProcessChecks / bare, ${ROUND_S} s each`);
    const bare = await flood(app, '/bare', call, ROUND_S);
    const live = await flood(app, '/health/live', call, ROUND_S);
    return { bare, live };
  } finally {
    await stopChild(app.child);
  }
}

/** Medians, spreads and the ratios of the issue's table, each ratio taken within a round. */
function summarize(result) {
  const rounds = result.rounds;
  const variants = {};
  for (const [key] of VARIANTS) {
    const rows = rounds.map((r) => r[key]);
    const statuses = {};
    for (const row of rows) for (const [code, n] of Object.entries(row.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    variants[key] = {
      rps: stat(rows.map((x) => x.rps), 0),
      serverCpuUs: stat(rows.map((x) => x.cpu.serverUsPerResponse), 1),
      totalCpuUs: stat(rows.map((x) => x.cpu.totalUsPerResponse), 1),
      p50Ms: stat(rows.map((x) => x.p50Ms), 1),
      p99Ms: stat(rows.map((x) => x.p99Ms), 1),
      runs: {
        postgres: Math.max(...rows.map((x) => x.dependencies.runs.postgres)),
        migrations: Math.max(...rows.map((x) => x.dependencies.runs.migrations)),
        redis: Math.max(...rows.map((x) => x.dependencies.runs.redis)),
      },
      maxRunsAtOneRunPerTtl: Math.min(...rows.map((x) => x.dependencies.maxRunsAtOneRunPerTtl)),
      pgRoundTripsPerS: stat(rows.map((x) => x.dependencies.pgRoundTripsPerS), 1),
      redisCommandsPerS: stat(rows.map((x) => x.dependencies.redisCommandsPerS), 1),
      statuses,
      errors: rows.reduce((n, x) => n + x.errors, 0),
    };
  }
  const within = (a, b, figure, digits = 2) => stat(rounds.map((r) => ratio(figure(r[a]), figure(r[b]), digits)), digits);
  const serverCpu = (x) => x.cpu.serverUsPerResponse;
  const totalCpu = (x) => x.cpu.totalUsPerResponse;
  const rps = (x) => x.rps;
  return {
    variants,
    ratios: {
      liveCpuVsBare: within('live', 'bare', serverCpu),
      readyCpuVsBare: within('ready', 'bare', serverCpu),
      bareSizedCpuVsBare: within('bareSized', 'bare', serverCpu),
      liveRpsVsBare: within('live', 'bare', rps),
      readyRpsVsBare: within('ready', 'bare', rps),
      readyRpsVsTerminusCached: within('ready', 'terminusReadyCached', rps),
      readyRpsVsTerminusUncached: within('ready', 'terminusReady', rps),
      readyTotalCpuVsTerminusUncached: within('ready', 'terminusReady', totalCpu, 3),
      readyTotalCpuVsTerminusCached: within('ready', 'terminusReadyCached', totalCpu),
    },
  };
}

function verdicts(result) {
  const { ratios, variants } = result.summary;
  const s = result.scenarios;
  const ready = variants.ready;
  return {
    liveCpuAtMost105OfBare: ratios.liveCpuVsBare.median <= TARGETS.cpuVsBare,
    readyCpuAtMost105OfBare: ratios.readyCpuVsBare.median <= TARGETS.cpuVsBare,
    liveRpsAtLeast95OfBare: ratios.liveRpsVsBare.median >= TARGETS.rpsVsBare,
    readyRpsAtLeast95OfBare: ratios.readyRpsVsBare.median >= TARGETS.rpsVsBare,
    readyRpsAtLeast12OfTerminusCached: ratios.readyRpsVsTerminusCached.median >= TARGETS.rpsVsTerminusCached,
    readyTotalCpuAtMost01OfTerminusUncached: ratios.readyTotalCpuVsTerminusUncached.median <= TARGETS.totalCpuVsTerminusUncached,
    atMostOneRunPerTtlPerCheck: Object.values(ready.runs).every((n) => n <= ready.maxRunsAtOneRunPerTtl),
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


/** The issue's table: one row per ratio, one column per adapter. */
function ratioTable(results) {
  const rows = ratioRows(TARGETS);
  const lines = [
    `| ratio (median of ${ROUNDS} interleaved rounds, min–max) | ${results.map((r) => r.adapter).join(' | ')} | goal |`,
    `|---|${results.map(() => '---:').join('|')}|---:|`,
  ];
  for (const [key, label, goal] of rows) lines.push(`| ${label} | ${results.map((r) => spreadText(r.summary.ratios[key])).join(' | ')} | ${goal} |`);
  return lines.join('\n');
}

/** Every variant of the rounds, medians (min–max). */
function variantTable(results) {
  const lines = [
    `| adapter | variant | req/s | server CPU µs/response | server+Postgres+Redis CPU µs/response | p50 ms | p99 ms | Postgres round trips/s | Redis commands/s | check runs pg/mig/redis per ${ROUND_S} s round (max at 1 per TTL) | statuses |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of results) {
    for (const [key, , label] of VARIANTS) {
      const v = r.summary.variants[key];
      lines.push(
        `| ${r.adapter} | ${label} | ${spreadText(v.rps)} | ${spreadText(v.serverCpuUs)} | ${spreadText(v.totalCpuUs)} | ${v.p50Ms.median} | ${v.p99Ms.median} | ${v.pgRoundTripsPerS.median} | ${v.redisCommandsPerS.median} | ${v.runs.postgres}/${v.runs.migrations}/${v.runs.redis} (${v.maxRunsAtOneRunPerTtl}) | ${statusText(v.statuses)}${v.errors ? ` errors×${v.errors}` : ''} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The single scenarios: Redis blackholed, the diagnostic app without process checks, heap. */
function singleTable(results) {
  const lines = [
    `| adapter | scenario | req/s | server CPU µs/response | p50 ms | p99 ms | max ms | check runs pg/mig/redis (max at 1 per TTL) | statuses |`,
    '|---|---|---:|---:|---:|---:|---:|---|---|',
  ];
  const row = (adapter, name, x, note = '') => {
    const d = x.dependencies;
    return `| ${adapter} | ${name} | ${x.rps} | ${x.cpu.serverUsPerResponse} | ${x.p50Ms} | ${x.p99Ms} | ${x.maxMs}${note} | ${d.runs.postgres}/${d.runs.migrations}/${d.runs.redis} (${d.maxRunsAtOneRunPerTtl}) | ${statusText(x.statuses)}${x.errors ? ` errors×${x.errors}` : ''} |`;
  };
  for (const r of results) {
    const s = r.scenarios;
    lines.push(row(r.adapter, `/health/ready, Redis blackholed (${DURATION_S} s)`, s.readyRedisBlackholed, ` (deadline ${LIB.deadlineMs} + 50)`));
    lines.push(row(r.adapter, 'second app, process checks off: bare route', s.liveNoProcessChecks.bare));
    lines.push(row(r.adapter, `second app, process checks off: /health/live (${ratio(s.liveNoProcessChecks.live.cpu.serverUsPerResponse, s.liveNoProcessChecks.bare.cpu.serverUsPerResponse)} × bare CPU)`, s.liveNoProcessChecks.live));
    const h = r.heap;
    lines.push(
      `| ${r.adapter} | heap after ${h.requests} probes (${h.rps} req/s): heapUsed ${h.before.heapUsedMb} → ${h.after.heapUsedMb} MB (${h.heapGrowthMb >= 0 ? '+' : ''}${h.heapGrowthMb}), RSS ${h.before.rssMb} → ${h.after.rssMb} MB | | | | | | | ${statusText(h.statuses)} |`,
    );
  }
  return lines.join('\n');
}

async function cleanup() {
  await Promise.all([...children].map((child) => stopChild(child).catch(() => child.kill('SIGKILL'))));
  if (redisServer && redisServer.exitCode === null) {
    const exited = new Promise((resolve) => redisServer.once('exit', resolve));
    redisServer.kill('SIGTERM');
    await exited;
  }
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
  console.error(
    `bench: ${ROUNDS} interleaved rounds of ${ROUND_S} s per variant${RATE ? ` at ${RATE} req/s` : ''}, ${DURATION_S} s single scenarios, ${CONNECTIONS} connections, adapters ${ADAPTERS.join(', ')}; load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  database = await createDatabase();
  const redis = await startRedis();
  redisPid = redis.pid;
  const { child: proxyHost, message: proxies } = await forkChild('proxy-host.cjs', { PG_PORT: String(PG.port), REDIS_PORT: String(redis.port) }, 'ready');
  const call = rpc(proxyHost);
  const results = [];
  const loadPerRound = [];
  try {
    const apps = [];
    for (const adapter of ADAPTERS) apps.push(await startApp(adapter, proxies));
    for (const app of apps) await prepare(app);
    await settle(call);
    const perAdapter = new Map(apps.map((app) => [app.adapter, { adapter: app.adapter, rounds: [], scenarios: {} }]));
    for (let i = 0; i < ROUNDS; i++) {
      loadPerRound.push(os.loadavg().map((n) => round(n, 2)));
      for (const app of apps) {
        const figures = {};
        for (const [key, p] of VARIANTS) {
          console.error(`[${app.adapter}] round ${i + 1}/${ROUNDS} ${key}: GET ${p} for ${ROUND_S} s`);
          figures[key] = await flood(app, p, call, ROUND_S, RATE);
        }
        perAdapter.get(app.adapter).rounds.push(figures);
      }
    }
    machine.loadAveragePerRound = loadPerRound;
    for (const app of apps) {
      const out = perAdapter.get(app.adapter);
      try {
        const { scenarios, heap } = await extras(app, call);
        Object.assign(out.scenarios, scenarios);
        out.heap = heap;
      } finally {
        await stopChild(app.child);
      }
      out.scenarios.liveNoProcessChecks = await liveWithoutProcessChecks(app.adapter, proxies, call);
      out.summary = summarize(out);
      out.targets = verdicts(out);
      results.push(out);
    }
  } finally {
    await call('close').catch(() => undefined);
    await cleanup();
  }
  machine.loadAverageAtEnd = os.loadavg().map((n) => round(n, 2));
  machine.wallClockS = round((Date.now() - started.getTime()) / 1000, 0);
  const settings = { rounds: ROUNDS, roundDurationS: ROUND_S, ...(RATE ? { rate: RATE } : {}), durationS: DURATION_S, connections: CONNECTIONS, heapRequests: HEAP_REQUESTS, ownRedis: redis.own, library: LIB, targets: TARGETS };
  const report = { machine, settings, results };
  writeFileSync(path.join(here, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\nnestjs-deep-health bench, ${machine.date}, ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${CONNECTIONS} connections${RATE ? `, rounds at ${RATE} req/s` : ''}, load average ${machine.loadAverageAtStart.join(' ')} → ${machine.loadAverageAtEnd.join(' ')} (1-minute load at each round: ${loadPerRound.map((l) => l[0]).join(', ')})\n`,
  );
  console.log(ratioTable(results));
  console.log('');
  console.log(variantTable(results));
  console.log('');
  console.log(singleTable(results));
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
