import { ConfigurableModuleBuilder, Module, type ConfigurableModuleAsyncOptions, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FeatureChecksCollector, createFeatureModule } from './feature-checks.js';
import { HealthService } from '../layers/health.service.js';
import { createHealthControllers, documentOptionalEndpoints, setControllerPath, setStatusPagePath } from '../transport/nest/health.controller.js';
import { HealthRequestHandler } from '../transport/health-request-handler.js';
import { MaintenanceGuard } from '../maintenance/maintenance.guard.js';
import { HEALTH_METRICS, HealthMetrics } from '../metrics/health-metrics.js';
import { HealthServerHost } from '../transport/standalone/health-server.host.js';
import { AdapterBodies } from '../transport/nest/adapter-bodies.js';
import { GracefulDrain } from '../layers/graceful-drain.js';
import { MaintenanceService } from '../maintenance/maintenance.service.js';
import type { DeepHealthFeatureAsyncOptions, DeepHealthFeatureOptions, DeepHealthModuleExtras, DeepHealthModuleOptions, ResolvedHealthOptions } from './deep-health-options.js';
import { DEFAULT_PATH, EXTRAS, resolveOptions } from './resolve-options.js';
import { DEEP_HEALTH_OPTIONS } from './tokens.js';
import { StatusPageService } from '../status-page/status-page.service.js';
import { statusPagePath } from '../status-page/status-page-options.js';

const DEFAULT_EXTRAS: DeepHealthModuleExtras = {
  path: DEFAULT_PATH,
  isGlobal: true,
  controllerDecorators: [],
  versionNeutral: true,
  swagger: true,
  kubernetesAliases: false,
};

/** The options as the user gave them (forRoot value or forRootAsync factory result), before validation. */
const RAW_OPTIONS = Symbol('nestjs-deep-health:raw-options');

const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<DeepHealthModuleOptions>({ moduleName: 'DeepHealth', optionsInjectionToken: RAW_OPTIONS })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createDeepHealthOptions')
    .setExtras<DeepHealthModuleExtras>(DEFAULT_EXTRAS, (definition, extras): DynamicModule => {
      const path = normalizePath(extras.path);
      const given = pickExtras(extras);
      const controllers = createHealthControllers({
        path,
        decorators: Array.isArray(extras.controllerDecorators) ? extras.controllerDecorators : [],
        versionNeutral: extras.versionNeutral !== false,
        swagger: extras.swagger !== false,
        kubernetesAliases: extras.kubernetesAliases === true,
      });
      const resolved: Provider = {
        provide: DEEP_HEALTH_OPTIONS,
        // The single validation point for forRoot and forRootAsync alike (the extras included).
        useFactory: (raw: DeepHealthModuleOptions) => {
          const options = resolveOptions({ ...raw, ...given });
          // A path that only a forRootAsync factory returns is known now; Nest registers routes after providers resolve.
          setControllerPath(controllers[0]!, options.path);
          setStatusPagePath(controllers[0]!, statusPagePath(options.ui));
          documentOptionalEndpoints(controllers[0]!, { statusPage: options.ui !== false, fleet: Boolean(options.ui && options.ui.fleet), metrics: Boolean(options.metrics) });
          return options;
        },
        inject: [RAW_OPTIONS],
      };
      const metricsProvider: Provider = {
        provide: HEALTH_METRICS,
        useFactory: (options: ResolvedHealthOptions, health: HealthService, maintenance: MaintenanceService) =>
          options.metrics ? new HealthMetrics(options.metrics, health, maintenance, options.service) : null,
        inject: [DEEP_HEALTH_OPTIONS, HealthService, MaintenanceService],
      };
      // Read-only maintenance for the app's own routes; a no-op unless maintenance is on with readOnly.
      const maintenanceGuard: Provider = { provide: APP_GUARD, useClass: MaintenanceGuard };
      return {
        ...definition,
        global: extras.isGlobal !== false,
        controllers,
        providers: [
          ...(definition.providers ?? []),
          resolved,
          MaintenanceService,
          GracefulDrain,
          HealthService,
          StatusPageService,
          HealthRequestHandler,
          maintenanceGuard,
          metricsProvider,
          HealthServerHost,
          AdapterBodies,
          FeatureChecksCollector,
        ],
        exports: [DEEP_HEALTH_OPTIONS, MaintenanceService, HealthService],
      };
    })
    .build();

/** The options `forRoot` takes: module options plus `path`. */
export type DeepHealthForRootOptions = DeepHealthModuleOptions & Partial<DeepHealthModuleExtras>;
/** The options `forRootAsync` takes: `imports`, `inject`, `useFactory` (or `useClass`/`useExisting`) plus `path`. */
export type DeepHealthForRootAsyncOptions = ConfigurableModuleAsyncOptions<DeepHealthModuleOptions, 'createDeepHealthOptions'> & Partial<DeepHealthModuleExtras>;
// Spelled out (the API reference shows them), and held to what the builder produces: a compile error here otherwise.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const BUILDER_TYPES: [Same<DeepHealthForRootOptions, typeof OPTIONS_TYPE>, Same<DeepHealthForRootAsyncOptions, typeof ASYNC_OPTIONS_TYPE>] = [true, true];
void BUILDER_TYPES;

/**
 * Layered health endpoints in one call.
 *
 * @property forRoot - Registers the module with options known up front (`DeepHealthForRootOptions`),
 *   validated once at boot; an invalid configuration fails with one `InvalidOptionsError` listing every problem.
 * @property forRootAsync - Registers the module with options built by `useFactory` (or a `useClass` /
 *   `useExisting` provider implementing `DeepHealthOptionsFactory`) from injected providers. The
 *   `DeepHealthModuleExtras` (`path`, `isGlobal`, `controllerDecorators`, ...) go beside `useFactory`:
 *   they shape the module before the factory runs.
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
export class DeepHealthModule extends ConfigurableModuleClass {
  /**
   * Contributes checks from a feature module. Names stay unique across every contribution; a clash
   * fails at boot naming both places. The layers (and groups) see them like any other check.
   * @example
   * @Module({ imports: [DeepHealthModule.forFeature({ checks: [defineCheck({ name: 'payments:ledger', run: () => 'pass' })] })] })
   * class PaymentsModule {}
   */
  static forFeature(options: DeepHealthFeatureOptions): DynamicModule {
    return createFeatureModule({ useFactory: () => options });
  }

  /**
   * Contributes checks built from the feature module's own providers.
   * @example
   * DeepHealthModule.forFeatureAsync({
   *   imports: [LedgerModule],
   *   inject: [LedgerClient],
   *   useFactory: (ledger: LedgerClient) => ({ checks: [defineCheck({ name: 'ledger', run: () => ledger.ping() })] }),
   * })
   */
  static forFeatureAsync(options: DeepHealthFeatureAsyncOptions): DynamicModule {
    return createFeatureModule(options);
  }
}

/** The extras as given (defaults left out), for the one validation. */
function pickExtras(extras: DeepHealthModuleExtras): DeepHealthModuleExtras {
  const given: Record<string, unknown> = {};
  for (const key of EXTRAS) {
    const value = (extras as Record<string, unknown>)[key];
    if (value !== (DEFAULT_EXTRAS as Record<string, unknown>)[key]) given[key] = value;
  }
  return given;
}

/** Trims slashes; an invalid path is reported by `resolveOptions` with every other problem. */
function normalizePath(path: unknown): string {
  if (typeof path !== 'string') return DEFAULT_PATH;
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed || DEFAULT_PATH;
}
