/**
 * The bench's network middlemen, in a process of their own (so they neither slow the load
 * generator nor the app under test): a counting proxy in front of Postgres, and for Redis a
 * counting proxy in front of the project's TCP fault proxy (test/support/tcp-fault-proxy.ts) in
 * front of Redis, so the bench can blackhole Redis for the app without touching the shared server.
 *
 * Forked by bench/run.mjs. Messages in: { id, cmd: 'counts' | 'redis-mode', mode? }; out: { id, result }.
 * Environment: PG_PORT (default 5432), REDIS_PORT (default 6379).
 */
'use strict';
const path = require('node:path');
const { transformFileSync } = require('@swc/core');
const { startCountingProxy } = require('./lib/counting-proxy.cjs');

// The fault proxy is the tests' TypeScript helper: compile it on load rather than keep a copy.
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformFileSync(filename, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
const { TcpFaultProxy } = require(path.resolve(__dirname, '../test/support/tcp-fault-proxy.ts'));

async function main() {
  const pgPort = Number(process.env.PG_PORT ?? 5432);
  const redisPort = Number(process.env.REDIS_PORT ?? 6379);
  const pg = await startCountingProxy({ protocol: 'postgres', targetPort: pgPort });
  const fault = await TcpFaultProxy.start({ targetPort: redisPort });
  const redis = await startCountingProxy({ protocol: 'redis', targetPort: fault.port });

  const handlers = {
    counts: () => ({ postgres: pg.take(), redis: redis.take() }),
    'redis-mode': ({ mode }) => {
      if (mode === 'blackhole') fault.blackhole();
      else if (mode === 'pass') fault.pass();
      else throw new Error(`unknown mode ${mode}`);
      return { mode };
    },
    close: async () => {
      await Promise.all([pg.close(), redis.close(), fault.close()]);
      setImmediate(() => process.exit(0));
      return {};
    },
  };
  process.on('message', async (message) => {
    try {
      process.send({ id: message.id, result: await handlers[message.cmd](message) });
    } catch (error) {
      process.send({ id: message.id, error: String(error && error.stack ? error.stack : error) });
    }
  });
  process.send({ event: 'ready', pgPort: pg.port, redisPort: redis.port });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
