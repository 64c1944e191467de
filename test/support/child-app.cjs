'use strict';
/**
 * For Nest apps that tests and the bench run as child processes (plain CommonJS on the built
 * `dist/`, no TypeScript): the adapter from `ADAPTER`, and the boot that tells the parent its port
 * over IPC and closes the app when the parent disconnects.
 */
function createAdapter(name) {
  if (name === 'fastify') {
    const { FastifyAdapter } = require('@nestjs/platform-fastify');
    return new FastifyAdapter();
  }
  const { ExpressAdapter } = require('@nestjs/platform-express');
  return new ExpressAdapter();
}

/** Boots `AppModule` on a free loopback port, announces it, and exits cleanly with the parent. */
async function serveInChild(AppModule, { adapter, logger = false, shutdownHooks = false }) {
  const { NestFactory } = require('@nestjs/core');
  const app = await NestFactory.create(AppModule, createAdapter(adapter), { logger });
  if (shutdownHooks) app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  process.send({ event: 'listening', port: app.getHttpServer().address().port });
  process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
  return app;
}

/** Runs `main`, reporting a boot failure on stderr with exit code 1. */
function runChild(main) {
  main().catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}

module.exports = { createAdapter, serveInChild, runChild };
