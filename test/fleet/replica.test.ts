/** The replica helper itself: a replica that never listens in time is not left running. */
import { execFileSync } from 'node:child_process';
import { Replica } from './replica';

/** The health-app replicas this jest process has as children now. */
function replicaChildren(): string[] {
  const lines = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes('health-app.js')).map((line) => line.trim());
}

describe('Replica.start', () => {
  it('kills the child when it does not listen within the timeout, then rejects', async () => {
    const error = await Replica.start({ PORT: '0' }, 1).then(
      () => new Error('listened within 1 ms'),
      (reason: Error) => reason,
    );
    expect(error.message).toMatch(/did not listen within 1 ms/);
    expect(replicaChildren()).toEqual([]);
  });
});
