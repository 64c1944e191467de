import { resolveOptions } from '../module/resolve-options';
import { MaintenanceService } from './maintenance.service';
import type { MaintenanceState } from './maintenance-state';

describe('MaintenanceService', () => {
  afterEach(() => jest.useRealTimers());

  it('ends a 30-day maintenance on time, though one timer cannot wait that long', async () => {
    jest.useFakeTimers();
    const service = new MaintenanceService(resolveOptions({}, {}));
    const changes: MaintenanceState[] = [];
    service.onChange((state) => changes.push(state));
    await service.enable({ reason: 'datacenter move', durationSeconds: 30 * 86_400 });
    expect(changes.map((c) => c.enabled)).toEqual([true]);

    jest.advanceTimersByTime(29 * 86_400_000);
    expect(changes.map((c) => c.enabled)).toEqual([true]);
    jest.advanceTimersByTime(86_400_000 + 1000);
    // Told by the timer alone: nothing read status() in between.
    expect(changes.map((c) => c.enabled)).toEqual([true, false]);
    await service.onModuleDestroy();
  });
});
