/**
 * What a check logs while its dependency's first connection is still being made (boot with the
 * dependency behind a blackholed TcpFaultProxy), and once it has answered: an app with
 * DeepHealthModule on Express whose every log line is recorded, and one check probed through
 * `/health/checks/<name>` with details allowed.
 *
 * ```ts
 * const app = await startLoggedHealthApp([redisCheck({ client, cacheTtlMs: 0 })]);
 * await app.probe('redis');  // [503, 'Redis client is not ready (status "connect"); ...']
 * app.logOf('redis');        // ['WARN check redis: unknown -> fail (...)']
 * await app.close();
 * ```
 */
import type { HealthCheck } from '../../src/engine/check';
import { DeepHealthModule } from '../../src/index';
import { startTestingApp } from './health-app';

const TOKEN = 'boot-log-admin-token';

export interface LoggedHealthApp {
  /** `[HTTP status, output]` of `/health/checks/<name>`. */
  probe(name: string): Promise<[number, string | undefined]>;
  /** The transition lines of check `name`, in order, each as `LEVEL message`. */
  logOf(name: string): string[];
  close(): Promise<void>;
}

export async function startLoggedHealthApp(checks: HealthCheck[]): Promise<LoggedHealthApp> {
  const lines: string[] = [];
  const record = (level: string) => (message: unknown) => lines.push(`${level} ${String(message)}`);
  const logger = { log: record('LOG'), error: record('ERROR'), warn: record('WARN') };
  const { app, url } = await startTestingApp('express', { imports: [DeepHealthModule.forRoot({ adminToken: TOKEN, checks })] }, { logger });
  return {
    probe: async (name) => {
      const res = await fetch(`${url}/health/checks/${name}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return [res.status, ((await res.json()) as any).checks[name][0].output];
    },
    logOf: (name) => lines.filter((line) => line.includes(` check ${name}: `)),
    close: () => app.close(),
  };
}
