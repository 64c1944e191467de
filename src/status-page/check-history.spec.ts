import type { CheckResult } from '../engine/health-engine';
import { CheckHistory, MAX_HISTORY_OUTPUT, RingBuffer } from './check-history';

const result = (name: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  name,
  status,
  critical: true,
  componentType: 'datastore',
  time: new Date().toISOString(),
  durationMs: 1,
  ...extra,
});

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect([ring.size, ring.toArray()]).toEqual([3, [5, 6, 7]]);
  });
});

describe('CheckHistory', () => {
  it('bounds results and transitions per check, and cuts long outputs', () => {
    const history = new CheckHistory({ resultsPerCheck: 4, transitionsPerCheck: 2 });
    for (let i = 0; i < 10; i++) history.record(result('db', i % 2 ? 'fail' : 'pass', { observedValue: i, output: 'x'.repeat(5000) }));
    for (let i = 0; i < 5; i++) history.recordTransition({ check: 'db', previous: 'pass', current: 'fail', time: `t${i}` }, result('db', 'fail'));
    const db = history.snapshot(true).db!;
    expect(db.recorded).toBe(10);
    expect(db.results.map((r) => r.observedValue)).toEqual([6, 7, 8, 9]);
    expect(db.results.filter((r) => r.output!.length !== MAX_HISTORY_OUTPUT)).toEqual([]);
    expect(db.transitions.map((t) => t.time)).toEqual(['t3', 't4']);
    expect(history.size()).toMatchObject({ checks: 1, entries: 6 });
  });

  it('drops outputs for callers without details', () => {
    const history = new CheckHistory({ resultsPerCheck: 4, transitionsPerCheck: 2 });
    history.record(result('db', 'fail', { output: 'refused by 10.0.0.7' }));
    history.recordTransition({ check: 'db', previous: undefined, current: 'fail', time: 't', output: 'refused by 10.0.0.7' }, result('db', 'fail'));
    expect(JSON.stringify(history.snapshot(false))).not.toContain('refused');
    expect(history.snapshot(true, 'db').db!.results[0]!.output).toBe('refused by 10.0.0.7');
    expect(history.snapshot(true, 'other')).toEqual({});
  });
});
