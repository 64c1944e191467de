/**
 * The real OpenAPI document @nestjs/swagger generates for an app with the health module and a
 * user's own terminus `HealthController.check()` (the migration guide's example). Issue 14, item 7.
 */
import { Controller, Get, type DynamicModule, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { DeepHealthModule, defineCheck, type DeepHealthForRootOptions, type FleetStore } from '../../src/index';
import { ADAPTERS, startTestingApp, type AdapterName } from '../support/health-app';

/** A user's own terminus controller, named as terminus's docs name it. */
@Controller('legacy-health')
class HealthController {
  constructor(private readonly health: HealthCheckService) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([]);
  }
}

async function documentFor(adapter: AdapterName, options: DeepHealthForRootOptions | DynamicModule): Promise<{ app: INestApplication; document: OpenAPIObject }> {
  const health = 'module' in options ? options : DeepHealthModule.forRoot(options);
  const { app } = await startTestingApp(adapter, { imports: [TerminusModule, health], controllers: [HealthController] });
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('orders-api').addBearerAuth().build());
  return { app, document };
}

/** A fleet store that keeps heartbeats in memory: enough for the module to serve (and document) the fleet view. */
function memoryFleetStore(): FleetStore {
  const beats = new Map<string, unknown>();
  return {
    publish: async (heartbeat) => void beats.set(heartbeat.id, heartbeat),
    list: async () => [...beats.values()],
    remove: async (ids) => ids.forEach((id) => beats.delete(id)),
  };
}

type Operation = { operationId?: string; responses: Record<string, { content?: Record<string, { schema?: any }> }>; security?: unknown[]; requestBody?: any; parameters?: Array<{ name: string; in: string }> };

function operations(document: OpenAPIObject): Array<{ method: string; path: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ method, path, operation })),
  );
}

describe.each(ADAPTERS)('the OpenAPI document on %s', (adapter) => {
  it('documents every endpoint with schemas, status codes, bearer auth and unique prefixed operationIds', async () => {
    const { app, document } = await documentFor(adapter, {
      adminToken: 'h14-admin-token-0123456789',
      checks: [defineCheck({ name: 'db', run: () => 'pass' })],
      kubernetesAliases: true,
      // Every optional endpoint on, so every one is documented.
      metrics: true,
      ui: { fleet: { store: memoryFleetStore() } },
    });
    try {
      const all = operations(document);
      const ids = all.map((o) => o.operation.operationId);
      const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
      expect(duplicates).toEqual([]);
      expect(ids).toContain('HealthController_check');

      const health = all.filter((o) => o.path.startsWith('/health') || ['/livez', '/readyz', '/startupz'].includes(o.path));
      expect(health.map((o) => `${o.method.toUpperCase()} ${o.path} ${o.operation.operationId}`).sort()).toEqual(
        [
          'GET /health deepHealth_root',
          'GET /health/live deepHealth_live',
          'GET /health/startup deepHealth_startup',
          'GET /health/ready deepHealth_ready',
          'GET /health/deep deepHealth_deep',
          'GET /health/checks/{name} deepHealth_check',
          'GET /health/groups/{name} deepHealth_group',
          'GET /health/metrics deepHealth_metrics',
          'GET /health/history deepHealth_history',
          'GET /health/fleet deepHealth_fleet',
          'GET /health/ui deepHealth_page',
          'GET /health/maintenance deepHealth_maintenanceStatus',
          'PUT /health/maintenance deepHealth_enableMaintenance',
          'DELETE /health/maintenance deepHealth_disableMaintenance',
          'GET /livez deepHealth_livez',
          'GET /readyz deepHealth_readyz',
          'GET /startupz deepHealth_startupz',
        ].sort(),
      );

      // Report routes: 200 and 503 as health+json (with its schema) and text/plain for ?verbose; 400 for a bad exclude.
      const missing: string[] = [];
      for (const { path, operation } of health.filter((o) => o.method === 'get' && !/maintenance|metrics|history|fleet|\/ui$/.test(o.path))) {
        for (const status of ['200', '503', '400']) if (!operation.responses[status]) missing.push(`${path} ${status}`);
        const schema = operation.responses['200']?.content?.['application/health+json']?.schema;
        if (!schema?.properties?.checks || !schema.properties.version) missing.push(`${path} health+json schema`);
        if (!operation.responses['503']?.content?.['text/plain']) missing.push(`${path} text/plain`);
        const params = (operation.parameters ?? []).map((p) => p.name);
        if (!params.includes('verbose') || !params.includes('exclude')) missing.push(`${path} verbose/exclude`);
      }
      for (const path of ['/health/checks/{name}', '/health/groups/{name}']) {
        const operation = health.find((o) => o.path === path)!.operation;
        if (!operation.responses['404']) missing.push(`${path} 404`);
        if (!(operation.parameters ?? []).some((p) => p.name === 'name' && p.in === 'path')) missing.push(`${path} name parameter`);
      }
      expect(missing).toEqual([]);

      // Maintenance: bearer auth, 401/404, the PUT body schema.
      const put = health.find((o) => o.method === 'put')!.operation;
      const del = health.find((o) => o.method === 'delete')!.operation;
      for (const operation of [put, del]) {
        expect(operation.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '503']));
      }
      expect(put.requestBody.content['application/json'].schema).toMatchObject({
        required: ['reason'],
        properties: { reason: { type: 'string' }, scope: { enum: ['instance', 'fleet'] }, durationSeconds: { type: 'integer' }, until: { format: 'date-time' } },
      });
      expect(document.paths['/health/maintenance']!.get!.security).toBeUndefined();
      expect(Object.values(document.paths['/health/ready']!.get!.tags ?? [])).toEqual(['health']);
    } finally {
      await app.close();
    }
  });

  it('leaves the status page, its history and the fleet out with ui: false, given to forRoot or by a forRootAsync factory', async () => {
    const listed: Record<string, string[]> = {};
    for (const [how, module] of [
      ['forRoot', DeepHealthModule.forRoot({ ui: false })],
      ['forRootAsync', DeepHealthModule.forRootAsync({ useFactory: () => ({ ui: false }) })],
    ] as const) {
      const { app, document } = await documentFor(adapter, module);
      try {
        listed[how] = Object.keys(document.paths).filter((path) => /^\/health\/(ui|history|fleet)$/.test(path));
        expect(document.paths['/health/ready']).toBeDefined();
      } finally {
        await app.close();
      }
    }
    expect(listed).toEqual({ forRoot: [], forRootAsync: [] });
  });

  it('documents the fleet view only with ui.fleet, and metrics only with metrics on', async () => {
    const listed: Record<string, string[]> = {};
    for (const [how, options] of [
      ['defaults', {}],
      ['fleet and metrics', { metrics: true, ui: { fleet: { store: memoryFleetStore() } } }],
    ] as const) {
      const { app, document } = await documentFor(adapter, options);
      try {
        listed[how] = Object.keys(document.paths).filter((path) => /^\/health\/(ui|history|fleet|metrics)$/.test(path)).sort();
      } finally {
        await app.close();
      }
    }
    expect(listed).toEqual({
      defaults: ['/health/history', '/health/ui'],
      'fleet and metrics': ['/health/fleet', '/health/history', '/health/metrics', '/health/ui'],
    });
  });

  it('leaves the health endpoints out with swagger: false', async () => {
    const { app, document } = await documentFor(adapter, { swagger: false, kubernetesAliases: true });
    try {
      expect(Object.keys(document.paths).sort()).toEqual(['/legacy-health']);
    } finally {
      await app.close();
    }
  });
});
