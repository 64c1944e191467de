/**
 * The dependencies the conformance suite builds checks against: loopback vendor fakes for the HTTP
 * checks, and real Postgres, PGlite, Redis and RabbitMQ behind a `TcpFaultProxy` for the driver
 * checks. Each one can be put in four states, for the check already built or a new one:
 * - `healthy`: answers as the vendor documents;
 * - `hung`: accepts connections and requests and never answers;
 * - `error`: answers every request with an error that carries a secret (the credential the check
 *   presented, echoed as some providers do, or the password the check was configured with);
 * - `slow`: healthy, but every round trip takes at least {@link SLOW_MS}.
 */
import { randomBytes } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import Redis from 'ioredis';
import { Queue } from 'bullmq';
import { connect as amqpConnect, type ChannelModel } from 'amqplib';
import { vector } from '@electric-sql/pglite-pgvector';
import type { CheckOptions, HealthCheck } from 'nestjs-deep-health';
import { FakeServer, type FakeRoute } from '../support/fakes/fake-server';
import { vendorRoute, type VendorSpec } from '../support/fakes/vendor-route';
import { amqpLoginRefused, postgresError, redisError } from '../support/fakes/protocol-errors';
import { TcpFaultProxy, type Responder } from '../support/tcp-fault-proxy';
import { startPglite } from '../support/pglite';
import { admin, PG } from '../integration/typeorm/fixtures';

export type Scenario = 'healthy' | 'hung' | 'error' | 'slow';

/** A round trip to a `slow` dependency takes at least this long. */
export const SLOW_MS = 80;

export interface Dependency {
  /** The credentials given to the check, and the secrets the dependency's errors carry. */
  readonly secrets: readonly string[];
  /** Puts the dependency in `scenario`, then builds the check against it with `options`. */
  build(scenario: Scenario, options: CheckOptions): HealthCheck;
  /** Puts the dependency in `scenario` for the checks already built. */
  set(scenario: Scenario): void;
  /** Requests (or bytes) the dependency received so far: it grows with every call a check makes. */
  calls(): number;
  /** Client connections open on the dependency now. */
  connections(): number;
  /** When each request the dependency holds unanswered, on a connection still open, arrived (`performance.now()`). */
  unanswered(): number[];
  close(): Promise<void>;
}

