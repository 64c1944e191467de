/**
 * Every exported check factory through one suite, under the real HealthEngine: common options
 * honoured, secrets never echoed, the signal aborts its I/O, a dependency error becomes `fail`,
 * no pile-up of runs against a hung dependency, and the deadline served from the last result.
 *
 * A new factory joins the table below (the first test fails until it does); a factory that breaks
 * a property is fixed at its root, with its row as the failing test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HealthIndicatorService } from '@nestjs/terminus';
import { COMMON_OPTION_KEYS, defineCheck, fromTerminus, HealthEngine, type CheckOptions, type CheckResult, type HealthCheck } from 'nestjs-deep-health';
import { migrationsCheck, pgvectorCheck, postgresCheck } from 'nestjs-deep-health/typeorm';
import { prismaMigrationsCheck } from 'nestjs-deep-health/prisma';
import { redisCheck } from 'nestjs-deep-health/redis';
import { bullmqCheck, rabbitmqCheck } from 'nestjs-deep-health/queues';
import { chromaCheck, milvusCheck, pineconeCheck, qdrantCheck, weaviateCheck } from 'nestjs-deep-health/vector';
import { anthropicCheck, azureOpenaiCheck, geminiCheck, ollamaCheck, openaiCheck } from 'nestjs-deep-health/llm';
import { sleep, until } from '../support/check-runner';
import { bearer, type VendorSpec } from '../support/fakes/vendor-route';
import { COLLECTION, DIMENSION, chromaSpec, milvusSpec, pineconeSpec, qdrantSpec, weaviateSpec, WEAVIATE_CLASS } from '../support/fakes/vector-fakes';
import { ANTHROPIC_MODEL, anthropicSpec, AZURE_DEPLOYMENT, azureSpec, GEMINI_MODEL, geminiSpec, OLLAMA_MODEL, ollamaSpec, OPENAI_MODEL, openaiSpec } from '../support/fakes/llm-fakes';
import { SecretScan } from '../support/secret-scan';
import {
  bullmqDependency,
  httpDependency,
  pgvectorDatabase,
  postgresDatabase,
  postgresDependency,
  rabbitmqDependency,
  redisDependency,
  secret,
  SLOW_MS,
  type Dependency,
} from './dependencies';

/**
 * How a check's I/O ends when its run is aborted:
 * - `closes`: the check owns the socket (or request) and closes it;
 * - `app-connection`: it sends commands on the app's own connection, which it must not close;
 * - `ignores-signal`: it cannot be aborted (a terminus indicator takes no signal): the engine
 *   abandons the run and starts no other until it settles.
 */
type AbortedIo = 'closes' | 'app-connection' | 'ignores-signal';

interface Row {
  factory: string;
  /** The entry point that exports it (`.` is the package root). */
  entry: string;
  /** The name it gives a check when none is set. */
  name: string;
  io: AbortedIo;
  dependency(): Promise<Dependency>;
}

const KEY = secret('key');

/** A minimal HTTP service for the root factories: `GET /ping`, Bearer auth. */
const pingSpec: VendorSpec = {
  presented: bearer,
  error: (message) => ({ error: message }),
  isMain: (r) => r.path === '/ping',
  answer: (r) => (r.path === '/ping' ? { body: { ok: true } } : undefined),
};

/** What an app's custom check does: one request with the run's signal; an HTTP error is thrown. */
function pingCheck(url: string, options: CheckOptions): HealthCheck {
  return defineCheck({
    name: 'search',
    ...options,
    secrets: [KEY],
    run: async ({ signal }) => {
      const response = await fetch(`${url}/ping`, { headers: { authorization: `Bearer ${KEY}` }, signal });
      const text = await response.text();
      if (!response.ok) throw new Error(`search answered HTTP ${response.status}: ${text}`);
    },
  });
}

