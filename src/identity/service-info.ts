import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Who this service is: the version fields of every response, the metrics' `service_info`, the
 * status page and the webhooks. The layers, the status page, the metrics and the transports all read
 * it, so it sits below them all and imports nothing else in src/.
 */

/** The `service` module option. */
export interface ServiceInfo {
  /** `serviceId` in responses. @default the app's package.json `name` */
  name?: string;
  /** `version` in responses. @default env `APP_VERSION`, else the app's package.json `version` */
  version?: string;
  /** `releaseId` in responses (the deployed build or commit). @default env `RELEASE_ID`, else env `GIT_SHA` */
  releaseId?: string;
  /** `description` in responses. @default the app's package.json `description` */
  description?: string;
}

/** `service` after resolution: the name and version are always known. */
export interface ResolvedServiceInfo {
  /** `serviceId` in responses and the `X-Health-Service-Id` header; `'unknown'` when nothing names the service. */
  name: string;
  /** `version` in responses and the `X-Health-Version` header; `'0.0.0'` when nothing gives one. */
  version: string;
  /** `releaseId` in responses and the `X-Health-Release-Id` header, when known. */
  releaseId?: string;
  /** `description` in responses, when known. */
  description?: string;
}

/**
 * Version fields for every response: options first, then the environment (`APP_VERSION`,
 * `RELEASE_ID`, `GIT_SHA`), then the app's own package.json (found from the entry script).
 */
export function resolveServiceInfo(
  given: ServiceInfo = {},
  env: NodeJS.ProcessEnv = process.env,
  startDir: string = appDirectory(),
): ResolvedServiceInfo {
  const pkg = findPackageJson(startDir);
  const name = given.name ?? pkg?.name ?? 'unknown';
  const version = given.version ?? nonEmpty(env.APP_VERSION) ?? pkg?.version ?? '0.0.0';
  const releaseId = given.releaseId ?? nonEmpty(env.RELEASE_ID) ?? nonEmpty(env.GIT_SHA);
  const description = given.description ?? pkg?.description;
  return { name, version, ...(releaseId ? { releaseId } : {}), ...(description ? { description } : {}) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() ? value.trim() : undefined;
}

function appDirectory(): string {
  const entry = require.main?.filename ?? process.argv[1];
  return entry ? dirname(entry) : process.cwd();
}

function findPackageJson(from: string): { name?: string; version?: string; description?: string } | undefined {
  let dir = from;
  for (let i = 0; i < 12; i++) {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      // Skip package.json files that only set "type" (e.g. dist/package.json) without a name.
      if (typeof parsed.name === 'string') {
        return {
          name: parsed.name,
          version: typeof parsed.version === 'string' ? parsed.version : undefined,
          description: typeof parsed.description === 'string' ? parsed.description : undefined,
        };
      }
    } catch {
      // Not here; look one level up.
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return process.cwd() !== from ? findPackageJson(process.cwd()) : undefined;
}
