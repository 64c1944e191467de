import { ConfigurableModuleBuilder, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { HealthService } from '../layers/health.service.js';
import { createHealthController, setControllerPath } from '../transport/nest/health.controller.js';
import { HealthRequestHandler } from '../transport/health-request-handler.js';
import { MaintenanceGuard } from '../maintenance/maintenance.guard.js';
import { HEALTH_METRICS, HealthMetrics } from '../metrics/health-metrics.js';
import { HealthServerHost } from '../transport/standalone/health-server.host.js';
import { GracefulDrain } from '../layers/graceful-drain.js';
import { MaintenanceService } from '../maintenance/maintenance.service.js';
import type { DeepHealthModuleExtras, DeepHealthModuleOptions, ResolvedHealthOptions } from './deep-health-options.js';
import { DEFAULT_PATH, resolveOptions } from './resolve-options.js';
import { DEEP_HEALTH_OPTIONS } from './tokens.js';

/** The options as the user gave them (forRoot value or forRootAsync factory result), before validation. */
const RAW_OPTIONS = Symbol('nestjs-deep-health:raw-options');

const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<DeepHealthModuleOptions>({ moduleName: 'DeepHealth', optionsInjectionToken: RAW_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras<DeepHealthModuleExtras>({ path: undefined }, (definition, extras): DynamicModule => {
      const controller = createHealthController(normalizePath(extras.path));
      const resolved: Provider = {
        provide: DEEP_HEALTH_OPTIONS,
        // The single validation point for forRoot and forRootAsync alike.
        useFactory: (raw: DeepHealthModuleOptions & { path?: unknown }) => {
          const options = resolveOptions({ ...raw, path: pathOf(extras.path, raw?.path) });
          // A path returned by a forRootAsync factory is known only now; routes are registered after providers resolve.
          setControllerPath(controller, options.path);
          return options;
        },
        inject: [RAW_OPTIONS],
      };
      // Read-only maintenance for the app's own routes; a no-op unless maintenance is on with readOnly.
      const metricsProvider: Provider = {
        provide: HEALTH_METRICS,
        useFactory: (options: ResolvedHealthOptions, health: HealthService, maintenance: MaintenanceService) =>
          options.metrics ? new HealthMetrics(options.metrics, health, maintenance, options.service) : null,
        inject: [DEEP_HEALTH_OPTIONS, HealthService, MaintenanceService],
      };
      const maintenanceGuard: Provider = { provide: APP_GUARD, useClass: MaintenanceGuard };
      return {
        ...definition,
        global: true,
        controllers: [controller],
        providers: [
          ...(definition.providers ?? []),
          resolved,
          MaintenanceService,
          GracefulDrain,
          HealthService,
          HealthRequestHandler,
          maintenanceGuard,
          metricsProvider,
          HealthServerHost,
        ],
        exports: [DEEP_HEALTH_OPTIONS, MaintenanceService, HealthService],
      };
    })
    .build();

/** The options `forRoot` takes: module options plus `path`. */
export type DeepHealthForRootOptions = typeof OPTIONS_TYPE;
/** The options `forRootAsync` takes: `imports`, `inject`, `useFactory` (or `useClass`/`useExisting`) plus `path`. */
export type DeepHealthForRootAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/**
 * Layered health endpoints in one call.
 *
 * @example
 * DeepHealthModule.forRoot({ checks: [defineCheck({ name: 'model', run: () => model.ready() ? 'pass' : 'fail' })] })
 * @example
 * DeepHealthModule.forRootAsync({
 *   inject: [getDataSourceToken()],
 *   useFactory: (dataSource: DataSource) => ({ checks: [postgresCheck({ dataSource }), migrationsCheck({ dataSource })] }),
 * })
 */
@Module({})
export class DeepHealthModule extends ConfigurableModuleClass {}

/** The static `path` (forRoot/forRootAsync argument) or the one the options carry; the static one wins. */
function pathOf(staticPath: unknown, optionsPath: unknown): string | undefined {
  return (staticPath ?? optionsPath) as string | undefined;
}

/** Trims slashes; an invalid path is reported by `resolveOptions` with every other problem. */
function normalizePath(path: unknown): string {
  if (typeof path !== 'string') return DEFAULT_PATH;
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed || DEFAULT_PATH;
}