/** A custom terminus indicator, as apps write them: no signal, `down` with the body as message. */
function terminusPing(url: string, { name = 'search', ...options }: CheckOptions): HealthCheck {
  const indicators = new HealthIndicatorService();
  return fromTerminus(
    name,
    async () => {
      const session = indicators.check(name);
      const response = await fetch(`${url}/ping`, { headers: { authorization: `Bearer ${KEY}` } });
      const text = await response.text();
      return response.ok ? session.up() : session.down({ message: `HTTP ${response.status}: ${text}` });
    },
    { ...options, secrets: [KEY] },
  );
}

const ROWS: Row[] = [
  { factory: 'defineCheck', entry: '.', name: 'search', io: 'closes', dependency: () => httpDependency(pingSpec, KEY, pingCheck) },
  { factory: 'fromTerminus', entry: '.', name: 'search', io: 'ignores-signal', dependency: () => httpDependency(pingSpec, KEY, terminusPing) },
  {
    factory: 'postgresCheck',
    entry: './typeorm',
    name: 'postgres',
    io: 'closes',
    dependency: async () => postgresDependency(await postgresDatabase(), (dataSource, options) => postgresCheck({ dataSource, ...options })),
  },
  {
    factory: 'migrationsCheck',
    entry: './typeorm',
    name: 'postgres:migrations',
    io: 'closes',
    dependency: async () =>
      postgresDependency(await postgresDatabase(['CREATE TABLE items (id serial PRIMARY KEY)']), (dataSource, options) =>
        migrationsCheck({ dataSource, requiredTables: ['items'], ...options }),
      ),
  },
  {
    factory: 'pgvectorCheck',
    entry: './typeorm',
    name: 'postgres:pgvector',
    io: 'closes',
    dependency: async () =>
      postgresDependency(
        await pgvectorDatabase([
          'CREATE EXTENSION vector',
          'CREATE TABLE documents (id serial PRIMARY KEY, embedding vector(3))',
          'CREATE INDEX ON documents USING hnsw (embedding vector_l2_ops)',
        ]),
        (dataSource, options) => pgvectorCheck({ dataSource, table: 'documents', column: 'embedding', dimensions: 3, ...options }),
      ),
  },
  {
    factory: 'prismaMigrationsCheck',
    entry: './prisma',
    name: 'postgres:prisma-migrations',
    io: 'closes',
    dependency: async () =>
      postgresDependency(
        await postgresDatabase([
          `CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
             migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
             applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at) VALUES ('1', 'x', '20240101000000_init', now())`,
        ]),
        (dataSource, options) => prismaMigrationsCheck({ dataSource, ...options }),
      ),
  },
  { factory: 'redisCheck', entry: './redis', name: 'redis', io: 'app-connection', dependency: () => redisDependency((client, options) => redisCheck({ client, ...options })) },
  {
    factory: 'bullmqCheck',
    entry: './queues',
    name: 'bullmq:<queue>',
    io: 'app-connection',
    dependency: () => bullmqDependency((queue, options) => bullmqCheck({ queue, minWorkers: 0, ...options })),
  },
  {
    factory: 'rabbitmqCheck',
    entry: './queues',
    name: 'rabbitmq:<queue>',
    io: 'closes',
    dependency: () => rabbitmqDependency((url, queue, options) => rabbitmqCheck({ url, queue, minConsumers: 0, ...options })),
  },
  {
    factory: 'qdrantCheck',
    entry: './vector',
    name: 'qdrant',
    io: 'closes',
    dependency: () => httpDependency(qdrantSpec, KEY, (url, options) => qdrantCheck({ url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION, ...options })),
  },
  {
    factory: 'chromaCheck',
    entry: './vector',
    name: 'chroma',
    io: 'closes',
    dependency: () => httpDependency(chromaSpec, KEY, (url, options) => chromaCheck({ url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION, ...options })),
  },
  {
    factory: 'weaviateCheck',
    entry: './vector',
    name: 'weaviate',
    io: 'closes',
    dependency: () => httpDependency(weaviateSpec, KEY, (url, options) => weaviateCheck({ url, apiKey: KEY, collection: WEAVIATE_CLASS, ...options })),
  },
  {
    factory: 'pineconeCheck',
    entry: './vector',
    name: 'pinecone',
    io: 'closes',
    dependency: () =>
      httpDependency((fake) => pineconeSpec(() => fake.host), KEY, (url, options) => pineconeCheck({ url, apiKey: KEY, index: COLLECTION, dimensions: DIMENSION, ...options })),
  },
  {
    factory: 'milvusCheck',
    entry: './vector',
    name: 'milvus',
    io: 'closes',
    dependency: () => httpDependency(milvusSpec, KEY, (url, options) => milvusCheck({ url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION, ...options })),
  },
  {
    factory: 'openaiCheck',
    entry: './llm',
    name: 'openai',
    io: 'closes',
    dependency: () => httpDependency(openaiSpec, KEY, (url, options) => openaiCheck({ baseUrl: `${url}/v1`, apiKey: KEY, model: OPENAI_MODEL, ...options })),
  },
  {
    factory: 'anthropicCheck',
    entry: './llm',
    name: 'anthropic',
    io: 'closes',
    dependency: () => httpDependency(anthropicSpec, KEY, (url, options) => anthropicCheck({ baseUrl: url, apiKey: KEY, model: ANTHROPIC_MODEL, ...options })),
  },
  {
    factory: 'azureOpenaiCheck',
    entry: './llm',
    name: 'azure-openai',
    io: 'closes',
    dependency: () => httpDependency(azureSpec, KEY, (url, options) => azureOpenaiCheck({ endpoint: url, apiKey: KEY, deployment: AZURE_DEPLOYMENT, ...options })),
  },
  {
    factory: 'geminiCheck',
    entry: './llm',
    name: 'gemini',
    io: 'closes',
    dependency: () => httpDependency(geminiSpec, KEY, (url, options) => geminiCheck({ baseUrl: `${url}/v1beta`, apiKey: KEY, model: GEMINI_MODEL, ...options })),
  },
  {
    factory: 'ollamaCheck',
    entry: './llm',
    name: 'ollama',
    io: 'closes',
    dependency: () => httpDependency(ollamaSpec, KEY, (url, options) => ollamaCheck({ baseUrl: url, apiKey: KEY, model: OLLAMA_MODEL, ...options })),
  },
];