/** A fresh secret-looking value, unlike any well-known key format, so only a check's own redaction can hide it. */
export function secret(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

/** How an HTTP check is built against a fake at `url`. */
export type HttpFactory = (url: string, options: CheckOptions, fake: FakeServer) => HealthCheck;

/**
 * An HTTP API on a loopback fake of its own: `spec` answers `healthy`; `hung` leaves the main
 * request unanswered; `error` answers it 503 with the vendor's error body echoing the key presented.
 */
export async function httpDependency(spec: VendorSpec | ((fake: FakeServer) => VendorSpec), key: string, make: HttpFactory): Promise<Dependency> {
  const fake = await FakeServer.start(() => ({ status: 500 }));
  const vendor = typeof spec === 'function' ? spec(fake) : spec;
  const healthy = vendorRoute(vendor, 'healthy', key);
  const routes: Record<Scenario, FakeRoute> = {
    healthy,
    hung: vendorRoute(vendor, 'slow', key),
    error: (request, server) =>
      vendor.isMain(request) ? { status: 503, body: vendor.error(`upstream unavailable (key ${vendor.presented(request) ?? 'none'})`, 503) } : healthy(request, server),
    slow: (request, server) => ({ ...healthy(request, server), delayMs: SLOW_MS }),
  };
  const set = (scenario: Scenario) => {
    fake.route = routes[scenario];
  };
  return {
    secrets: [key],
    build(scenario, options) {
      set(scenario);
      return make(fake.url, options, fake);
    },
    set,
    calls: () => fake.requests.length,
    connections: () => fake.openSockets,
    unanswered: () => fake.unanswered(),
    close: () => fake.close(),
  };
}

/**
 * A dependency reached through a fault proxy: `hung` is a blackhole, `slow` a delay, `error` the
 * `error` responder (its protocol's error). `build` gets the scenario once the proxy is in it.
 */
function proxiedDependency(
  proxy: TcpFaultProxy,
  parts: { secrets: string[]; error: Responder; build: (scenario: Scenario, options: CheckOptions) => HealthCheck; close: () => Promise<void> },
): Dependency {
  const set = (scenario: Scenario) => {
    if (scenario === 'healthy') proxy.pass();
    else if (scenario === 'hung') proxy.blackhole();
    else if (scenario === 'slow') proxy.delay(SLOW_MS / 2);
    else proxy.answer(parts.error);
  };
  return {
    secrets: parts.secrets,
    build(scenario, options) {
      set(scenario);
      return parts.build(scenario, options);
    },
    set,
    calls: () => proxy.bytesFromClients,
    connections: () => proxy.connectionCount,
    unanswered: () => proxy.unanswered(),
    close: parts.close,
  };
}

export interface PostgresTarget {
  /** Port of the server (the shared Postgres, or a PGlite). */
  port: number;
  database: string;
  /** Statements run once, in order, when the DataSource has connected (the tables the check reads). */
  setup: readonly string[];
  close(): Promise<void>;
}

/** A fresh database on the shared Postgres 15, dropped at `close`. */
export async function postgresDatabase(setup: readonly string[] = []): Promise<PostgresTarget> {
  const database = `deep_health_conformance_${randomBytes(4).toString('hex')}`;
  await admin('postgres', `CREATE DATABASE ${database}`);
  return { port: PG.port, database, setup, close: () => admin('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).then(() => undefined) };
}

/** A PGlite with pgvector (Postgres 15 here has no pgvector package). */
export async function pgvectorDatabase(setup: readonly string[] = []): Promise<PostgresTarget> {
  const pglite = await startPglite({ extensions: { vector }, maxConnections: 4 });
  return { port: pglite.port, database: 'postgres', setup, close: () => pglite.close() };
}

/**
 * A TypeORM DataSource through a fault proxy, configured with a password (the servers trust
 * loopback, so it is never asked for). `error` answers every statement, and every new
 * connection, with an error naming that password.
 */
export async function postgresDependency(target: PostgresTarget, make: (dataSource: DataSource, options: CheckOptions) => HealthCheck): Promise<Dependency> {
  const password = secret('pgpw');
  const proxy = await TcpFaultProxy.start({ targetPort: target.port });
  const dataSource = new DataSource({
    type: 'postgres',
    host: PG.host,
    port: proxy.port,
    username: PG.user,
    password,
    database: target.database,
    poolSize: 2,
  } as DataSourceOptions);
  await dataSource.initialize();
  for (const statement of target.setup) await dataSource.query(statement);
  return proxiedDependency(proxy, {
    secrets: [password],
    error: postgresError(`password authentication failed for user "${PG.user}" (tried "${password}")`),
    build: (_scenario, options) => make(dataSource, options),
    async close() {
      await proxy.close();
      await dataSource.destroy().catch(() => undefined);
      await target.close();
    },
  });
}

const REDIS_PORT = 6379;
/** A Redis that refuses every command naming the password (not in a `password=` shape, so only registration hides it). */
const wrongPassword = (password: string) => redisError(`WRONGPASS ${password} is not a valid credential for user default`);

/** An ioredis client of the app, through a fault proxy to the shared Redis, configured with a password. */
export async function redisDependency(make: (client: Redis, options: CheckOptions) => HealthCheck): Promise<Dependency> {
  const password = secret('rdpw');
  const proxy = await TcpFaultProxy.start({ targetPort: REDIS_PORT });
  // The shared Redis has no password: ioredis warns about the one it was given and carries on.
  const client = new Redis({ port: proxy.port, password, lazyConnect: true, maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  await client.connect();
  return proxiedDependency(proxy, {
    secrets: [password],
    error: wrongPassword(password),
    build: (_scenario, options) => make(client, options),
    async close() {
      await proxy.close();
      client.disconnect();
    },
  });
}

/** A BullMQ Queue of the app, its Redis connection through a fault proxy and configured with a password. */
export async function bullmqDependency(make: (queue: Queue, options: CheckOptions) => HealthCheck): Promise<Dependency> {
  const password = secret('bqpw');
  const proxy = await TcpFaultProxy.start({ targetPort: REDIS_PORT });
  const queue = new Queue(`conformance-${randomBytes(4).toString('hex')}`, { connection: { host: '127.0.0.1', port: proxy.port, password } });
  queue.on('error', () => undefined);
  await queue.waitUntilReady();
  return proxiedDependency(proxy, {
    secrets: [password],
    error: wrongPassword(password),
    build: (_scenario, options) => make(queue, options),
    async close() {
      proxy.pass();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      await proxy.close();
    },
  });
}

const RABBITMQ_PORT = 5672;

/**
 * RabbitMQ through a fault proxy, for a check that opens its own connection from a URL. `error` is
 * a broker that refuses the login naming the password presented; the check built for it is given
 * a URL with a long password (the shared broker only knows guest/guest).
 */
export async function rabbitmqDependency(make: (url: string, queue: string, options: CheckOptions) => HealthCheck): Promise<Dependency> {
  const password = secret('mqpw');
  const proxy = await TcpFaultProxy.start({ targetPort: RABBITMQ_PORT });
  const queue = `conformance-${process.pid}-${randomBytes(4).toString('hex')}`;
  const app: ChannelModel = await amqpConnect(`amqp://guest:guest@127.0.0.1:${RABBITMQ_PORT}`);
  const channel = await app.createChannel();
  await channel.assertQueue(queue, { durable: false });
  const built: HealthCheck[] = [];
  return proxiedDependency(proxy, {
    secrets: [password],
    error: amqpLoginRefused(),
    build(scenario, options) {
      const credentials = scenario === 'error' ? `guest:${password}` : 'guest:guest';
      const check = make(`amqp://${credentials}@127.0.0.1:${proxy.port}`, queue, options);
      built.push(check);
      return check;
    },
    async close() {
      proxy.pass();
      await Promise.all(built.map((check) => check.close()));
      await proxy.close();
      await channel.deleteQueue(queue);
      await app.close();
    },
  });
}
