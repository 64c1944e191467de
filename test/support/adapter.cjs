'use strict';
/**
 * The HTTP adapter a child-process test or bench app runs on: `ADAPTER=fastify` or Express.
 * Plain CommonJS so apps that load the built `dist/` (no TypeScript) can share it.
 */
function createAdapter(name) {
  if (name === 'fastify') {
    const { FastifyAdapter } = require('@nestjs/platform-fastify');
    return new FastifyAdapter();
  }
  const { ExpressAdapter } = require('@nestjs/platform-express');
  return new ExpressAdapter();
}

module.exports = { createAdapter };