/** Short, so the suite stays fast; the hung cases are judged against it. */
const HUNG_TIMEOUT_MS = 150;
/** What a run against a hung dependency may take beyond its timeout on a loaded 2-core machine. */
const TIMEOUT_SLACK_MS = 400;
/** How long aborted I/O may take to release its socket. */
const RELEASE_WITHIN_MS = 1000;
const PROBES = 20;
/** After the probes, how long aborted I/O gets to end before the dependency is looked at (two timeouts). */
const SETTLE_MS = 2 * HUNG_TIMEOUT_MS;
const PROBE_SPACING_MS = 15;
/** The response deadline of the deadline case: below every `slow` round trip. */
const DEADLINE_MS = SLOW_MS * 0.75;

const scan = new SecretScan([KEY]);
beforeAll(() => scan.install());
afterAll(() => scan.uninstall());

function engine(deadlineMs = 5000): HealthEngine {
  return new HealthEngine({ timeoutMs: 1000, cacheTtlMs: 0, deadlineMs });
}

it('the table lists every exported check factory', () => {
  // A factory: an exported function named `...Check` (but not the `isHealthCheck` guard), or `fromTerminus`.
  const root = join(__dirname, '../..');
  const { entries } = JSON.parse(readFileSync(join(root, 'src/entry-points.json'), 'utf8')) as { entries: { subpath: string; source: string }[] };
  const exported = entries.flatMap(({ subpath, source }) =>
    Object.entries(require(join(root, source)) as Record<string, unknown>)
      .filter(([name, value]) => typeof value === 'function' && ((name.endsWith('Check') && name !== 'isHealthCheck') || name === 'fromTerminus'))
      .map(([name]) => `${subpath} ${name}`),
  );
  expect(exported.sort()).toEqual(ROWS.map((row) => `${row.entry} ${row.factory}`).sort());
});

