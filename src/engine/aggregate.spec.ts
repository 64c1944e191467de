import { aggregateStatus } from './aggregate';
import type { HealthStatus } from './health-status';

const statuses: HealthStatus[] = ['pass', 'warn', 'fail'];

describe('aggregateStatus', () => {
  it('is pass for no results', () => {
    expect(aggregateStatus([])).toBe('pass');
  });

  // Every combination of one critical and one non-critical result.
  const table: [HealthStatus, HealthStatus, HealthStatus][] = [];
  for (const critical of statuses) {
    for (const optional of statuses) {
      const expected: HealthStatus = critical === 'fail' ? 'fail' : critical === 'pass' && optional === 'pass' ? 'pass' : 'warn';
      table.push([critical, optional, expected]);
    }
  }
  it.each(table)('critical %s + non-critical %s => %s', (critical, optional, expected) => {
    expect(aggregateStatus([{ status: critical, critical: true }, { status: optional, critical: false }])).toBe(expected);
  });

  it.each(statuses)('a lone non-critical %s never fails the whole', (status) => {
    expect(aggregateStatus([{ status, critical: false }])).toBe(status === 'pass' ? 'pass' : 'warn');
  });

  it('takes the worst of several critical results', () => {
    expect(aggregateStatus([
      { status: 'pass', critical: true },
      { status: 'warn', critical: true },
      { status: 'fail', critical: true },
    ])).toBe('fail');
  });
});
