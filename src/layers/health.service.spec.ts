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
});
