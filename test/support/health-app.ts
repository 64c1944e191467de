/**
 * Boots a real Nest application with DeepHealthModule on Express or Fastify, listening on a free
 * loopback port, for e2e tests: `const app = await startHealthApp('fastify', { checks })`.
 */
import { Controller, Get, Module, Post, type DynamicModule, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DeepHealthModule, HealthServerHost, type DeepHealthForRootOptions } from '../../src/index';

export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: AdapterName[] = ['express', 'fastify'];
/** The two Nest adapters plus the module's own `server` (an application context without an HTTP adapter). */
export type TransportName = AdapterName | 'standalone';
export const TRANSPORTS: TransportName[] = [...ADAPTERS, 'standalone'];

export interface RunningApp {
  app: INestApplication;
  url: string;
  get(path: string, headers?: Record<string, string>): Promise<JsonResponse>;
  request(method: string, path: string, init?: { headers?: Record<string, string>; body?: string }): Promise<JsonResponse>;
  close(): Promise<void>;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

@Controller('orders')
class OrdersController {
  @Get()
  list() {
    return [{ id: 1 }];
  }

  @Post()
  create() {
    return { id: 2 };
  }
}

/** The body as JSON, or `undefined` when it is not JSON. */
export function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Like `startHealthApp`, on any transport: 'standalone' boots an application context whose health
 * endpoints are served by the `server` option on a free loopback port (no app routes there).
 */
export async function startHealthTransport(transport: TransportName, options: DeepHealthForRootOptions): Promise<RunningApp> {
  if (transport !== 'standalone') return startHealthApp(transport, options);
  @Module({ imports: [DeepHealthModule.forRoot({ ...options, server: { port: 0, host: '127.0.0.1' } })] })
  class WorkerModule {}
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false, abortOnError: false });
  await app.init();
  const { port } = app.get(HealthServerHost).address!;
  return clientFor(app as INestApplication, `http://127.0.0.1:${port}`);
}

export async function startHealthApp(
  adapter: AdapterName,
  options: DeepHealthForRootOptions | { module: DynamicModule },
  extra: {
    imports?: Array<Type<unknown> | DynamicModule>;
    controllers?: Type<unknown>[];
    providers?: Provider[];
    /** Runs before `listen`: `setGlobalPrefix`, `enableVersioning`, global interceptors. */
    configure?: (app: INestApplication) => void;
  } = {},
): Promise<RunningApp> {
  const healthModule = 'module' in options ? options.module : DeepHealthModule.forRoot(options);
  @Module({ imports: [healthModule, ...(extra.imports ?? [])], controllers: [OrdersController, ...(extra.controllers ?? [])], providers: extra.providers ?? [] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false, abortOnError: false });
  extra.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return clientFor(app, `http://127.0.0.1:${address.port}`);
}

function clientFor(app: INestApplication, url: string): RunningApp {
  const request = async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const res = await fetch(url + path, { method, headers: init.headers, body: init.body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: parseJson(text) };
  };
  return {
    app,
    url,
    request,
    get: (path, headers) => request('GET', path, { headers }),
    close: () => app.close(),
  };
}