describe.each(ROWS)('$factory', (row) => {
  let dependency: Dependency;
  const rowScan = { results: [] as CheckResult[] };
  const engines: HealthEngine[] = [];

  beforeAll(async () => {
    dependency = await row.dependency();
  });
  afterEach(() => {
    for (const used of engines.splice(0)) used.close();
  });
  afterAll(async () => {
    await dependency?.close();
  });

  async function probe(using: HealthEngine, check: HealthCheck, deadlineMs?: number): Promise<CheckResult> {
    const { results } = await using.evaluate([check], deadlineMs);
    rowScan.results.push(...results);
    scan.record(results);
    return results[0]!;
  }
  function newEngine(deadlineMs?: number): HealthEngine {
    const made = engine(deadlineMs);
    engines.push(made);
    return made;
  }

  it('honours the common options: name, critical, startup, refreshInBackground, timeoutMs, cacheTtlMs, failureCacheTtlMs, failureThreshold', async () => {
    const defaults = dependency.build('healthy', {});
    const expectedName = row.name.replace('<queue>', defaults.name.split(':')[1] ?? '');
    expect(defaults.name).toBe(expectedName);
    const options: CheckOptions = {
      name: `conformance-${row.factory}`,
      critical: !defaults.critical,
      startup: !defaults.startup,
      refreshInBackground: !defaults.refreshInBackground,
      timeoutMs: 1500,
      cacheTtlMs: 60_000,
      failureCacheTtlMs: 400,
      failureThreshold: 3,
    };
    const check = dependency.build('healthy', options);
    const ignored = COMMON_OPTION_KEYS.filter((key) => check[key] !== options[key]).map((key) => `${key}: ${String(check[key])} instead of ${String(options[key])}`);
    expect(ignored).toEqual([]);

    const using = newEngine();
    expect(using.policy(check)).toEqual({ timeoutMs: 1500, cacheTtlMs: 60_000, failureCacheTtlMs: 400, failureThreshold: 3, refreshInBackground: options.refreshInBackground });
    const first = await probe(using, check);
    expect(first).toMatchObject({ name: options.name, critical: options.critical, status: 'pass' });
    const calls = dependency.calls();
    expect(calls).toBeGreaterThan(0);
    // Within cacheTtlMs: the cached result, and no call to the dependency.
    const second = await probe(using, check);
    expect({ time: second.time, calls: dependency.calls() }).toEqual({ time: first.time, calls });
  });

  it('reports a dependency error as fail with a description, reuses it for failureCacheTtlMs, and counts failureThreshold', async () => {
    const check = dependency.build('error', { timeoutMs: 1500, cacheTtlMs: 60_000, failureCacheTtlMs: 300, failureThreshold: 2, refreshInBackground: false });
    const using = newEngine();
    // `probe` never rejects: whatever the check throws becomes its result.
    const first = await probe(using, check);
    expect(first).toMatchObject({ status: 'warn', consecutiveFailures: 1, output: expect.stringMatching(/\w{4,}.*\w{4,}/) });
    const calls = dependency.calls();
    const reused = await probe(using, check);
    expect({ time: reused.time, calls: dependency.calls() }).toEqual({ time: first.time, calls });
    await sleep(350);
    const second = await probe(using, check);
    expect(second).toMatchObject({ status: 'fail', consecutiveFailures: 2 });
    expect(dependency.calls()).toBeGreaterThan(calls);
  });

  it('aborts its I/O at the timeout: a hung dependency fails within timeoutMs, and what the check opened is closed', async () => {
    const connectionsBefore = dependency.connections();
    const check = dependency.build('hung', { timeoutMs: HUNG_TIMEOUT_MS, cacheTtlMs: 0 });
    const callsBefore = dependency.calls();
    const started = performance.now();
    const result = await probe(newEngine(), check);
    const elapsedMs = performance.now() - started;
    expect(result.status).toBe('fail');
    expect(elapsedMs).toBeLessThan(HUNG_TIMEOUT_MS + TIMEOUT_SLACK_MS);
    // The check did reach the hung dependency (else this case would prove nothing).
    expect(dependency.calls()).toBeGreaterThan(callsBefore);
    if (row.io === 'closes') {
      const left = await until(async () => dependency.unanswered(), (open) => open.length === 0, RELEASE_WITHIN_MS);
      expect(left.map((at) => `a request sent at +${Math.round(at - started)} ms is still open`)).toEqual([]);
    } else if (row.io === 'app-connection') {
      // The app's connection carries the unanswered command; the check neither opened nor closed one.
      expect(dependency.connections()).toBe(connectionsBefore);
    } else {
      // The indicator cannot be aborted: its one request stays open until the dependency answers.
      expect(dependency.unanswered()).toHaveLength(1);
    }
  });

  it(`no pile-up: ${PROBES} probes against a hung dependency leave at most one run and one run's requests in flight`, async () => {
    dependency.set('healthy');
    const check = dependency.build('hung', { timeoutMs: HUNG_TIMEOUT_MS, cacheTtlMs: 0 });
    const runs = { started: [] as number[], inFlight: 0, peak: 0 };
    // The same check, counting its runs: the engine only sees the HealthCheck interface.
    const counted: HealthCheck = {
      ...check,
      run: async (context) => {
        runs.started.push(performance.now());
        runs.peak = Math.max(runs.peak, ++runs.inFlight);
        try {
          return await check.run(context);
        } finally {
          runs.inFlight--;
        }
      },
    };
    const using = newEngine();
    const probes: Promise<CheckResult>[] = [];
    for (let i = 0; i < PROBES; i++) {
      probes.push(probe(using, counted));
      await sleep(PROBE_SPACING_MS);
    }
    const results = await Promise.all(probes);
    expect(results.filter((r) => r.status !== 'fail').map((r) => `${r.status}: ${r.output}`)).toEqual([]);
    // Give aborted I/O the time to end, then look at what the dependency still holds.
    await sleep(SETTLE_MS);
    // Requests by the run that sent them (those of earlier cases, before run 1, are not this case's).
    const runOf = (at: number) => runs.started.filter((start) => start <= at).length;
    const holding = [...new Set(dependency.unanswered().map(runOf))].filter((run) => run > 0);
    const bad = [
      ...(runs.peak > 1 ? [`${runs.peak} runs in flight at once`] : []),
      ...holding.slice(1).map((run) => `run ${run} of ${runs.started.length} still has unanswered requests, beside run ${holding[0]}`),
    ];
    expect(bad).toEqual([]);
  });

  it('deadline: slower than the response deadline but within its timeout, it is served its last result, not failed', async () => {
    const check = dependency.build('healthy', { timeoutMs: 2500, cacheTtlMs: 30, refreshInBackground: false });
    const using = newEngine(DEADLINE_MS);
    const first = await using.result(check);
    expect(first.status).toBe('pass');
    dependency.set('slow');
    await sleep(40);
    const served = await probe(using, check, DEADLINE_MS);
    expect({ status: served.status, time: served.time }).toEqual({ status: 'pass', time: first.time });
    // The refresh ran meanwhile, slower than the deadline, and passed.
    const fresh = await until(async () => using.lastResult(check)!, (r) => r.time !== first.time, 3000);
    expect({ status: fresh.status, slowerThanDeadline: fresh.durationMs > DEADLINE_MS }).toEqual({ status: 'pass', slowerThanDeadline: true });
    dependency.set('healthy');
  });

  it('never echoes a secret (the credentials it was given, what the dependency answered) in any result', () => {
    expect(rowScan.results.length).toBeGreaterThan(5);
    const rowSecrets = new SecretScan([KEY, ...dependency.secrets]);
    for (const result of rowScan.results) rowSecrets.record(result);
    expect(rowSecrets.leaks()).toEqual([]);
  });
});
