/**
 * Feature modules contribute their own checks, and the module follows Nest's conventions
 * (isGlobal, useClass/useExisting with DeepHealthOptionsFactory, the options token). Issue 14, items 2 and 3.
 */
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import {
  DeepHealthModule,
  defineCheck,
  getDeepHealthOptionsToken,
  InjectDeepHealthOptions,
  InvalidOptionsError,
  MaintenanceService,
  type DeepHealthModuleOptions,
  type DeepHealthOptionsFactory,
  type ResolvedHealthOptions,
  type SharedResultStore,
} from '../../src/index';
import { ADAPTERS, bootContext, startHealthApp } from '../support/health-app';

/** A feature's own provider, as a payments module would have a ledger client. */
@Injectable()
class LedgerClient {
  ping(): 'pass' {
    return 'pass';
  }
}

@Module({ providers: [LedgerClient], exports: [LedgerClient] })
class LedgerModule {}

@Module({
  imports: [
    LedgerModule,
    DeepHealthModule.forFeatureAsync({
      imports: [LedgerModule],
      inject: [LedgerClient],
      useFactory: (ledger: LedgerClient) => ({ checks: [defineCheck({ name: 'payments:ledger', run: () => ledger.ping() })] }),
    }),
  ],
})
class PaymentsModule {}

@Module({ imports: [DeepHealthModule.forFeature({ checks: [defineCheck({ name: 'search:index', critical: false, run: () => 'warn' })] })] })
class SearchModule {}

async function bootError(module: unknown): Promise<InvalidOptionsError> {
  return bootContext(module as never).then(
    async (app) => {
      await app.close();
      throw new Error('booted, expected an InvalidOptionsError');
    },
    (error: InvalidOptionsError) => error,
  );
}

describe.each(ADAPTERS)('forFeature on %s', (adapter) => {
  it("serves checks built from a feature module's own providers in every layer and group", async () => {
    const running = await startHealthApp(
      adapter,
      { checks: [defineCheck({ name: 'db', run: () => 'pass' })], groups: { payments: { checks: ['payments:ledger', 'db'] } }, details: 'always' },
      { imports: [PaymentsModule, SearchModule] },
    );
    try {
      const ready = await running.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(Object.keys(ready.json.checks).sort()).toEqual(['db', 'payments:ledger']);
      const deep = await running.get('/health/deep');
      expect(deep.json).toMatchObject({ status: 'warn', checks: { 'search:index': [{ status: 'warn', critical: false }] } });
      expect((await running.get('/health/checks/payments%3Aledger')).status).toBe(200);
      expect((await running.get('/health/groups/payments')).json).toMatchObject({ status: 'pass', layer: 'group' });
    } finally {
      await running.close();
    }
  });

  it('fails readiness when a feature check fails', async () => {
    @Injectable()
    class Broken {
      ping(): 'fail' {
        return 'fail';
      }
    }
    @Module({ providers: [Broken], exports: [Broken] })
    class BrokenDeps {}
    @Module({
      imports: [DeepHealthModule.forFeatureAsync({ imports: [BrokenDeps], inject: [Broken], useFactory: (b: Broken) => ({ checks: [defineCheck({ name: 'broken', run: () => b.ping() })] }) })],
    })
    class BrokenFeature {}
    const running = await startHealthApp(adapter, { checks: [] }, { imports: [BrokenFeature] });
    try {
      const ready = await running.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ status: 'fail', output: 'broken failed' });
    } finally {
      await running.close();
    }
  });
});

/** A SharedResultStore in this process (the module's own interface), recording which checks it was given. */
function recordingStore(): SharedResultStore & { keys: string[] } {
  const results = new Map<string, NonNullable<Awaited<ReturnType<SharedResultStore['get']>>>>();
  const keys: string[] = [];
  return {
    keys,
    get: async (key) => results.get(key),
    tryLock: async () => true,
    put: async (key, result, ttlMs) => {
      keys.push(key);
      results.set(key, { result, expiresAt: Date.now() + ttlMs });
    },
  };
}

