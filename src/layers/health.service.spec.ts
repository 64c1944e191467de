import { MaintenanceService } from '../maintenance/maintenance.service';
import { resolveOptions } from '../module/resolve-options';
import { GracefulDrain } from './graceful-drain';
import { defineCheck } from '../engine/check';
import { HealthService } from './health.service';

describe('HealthService', () => {
  it('chooses the checks of each layer once, not on every probe', async () => {
    const options = resolveOptions(
      {
        checks: [
          defineCheck({ name: 'db', startup: true, run: () => 'pass' }),
          defineCheck({ name: 'llm', critical: false, run: () => 'pass' }),
        ],
      },
      {},
    );
    const service = new HealthService(options, new MaintenanceService(options), new GracefulDrain(options));
    service.onApplicationBootstrap();
    try {
      const filter = jest.spyOn(options.checks, 'filter');
      expect((await service.ready()).results.map((r) => r.name)).toEqual(['db']);
      expect((await service.startup()).results.map((r) => r.name)).toEqual(['db']);
      expect((await service.deep()).results.map((r) => r.name)).toEqual(['process:event-loop', 'process:heap', 'db', 'llm']);
      expect(service.checks).toBe(service.checks);
      expect(filter).not.toHaveBeenCalled();
    } finally {
      service.beforeApplicationShutdown();
    }
  });

  it('adds feature checks to every layer and group, and leaves excluded checks out of one answer', async () => {
    const options = resolveOptions(
      { checks: [defineCheck({ name: 'db', run: () => 'pass' })], groups: { pay: { checks: ['db', 'ledger'] } } },
      {},
    );
    const service = new HealthService(options, new MaintenanceService(options), new GracefulDrain(options));
    service.onApplicationBootstrap();
    try {
      service.addChecks([
        defineCheck({ name: 'ledger', critical: false, run: () => 'fail' }),
        defineCheck({ name: 'index', startup: true, run: () => 'pass' }),
      ]);
      expect((await service.ready()).results.map((r) => r.name)).toEqual(['db', 'index']);
      expect((await service.deep()).status).toBe('warn');
      // In the group the non-critical ledger counts as critical: the group fails.
      const group = (await service.group('pay'))!;
      expect(group).toMatchObject({ layer: 'group', status: 'fail', output: 'ledger failed' });
      expect(group.results.map((r) => [r.name, r.critical])).toEqual([['db', true], ['ledger', true]]);
      expect((await service.group('pay', ['ledger']))!.status).toBe('pass');
      expect(await service.group('nope')).toBeUndefined();
      expect((await service.deep(['ledger', 'process:heap'])).results.map((r) => r.name)).toEqual(['process:event-loop', 'db', 'index']);
    } finally {
      service.beforeApplicationShutdown();
    }
  });
});
