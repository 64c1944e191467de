#!/usr/bin/env node
// Makes sure the services the integration tests need are up: Postgres, Redis and RabbitMQ.
// A service that is installed but stopped is started; a missing one is named with how to get it.
// Set DEEP_HEALTH_SKIP_SERVICES=1 to skip this step (e.g. when they run elsewhere).
import { execSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';

const services = [
  {
    name: 'PostgreSQL',
    port: 5432,
    binary: 'pg_ctlcluster',
    start: () => `pg_ctlcluster --skip-systemctl-redirect ${readdirSync('/etc/postgresql')[0]} main start`,
    install: 'apt-get install postgresql, or: docker compose -f docker-compose.test.yml up -d',
  },
  {
    name: 'Redis',
    port: 6379,
    binary: 'redis-server',
    start: () => 'mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    install: 'apt-get install redis-server, or: docker compose -f docker-compose.test.yml up -d',
  },
  {
    name: 'RabbitMQ',
    port: 5672,
    binary: 'rabbitmq-server',
    start: () => 'rabbitmq-server -detached',
    install: 'apt-get install rabbitmq-server, or: docker compose -f docker-compose.test.yml up -d',
    waitSeconds: 90,
  },
];

const reachable = (port) =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
  });

const installed = (binary) => spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;

async function ensure(service) {
  if (await reachable(service.port)) return undefined;
  if (!installed(service.binary)) return `${service.name} is not running on 127.0.0.1:${service.port} and is not installed (${service.install})`;
  console.log(`services: starting ${service.name}...`);
  try {
    execSync(service.start(), { stdio: 'inherit' });
  } catch (error) {
    return `${service.name} could not be started: ${error.message.split('\n')[0]}`;
  }
  const deadline = Date.now() + (service.waitSeconds ?? 30) * 1000;
  while (Date.now() < deadline) {
    if (await reachable(service.port)) {
      console.log(`services: ${service.name} is up on ${service.port}`);
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return `${service.name} was started but does not answer on 127.0.0.1:${service.port}`;
}

if (process.env.DEEP_HEALTH_SKIP_SERVICES !== '1') {
  const problems = (await Promise.all(services.map(ensure))).filter(Boolean);
  if (problems.length > 0) {
    console.error(`The integration tests need these services:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
  console.log('services: PostgreSQL, Redis and RabbitMQ are up');
}
