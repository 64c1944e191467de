/**
 * Boots a real Nest application with DeepHealthModule on Express or Fastify, listening on a free
 * loopback port, for e2e tests: `const app = await startHealthApp('fastify', { checks })`.
 */
import { Controller, Get, Module, Post, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DeepHealthModule, type DeepHealthForRootOptions } from '../../src/index';

export type AdapterName = 'express' | 'fastify';
export const ADAPTERS: AdapterName[] = ['express', 'fastify'];

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

export async function startHealthApp(
  adapter: AdapterName,
  options: DeepHealthForRootOptions | { module: DynamicModule },
  extra: { imports?: Array<Type<unknown> | DynamicModule>; controllers?: Type<unknown>[] } = {},
): Promise<RunningApp> {
  const healthModule = 'module' in options ? options.module : DeepHealthModule.forRoot(options);
  @Module({ imports: [healthModule, ...(extra.imports ?? [])], controllers: [OrdersController, ...(extra.controllers ?? [])] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
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
