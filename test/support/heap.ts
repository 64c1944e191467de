/** Heap measurements with forced garbage collections, for the memory tests. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Lets the current task end (a server handles each probe in its own task). */
export const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Heap in use after the current task ended (WeakRef targets are kept until then) and two full GCs. */
export async function heapUsed(): Promise<number> {
  await tick();
  gc();
  await tick();
  gc();
  return process.memoryUsage().heapUsed;
}
