import { Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import { HealthService } from '../layers/health.service.js';
import type { DeepHealthFeatureAsyncOptions, DeepHealthFeatureOptions, ResolvedHealthOptions } from './deep-health-options.js';
import { validateCheckSet, type CheckContribution } from './resolve-options.js';
import { DEEP_HEALTH_OPTIONS } from './tokens.js';


/** Token of one feature module's contribution (each `forFeature` module has its own scope). */
const FEATURE_CHECKS = Symbol('nestjs-deep-health:feature-checks');

/** What a `forFeature` module provides: its checks, found by the root module at boot. */
class FeatureChecks {
  constructor(readonly options: DeepHealthFeatureOptions) {}
}

/** The module `forFeature` returns; the root module finds every instance of it in the app. */
@Module({})
export class DeepHealthFeatureModule implements OnModuleInit {
  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  /** Checks nobody would run are a configuration mistake, not something to ignore silently. */
  onModuleInit(): void {
    try {
      this.moduleRef.get(FeatureChecksCollector, { strict: false });
    } catch {
      throw new Error(FEATURE_WITHOUT_ROOT);
    }
  }
}

const FEATURE_WITHOUT_ROOT =
  'DeepHealthModule.forFeature() contributes checks, but the app imports no DeepHealthModule.forRoot() or forRootAsync() to run them: import one in the root module';

let featureCount = 0;

export function createFeatureModule(options: DeepHealthFeatureAsyncOptions): DynamicModule {
  return {
    module: DeepHealthFeatureModule,
    imports: options.imports ?? [],
    providers: [
      {
        provide: FEATURE_CHECKS,
        useFactory: async (...deps: unknown[]) => new FeatureChecks(await options.useFactory(...deps)),
        inject: options.inject ?? [],
      },
      // Two calls with alike-looking options must stay two modules (Nest dedupes dynamic modules by content).
      { provide: `nestjs-deep-health:feature-${++featureCount}`, useValue: true },
    ],
  };
}

/**
 * Collects the checks of every `forFeature` module once all providers exist, validates them with
 * the root checks and the groups (names unique across every contribution; every problem at once),
 * and hands them to the layers.
 */
@Injectable()
export class FeatureChecksCollector implements OnModuleInit {
  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
    private readonly health: HealthService,
    private readonly modules: ModulesContainer,
  ) {}

  onModuleInit(): void {
    const contributions: CheckContribution[] = [];
    const all = [...this.modules.values()];
    for (const module of all) {
      if (module.metatype !== DeepHealthFeatureModule) continue;
      const instance = module.providers.get(FEATURE_CHECKS)?.instance;
      if (!(instance instanceof FeatureChecks)) continue;
      const importers = all.filter((other) => other.imports.has(module)).map((other) => other.metatype.name);
      const options = instance.options as unknown;
      const checks = options !== null && typeof options === 'object' ? (options as Record<string, unknown>).checks : options;
      contributions.push({ source: `${importers.join(', ') || 'a module'}: DeepHealthModule.forFeature checks`, checks: checks ?? [] });
    }
    const builtIn = this.health.checks.map((check) => check.name).filter((name) => !this.options.checks.some((check) => check.name === name));
    // The root module is usually global (bound into every module's imports): read the declared imports.
    const declaresRoot = (metatype: object) =>
      ((Reflect.getMetadata('imports', metatype) ?? []) as unknown[]).some(
        (imported) => typeof imported === 'object' && imported !== null && ((imported as { providers?: unknown[] }).providers ?? []).includes(FeatureChecksCollector),
      );
    const rootImporters = all.filter((other) => declaresRoot(other.metatype)).map((other) => other.metatype.name);
    const root = { source: `${rootImporters.join(', ') || 'the app'}: DeepHealthModule.forRoot checks`, checks: this.options.checks };
    const checks = validateCheckSet(root, contributions, this.options, builtIn);
    this.health.addChecks(checks);
  }
}