describe.each(ADAPTERS)('sharedResults with forFeature checks on %s', (adapter) => {
  it('shares the results of a check a feature module registers', async () => {
    const store = recordingStore();
    const running = await startHealthApp(adapter, { checks: [], sharedResults: { store, checks: ['payments:ledger'] } }, { imports: [PaymentsModule] });
    try {
      expect((await running.get('/health/checks/payments%3Aledger')).status).toBe(200);
      expect(store.keys.filter((key) => !key.includes('payments:ledger'))).toEqual([]);
      expect(store.keys.length).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  });
});

describe('forFeature validation', () => {
  it('names in sharedResults.checks must belong to a check once every module registered its own', async () => {
    @Module({ imports: [DeepHealthModule.forFeature({ checks: [defineCheck({ name: 'search:uncached', cacheTtlMs: 0, run: () => 'pass' })] })] })
    class UncachedModule {}
    @Module({
      imports: [
        DeepHealthModule.forRoot({ checks: [defineCheck({ name: 'db', run: () => 'pass' })], sharedResults: { store: recordingStore(), checks: ['payments:ledger', 'nope', 'search:uncached', 'db'] } }),
        PaymentsModule,
        UncachedModule,
      ],
    })
    class AppModule {}
    const error = await bootError(AppModule);
    expect(error.problems).toEqual([
      expect.stringMatching(/^sharedResults\.checks\[1\]: no check named "nope" \(known: .*db, payments:ledger, search:uncached\)$/),
      'sharedResults.checks[2]: check "search:uncached" has cacheTtlMs 0: a shared result needs a TTL greater than 0',
    ]);
  });

  it('fails at boot on a name clash, naming both modules, with every other problem', async () => {
    @Module({ imports: [DeepHealthModule.forFeature({ checks: [defineCheck({ name: 'db', run: () => 'pass' }), { name: 'not a check' } as never] })] })
    class OrdersModule {}
    @Module({
      imports: [
        DeepHealthModule.forRoot({ checks: [defineCheck({ name: 'db', run: () => 'pass' })], groups: { ops: { checks: ['db', 'nope'] } } }),
        OrdersModule,
      ],
    })
    class AppModule {}
    const error = await bootError(AppModule);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error.problems).toEqual([
      'OrdersModule: DeepHealthModule.forFeature checks[0].name: duplicate check name "db" (also AppModule: DeepHealthModule.forRoot checks[0]); give one of them another name',
      expect.stringMatching(/^OrdersModule: DeepHealthModule\.forFeature checks\[1\]: must be a check made by defineCheck/),
      expect.stringMatching(/^groups\.ops\.checks\[1\]: no check named "nope" \(known: .*db/),
    ]);
  });

  it('fails at boot when no forRoot runs the feature checks', async () => {
    @Module({ imports: [SearchModule] })
    class AppModule {}
    await expect(bootContext(AppModule)).rejects.toThrow(
      /forFeature\(\) contributes checks, but the app imports no DeepHealthModule\.forRoot\(\)/,
    );
  });

  it('fails at boot on a clash between two feature modules', async () => {
    const check = () => defineCheck({ name: 'cache', run: () => 'pass' });
    @Module({ imports: [DeepHealthModule.forFeature({ checks: [check()] })] })
    class FirstModule {}
    @Module({ imports: [DeepHealthModule.forFeature({ checks: [check()] })] })
    class SecondModule {}
    @Module({ imports: [DeepHealthModule.forRoot({}), FirstModule, SecondModule] })
    class AppModule {}
    const error = await bootError(AppModule);
    expect(error.problems).toEqual([
      'SecondModule: DeepHealthModule.forFeature checks[0].name: duplicate check name "cache" (also FirstModule: DeepHealthModule.forFeature checks[0]); give one of them another name',
    ]);
  });
});

@Injectable()
class HealthConfig implements DeepHealthOptionsFactory {
  createDeepHealthOptions(): DeepHealthModuleOptions {
    return { service: { version: '9.9.9' }, checks: [defineCheck({ name: 'from-class', run: () => 'pass' })] };
  }
}

@Module({ providers: [HealthConfig], exports: [HealthConfig] })
class HealthConfigModule {}

@Controller('options')
class OptionsController {
  constructor(@InjectDeepHealthOptions() private readonly options: ResolvedHealthOptions) {}

  @Get()
  get() {
    return { path: this.options.path, checks: this.options.checks.map((c) => c.name) };
  }
}

describe.each(ADAPTERS)('Nest module conventions on %s', (adapter) => {
  it('forRootAsync({ useClass }) calls createDeepHealthOptions(); InjectDeepHealthOptions gives the resolved options', async () => {
    const running = await startHealthApp(adapter, { module: DeepHealthModule.forRootAsync({ useClass: HealthConfig }) }, { controllers: [OptionsController] });
    try {
      expect((await running.get('/health/ready')).json).toMatchObject({ version: '9.9.9', checks: { 'from-class': [{ status: 'pass' }] } });
      expect((await running.get('/options')).json).toEqual({ path: 'health', checks: ['from-class'] });
      expect(running.app.get(getDeepHealthOptionsToken())).toMatchObject({ service: { version: '9.9.9' } });
    } finally {
      await running.close();
    }
  });

  it('forRootAsync({ useExisting }) reuses a provider of another module', async () => {
    const running = await startHealthApp(adapter, { module: DeepHealthModule.forRootAsync({ imports: [HealthConfigModule], useExisting: HealthConfig, path: 'ops' }) });
    try {
      expect((await running.get('/ops/ready')).json).toMatchObject({ version: '9.9.9' });
    } finally {
      await running.close();
    }
  });
});

describe('isGlobal', () => {
  @Injectable()
  class NeedsMaintenance {
    constructor(readonly maintenance: MaintenanceService) {}
  }
  @Module({ providers: [NeedsMaintenance] })
  class ElsewhereModule {}

  it('is global by default: MaintenanceService is injectable in any module', async () => {
    @Module({ imports: [DeepHealthModule.forRoot({}), ElsewhereModule] })
    class AppModule {}
    const app = await bootContext(AppModule);
    try {
      expect(app.get(NeedsMaintenance).maintenance).toBeInstanceOf(MaintenanceService);
    } finally {
      await app.close();
    }
  });

  it('isGlobal: false keeps the providers to the importing module', async () => {
    @Module({ imports: [DeepHealthModule.forRoot({ isGlobal: false }), ElsewhereModule] })
    class AppModule {}
    await expect(bootContext(AppModule)).rejects.toThrow(/MaintenanceService/);
  });
});
