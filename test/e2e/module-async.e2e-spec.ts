import { Injectable, Module } from '@nestjs/common';
import { DeepHealthModule, defineCheck, InvalidOptionsError } from '../../src/index';
import { ADAPTERS, bootContext, startHealthApp } from '../support/health-app';

@Injectable()
class Settings {
  readonly version = '5.6.7';
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

describe.each(ADAPTERS)('forRootAsync on %s', (adapter) => {
  it('takes options from an injected provider, with the path given statically', async () => {
    const running = await startHealthApp(adapter, {
      module: DeepHealthModule.forRootAsync({
        path: 'status',
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => ({ service: { version: settings.version }, checks: [defineCheck({ name: 'db', run: () => 'pass' })] }),
      }),
    });
    try {
      const res = await running.get('/status/ready');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ version: '5.6.7', checks: { db: [{ status: 'pass' }] } });
    } finally {
      await running.close();
    }
  });

  it('honours a path returned by the factory (issue 11 defect 8)', async () => {
    const running = await startHealthApp(adapter, {
      module: DeepHealthModule.forRootAsync({
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => ({ path: '/ops/', service: { version: settings.version }, checks: [defineCheck({ name: 'db', run: () => 'pass' })] }),
      }),
    });
    try {
      const answers = await Promise.all(['/ops/live', '/ops/ready', '/health/live'].map(async (path) => [path, (await running.get(path)).status]));
      expect(answers).toEqual([['/ops/live', 200], ['/ops/ready', 200], ['/health/live', 404]]);
    } finally {
      await running.close();
    }
  });
});

describe('forRootAsync validation', () => {
  it('fails at boot with every problem of the factory result, like forRoot', async () => {
    const db = defineCheck({ name: 'db', run: () => 'pass' });
    @Module({
      imports: [
        DeepHealthModule.forRootAsync({
          useFactory: async () => ({ checks: [db, db], defaults: { deadlineMs: 0 }, format: 'xml' as never }),
        }),
      ],
    })
    class BrokenModule {}
    const boot = bootContext(BrokenModule);
    await expect(boot).rejects.toThrow(InvalidOptionsError);
    await expect(
      bootContext(BrokenModule),
    ).rejects.toThrow(/3 problems[\s\S]*checks\[1\]\.name: duplicate check name "db"[\s\S]*defaults\.deadlineMs: must be between 1[\s\S]*format: must be one of/);
  });
});
