import { InvalidOptionsError } from '../../validation/problems';
import { redisMaintenanceStore } from './redis-maintenance.store';
import { redisSharedResultStore } from './redis-shared-result.store';

/** The stores report bad options like the module and the check factories: one error class, one format (issue 11 defect 8). */
describe('Redis store options', () => {
  it.each([
    ['redisMaintenanceStore', () => redisMaintenanceStore({ client: {} as never, key: '', chanel: 'x' } as never), ['client: must be an ioredis Redis or Cluster instance, got an object', 'chanel: unknown option (known: client, key, channel)', 'key: must be a non-empty string, got ""']],
    ['redisSharedResultStore', () => redisSharedResultStore({ client: undefined as never, prefix: 3 as never }), ['client: must be an ioredis Redis or Cluster instance, got undefined', 'prefix: must be a string, got 3']],
    ['redisSharedResultStore', () => redisSharedResultStore(null as never), ['options: must be an object, got null']],
  ])('%s: every problem in one InvalidOptionsError', (name, build, expected) => {
    let error: unknown;
    try {
      build();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect([...(error as InvalidOptionsError).problems].sort()).toEqual([...expected].sort());
    expect((error as Error).message).toMatch(new RegExp(`^Invalid ${name} options \\(${expected.length} problems?\\):`));
  });
});
