/**
 * The lowest end of every peer range, installed together: the packed package in a separate app with the
 * minimum version each range of package.json `peerDependencies` allows (semver's minVersion, so narrowing
 * a range moves this cell with it), type-checked as a TypeScript ES module app and booted against the real
 * Postgres, Redis and RabbitMQ: migrations run, every check of /health/deep passes, /health/ready is 200.
 * The highest end is what the rest of the suite runs (the devDependencies).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createTestDatabase, uniqueName, type TestDatabase } from '../integration/typeorm/fixtures';
import { boot, compileIn, installConsumerApp, root, stop } from './consumer-app';
// semver comes with the dependency tree (npm resolves ranges with it; no types of its own).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { minVersion(range: string): { version: string } | null; major(v: string): number; minor(v: string): number };

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const LOWEST: Record<string, string> = Object.fromEntries(
  Object.entries(pkg.peerDependencies as Record<string, string>).map(([name, range]) => [name, semver.minVersion(range)!.version]),
);
const amqplibLine = `${semver.major(LOWEST.amqplib!)}.${semver.minor(LOWEST.amqplib!)}`;
/** Not peers, but what such an app needs: the HTTP adapter of that Nest, and amqplib's types of that line. */
const COMPANIONS = { '@nestjs/platform-express': LOWEST['@nestjs/core']!, '@types/amqplib': `~${amqplibLine}.0` };

const APP = `
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import * as amqplib from 'amqplib';
import { DeepHealthModule } from 'nestjs-deep-health';
import { migrationsCheck, postgresCheck } from 'nestjs-deep-health/typeorm';
import { redisCheck } from 'nestjs-deep-health/redis';
import { bullmqCheck, rabbitmqCheck } from 'nestjs-deep-health/queues';

const { DATABASE = '', QUEUE = '' } = process.env;
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE widgets (id serial PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE widgets');
  }
}

const dataSource = new DataSource({ type: 'postgres', url: \`postgres://postgres@127.0.0.1:5432/\${DATABASE}\`, migrations: [CreateWidgets1700000000000], migrationsRun: true });
await dataSource.initialize();
const redis = new Redis({ host: '127.0.0.1', port: 6379 });
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
const queue = new Queue(QUEUE, { connection });
new Worker(QUEUE, async () => 'done', { connection });
const amqp = await amqplib.connect(AMQP_URL);
const channel = await amqp.createChannel();
// Deleted by the broker when this app's consumer goes away.
await channel.assertQueue(QUEUE, { durable: false, autoDelete: true });
await channel.consume(QUEUE, () => undefined);

@Module({
  imports: [
    DeepHealthModule.forRoot({
      metrics: true,
      details: 'always',
      checks: [
        postgresCheck({ dataSource }),
        migrationsCheck({ dataSource, startup: true }),
        redisCheck({ client: redis }),
        bullmqCheck({ queue, minWorkers: 1 }),
        rabbitmqCheck({ connection: amqp, queue: QUEUE }),
        rabbitmqCheck({ url: AMQP_URL, queue: QUEUE, name: 'rabbitmq:own-connection' }),
      ],
    }),
  ],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error'] });
SwaggerModule.setup('openapi', app, SwaggerModule.createDocument(app, new DocumentBuilder().build()));
await app.listen(0, '127.0.0.1');
console.log('PORT=' + (app.getHttpServer().address() as { port: number }).port);
`;

describe('the packed package with the lowest version of every peer range', () => {
  let appDir: string;
  let database: TestDatabase;
  const queueName = uniqueName('deep-health-lowest');
  let compileErrors: string[];
  let app: { child: ChildProcess; port: number } | undefined;

  beforeAll(async () => {
    appDir = installConsumerApp('deep-health-lowest-peers-', { name: 'lowest-peers-app', version: '1.0.0' }, { ...LOWEST, ...COMPANIONS }).dir;
    database = await createTestDatabase();
    writeFileSync(join(appDir, 'app.mts'), APP);
    compileErrors = compileIn(appDir, 'app.mts', { skipLibCheck: true, experimentalDecorators: true, emitDecoratorMetadata: true, outDir: '.' });
  }, 240_000);

  afterAll(async () => {
    if (app) await stop(app.child);
    await database?.drop();
    const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: 6379 } });
    await queue.obliterate({ force: true });
    await queue.close();
    rmSync(appDir, { recursive: true, force: true });
  }, 30_000);

  it('installs exactly the lowest version of each range', () => {
    const installed = Object.fromEntries(Object.keys(LOWEST).map((name) => [name, JSON.parse(readFileSync(join(appDir, 'node_modules', name, 'package.json'), 'utf8')).version]));
    expect(installed).toEqual(LOWEST);
  });

  it('type-checks an ES module app that uses every peer', () => {
    expect(compileErrors).toEqual([]);
  });

  it('boots against the real services: migrations run, every check passes, /health/ready is 200', async () => {
    app = await boot(process.execPath, appDir, 'app.mjs', { DATABASE: database.name, QUEUE: queueName });
    const get = (path: string) => fetch(`http://127.0.0.1:${app!.port}${path}`);
    const deep = (await (await get('/health/deep')).json()) as { checks: Record<string, Array<{ status: string; output?: string }>> };
    const notPassing = Object.entries(deep.checks).filter(([, [result]]) => result!.status !== 'pass').map(([name, [result]]) => `${name}: ${result!.status} ${result!.output ?? ''}`);
    expect(notPassing).toEqual([]);
    expect(Object.keys(deep.checks)).toEqual(expect.arrayContaining(['postgres', 'postgres:migrations', 'redis', `bullmq:${queueName}`, `rabbitmq:${queueName}`, 'rabbitmq:own-connection']));
    expect((await get('/health/ready')).status).toBe(200);
    // prom-client's lowest: the scrape renders every check.
    expect(await (await get('/health/metrics')).text()).toContain(`deep_health_check_status{check="bullmq:${queueName}"`);
    // @nestjs/swagger's lowest: the health routes are in the OpenAPI document.
    const openapi = (await (await get('/openapi-json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/health/ready', '/health/deep']));
  }, 30_000);
});
