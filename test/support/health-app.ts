/**
 * Boots a real Nest application with DeepHealthModule for e2e tests, the way the project's design
 * names it: compiled with @nestjs/testing (`Test.createTestingModule`), then started on Express or
 * Fastify on a free loopback port, or as an application context without an HTTP adapter:
 * `const app = await startHealthApp('fastify', { checks })`.
 */
import { Controller, Get, Post, type DynamicModule, type INestApplication, type LoggerService, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
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

/** An app on an HTTP adapter, or ('context') an application context: a worker without an HTTP adapter. */
export type AppHost = AdapterName | 'context';
export const APP_HOSTS: AppHost[] = [...ADAPTERS, 'context'];

export interface TestingAppOptions {
  /** Receives every log line, the boot's included. @default nothing is logged */
  logger?: LoggerService;
  /** Runs before `listen`: `setGlobalPrefix`, `enableVersioning`, global interceptors. */
  configure?: (app: INestApplication) => void;
}

const SILENT: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

/**
 * Compiles `metadata` with `Test.createTestingModule` and starts it: on an adapter, listening on a
 * free loopback port (`url` is its address); as a 'context', initialized (an application context
 * has no `url`). `app.close()` shuts it down, lifecycle hooks included.
 */
export async function startTestingApp(host: AppHost, metadata: ModuleMetadata, options: TestingAppOptions = {}): Promise<{ app: INestApplication; url?: string }> {
  const moduleRef = await Test.createTestingModule(metadata).setLogger(options.logger ?? SILENT).compile();
  if (host === 'context') {
    await moduleRef.init();
    // An application context: `get`, `close` and the lifecycle hooks, which is all a worker has.
    return { app: moduleRef as unknown as INestApplication };
  }
  const app = moduleRef.createNestApplication(host === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: options.logger ?? false });
  options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Boots `module` as an application context with @nestjs/testing: for what a boot throws, and for DI. */
export async function bootContext(module: Type<unknown> | DynamicModule): Promise<INestApplication> {
  return (await startTestingApp('context', { imports: [module] })).app;
}

/**
 * Like `startHealthApp`, on any transport: 'standalone' boots an application context whose health
 * endpoints are served by the `server` option on a free loopback port (no app routes there).
 */
export async function startHealthTransport(transport: TransportName, options: DeepHealthForRootOptions): Promise<RunningApp> {
  if (transport !== 'standalone') return startHealthApp(transport, options);
  const { app } = await startTestingApp('context', { imports: [DeepHealthModule.forRoot({ ...options, server: { port: 0, host: '127.0.0.1' } })] });
  return clientFor(app, standaloneUrl(app));
}

/** The address of the `server` option's standalone health server (its root, without the health path). */
export function standaloneUrl(app: Pick<INestApplication, 'get'>): string {
  return `http://127.0.0.1:${app.get(HealthServerHost).address!.port}`;
}

export async function startHealthApp(
  adapter: AdapterName,
  options: DeepHealthForRootOptions | { module: DynamicModule },
  extra: TestingAppOptions & {
    imports?: Array<Type<unknown> | DynamicModule>;
    controllers?: Type<unknown>[];
    providers?: Provider[];
  } = {},
): Promise<RunningApp> {
  const healthModule = 'module' in options ? options.module : DeepHealthModule.forRoot(options);
  const { app, url } = await startTestingApp(
    adapter,
    { imports: [healthModule, ...(extra.imports ?? [])], controllers: [OrdersController, ...(extra.controllers ?? [])], providers: extra.providers ?? [] },
    extra,
  );
  return clientFor(app, url!);
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
