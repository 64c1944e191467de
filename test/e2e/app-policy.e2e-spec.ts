/**
 * The health controller inside an app shaped like production ones: a JWT-style global guard with
 * `@Public()`, the real ThrottlerGuard as APP_GUARD, a global prefix, URI versioning and a global
 * interceptor. Issue 14, item 1.
 */
import {
  type ArgumentMetadata,
  BadRequestException,
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  type PipeTransform,
  SetMetadata,
  UnauthorizedException,
  VersioningType,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { SkipThrottle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { map, type Observable } from 'rxjs';
import { DeepHealthModule, defineCheck, healthRouteExclusions, InvalidOptionsError, isDeepHealthRequest } from '../../src/index';
import { ADAPTERS, bootContext, startHealthApp, type RunningApp } from '../support/health-app';

const IS_PUBLIC = 'isPublic';
/** The usual `@Public()` of a Nest app with a global auth guard. */
const Public = () => SetMetadata(IS_PUBLIC, true);
const SECRET = 'h14-jwt-signing-secret';

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** A real HS256 JWT, as an identity provider would issue it. */
function signJwt(payload: object): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(payload));
  return `${head}.${body}.${base64url(createHmac('sha256', SECRET).update(`${head}.${body}`).digest())}`;
}

/** The global guard most production apps register: a verified bearer JWT unless the route is `@Public()`. */
@Injectable()
class JwtAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header: unknown = context.switchToHttp().getRequest().headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    const [head, body, signature] = token.split('.');
    if (!head || !body || !signature) throw new UnauthorizedException();
    const expected = createHmac('sha256', SECRET).update(`${head}.${body}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedException();
    return true;
  }
}

/** A global response-wrapping interceptor that exempts the probes with `isDeepHealthRequest`. */
@Injectable()
class WrapInterceptor implements NestInterceptor {
  seenHealth = 0;

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (isDeepHealthRequest(context)) {
      this.seenHealth++;
      return next.handle();
    }
    return next.handle().pipe(map((data) => ({ data })));
  }
}

const db = defineCheck({ name: 'db', run: () => 'pass' });

async function closeAll(apps: RunningApp[]): Promise<void> {
  await Promise.all(apps.map((app) => app.close()));
}

describe.each(ADAPTERS)('the health controller under the app policy on %s', (adapter) => {
  it('passes a JWT-style global guard through controllerDecorators: [Public()]', async () => {
    const guarded = { providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }] };
    const plain = await startHealthApp(adapter, { checks: [db] }, guarded);
    const open = await startHealthApp(adapter, { checks: [db], controllerDecorators: [Public()] }, guarded);
    try {
      // Without the decorator the app's guard answers for the probes (the defect of issue 14).
      expect((await plain.get('/health/live')).status).toBe(401);
      const paths = ['/health', '/health/live', '/health/startup', '/health/ready', '/health/deep', '/health/checks/db'];
      const blocked: string[] = [];
      for (const path of paths) {
        const res = await open.get(path);
        if (res.status !== 200) blocked.push(`${path} -> ${res.status}`);
      }
      expect(blocked).toEqual([]);
      // The guard still protects the app's own routes.
      expect((await open.get('/orders')).status).toBe(401);
      expect((await open.get('/orders', { authorization: `Bearer ${signJwt({ sub: 'u1' })}` })).status).toBe(200);
    } finally {
      await closeAll([plain, open]);
    }
  });

  it('takes controllerDecorators and versionNeutral next to forRootAsync\'s useFactory', async () => {
    const running = await startHealthApp(
      adapter,
      { module: DeepHealthModule.forRootAsync({ controllerDecorators: [Public()], versionNeutral: false, useFactory: () => ({ checks: [db] }) }) },
      { providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }], configure: (app) => app.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' }) },
    );
    try {
      expect((await running.get('/v2/health/ready')).status).toBe(200);
      expect((await running.get('/v2/orders')).status).toBe(401);
    } finally {
      await running.close();
    }
  });

  it('is not throttled by the real ThrottlerGuard as APP_GUARD with SkipThrottle()', async () => {
    const throttled = { imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 3 }])], providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] };
    const plain = await startHealthApp(adapter, { checks: [db] }, throttled);
    const skipped = await startHealthApp(adapter, { checks: [db], controllerDecorators: [Public(), SkipThrottle()] }, throttled);
    try {
      const plainStatuses: number[] = [];
      for (let i = 0; i < 6; i++) plainStatuses.push((await plain.get('/health/ready')).status);
      // A probe flood gets 429 from the app's throttler without the decorator: pods restart.
      expect(plainStatuses).toContain(429);

      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await skipped.get('/health/ready')).status);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      const orders: number[] = [];
      for (let i = 0; i < 5; i++) orders.push((await skipped.get('/orders')).status);
      expect(orders).toContain(429);
    } finally {
      await closeAll([plain, skipped]);
    }
  });

  it('stays at /health under setGlobalPrefix("api") with healthRouteExclusions()', async () => {
    const moved = await startHealthApp(adapter, { checks: [db] }, { configure: (app) => app.setGlobalPrefix('api') });
    const kept = await startHealthApp(adapter, { checks: [db], kubernetesAliases: true }, {
      configure: (app) => app.setGlobalPrefix('api', { exclude: healthRouteExclusions({ kubernetesAliases: true }) }),
    });
    try {
      expect((await moved.get('/api/health/ready')).status).toBe(200);
      expect((await moved.get('/health/ready')).status).toBe(404);
      const wrong: string[] = [];
      for (const path of ['/health', '/health/live', '/health/ready', '/health/checks/db', '/health/maintenance', '/livez', '/readyz']) {
        const res = await kept.get(path);
        if (res.status !== 200) wrong.push(`${path} -> ${res.status}`);
      }
      expect(wrong).toEqual([]);
      // PUT and DELETE maintenance are excluded too (404 "no adminToken" is the module's own answer).
      const put = await kept.request('PUT', '/health/maintenance', { body: '{}', headers: { 'content-type': 'application/json' } });
      expect(put.json).toMatchObject({ message: expect.stringContaining('adminToken') });
      expect((await kept.get('/api/orders')).status).toBe(200);
      expect((await kept.get('/orders')).status).toBe(404);
    } finally {
      await closeAll([moved, kept]);
    }
  });

  it('stays at /health under URI versioning (VERSION_NEUTRAL by default); versionNeutral: false follows the app', async () => {
    const versioning = (app: INestApplication) => app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
    const neutral = await startHealthApp(adapter, { checks: [db] }, { configure: versioning });
    const versioned = await startHealthApp(adapter, { checks: [db], versionNeutral: false }, { configure: versioning });
    try {
      expect((await neutral.get('/health/ready')).status).toBe(200);
      expect((await neutral.get('/v1/orders')).status).toBe(200);
      expect((await versioned.get('/v1/health/ready')).status).toBe(200);
      expect((await versioned.get('/health/ready')).status).toBe(404);
    } finally {
      await closeAll([neutral, versioned]);
    }
  });

  it('lets a global interceptor recognise the probes with isDeepHealthRequest()', async () => {
    const interceptor = new WrapInterceptor();
    const running = await startHealthApp(adapter, { checks: [db] }, { configure: (app) => app.useGlobalInterceptors(interceptor) });
    try {
      const ready = await running.get('/health/ready');
      expect(ready.json).toMatchObject({ status: 'pass', checks: { db: [{ status: 'pass' }] } });
      expect(interceptor.seenHealth).toBeGreaterThan(0);
      expect((await running.get('/orders')).json).toEqual({ data: [{ id: 1 }] });
    } finally {
      await running.close();
    }
  });

  it("is not touched by the app's global pipes (a strict pipe that refuses every value it is given)", async () => {
    const seen: string[] = [];
    const strict: PipeTransform = {
      transform(value: unknown, metadata: ArgumentMetadata) {
        seen.push(`${metadata.type}${metadata.data ? `:${metadata.data}` : ''}`);
        throw new BadRequestException('the app refuses unvalidated input');
      },
    };
    const running = await startHealthApp(adapter, { checks: [db], adminToken: 'pipe-test-admin-token-0123456789' }, { configure: (app) => app.useGlobalPipes(strict) });
    try {
      const admin = { authorization: 'Bearer pipe-test-admin-token-0123456789', 'content-type': 'application/json' };
      const answers = [
        await running.get('/health/ready?verbose'),
        await running.get('/health/checks/db'),
        await running.request('PUT', '/health/maintenance', { headers: admin, body: JSON.stringify({ reason: 'pipes', durationSeconds: 60 }) }),
        await running.request('DELETE', '/health/maintenance', { headers: admin }),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      // The module's routes hand the pipe nothing: params, query and body are read from the request.
      expect(seen).toEqual([]);
    } finally {
      await running.close();
    }
  });
});

describe('controller options validation', () => {
  it('reports bad controllerDecorators, versionNeutral, isGlobal, swagger and kubernetesAliases at once', async () => {
    const { Module } = await import('@nestjs/common');
    @Module({
      imports: [
        DeepHealthModule.forRoot({
          controllerDecorators: [Public(), 'Public' as never],
          versionNeutral: 'yes' as never,
          isGlobal: 1 as never,
          swagger: 'off' as never,
          kubernetesAliases: null as never,
        }),
      ],
    })
    class BrokenModule {}
    const boot = bootContext(BrokenModule);
    const error: InvalidOptionsError = await boot.then(
      () => {
        throw new Error('booted');
      },
      (e: InvalidOptionsError) => e,
    );
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['isGlobal', 'versionNeutral', 'swagger', 'kubernetesAliases', 'controllerDecorators[1]']);
  });
});
