import { checkOptions, defineCheck, outcomeFromFindings, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient, segment } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord, type StatusPolicy } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { SHARED_SERVICE_DEFAULTS } from '../vendor-api/shared-service-defaults.js';
import { CHROMA_COLLECTION_NOT_FOUND, CHROMA_NO_V2, CHROMA_V1_GONE } from './messages.js';
import { dimensionFinding, validateVectorStore, type VectorStoreOptions } from './vector-store.js';

export interface ChromaCheckOptions extends VectorStoreOptions {
  /** Collection the application reads and writes. */
  collection: string;
  /** @default 'default_tenant' */
  tenant?: string;
  /** @default 'default_database' */
  database?: string;
  /**
   * Header that carries `apiKey`: Chroma's token auth reads `x-chroma-token` (also Chroma Cloud),
   * or `Authorization: Bearer` when the server is configured that way.
   * @default 'x-chroma-token'
   */
  authHeader?: 'x-chroma-token' | 'authorization';
}

/**
 * Chroma (v2 API): `GET /api/v2/heartbeat`, then the collection under its tenant and database
 * (`GET /api/v2/tenants/{tenant}/databases/{database}/collections/{collection}`); its `dimension`
 * is compared with `dimensions`. Chroma >= 1.0 answers 410 Gone on the removed v1 API: the check
 * says so instead of reporting a bare HTTP error.
 *
 * @default name `chroma`, critical `false`, timeoutMs 3000, cacheTtlMs 30000
 * @example
 * chromaCheck({ url: 'http://chroma:8000', collection: 'docs', dimensions: 384 })
 */
export function chromaCheck(options: ChromaCheckOptions): HealthCheck {
  validateCheckOptions('chromaCheck', options, (problems, o) => {
    validateVectorStore(problems, o);
    problems.requiredString('collection', o.collection);
    problems.string('tenant', o.tenant);
    problems.string('database', o.database);
    problems.oneOf('authHeader', o.authHeader, ['x-chroma-token', 'authorization']);
  });
  const { collection, dimensions } = options;
  const tenant = options.tenant ?? 'default_tenant';
  const database = options.database ?? 'default_database';
  const auth =
    options.apiKey === undefined
      ? {}
      : options.authHeader === 'authorization'
        ? { authorization: `Bearer ${options.apiKey}` }
        : { 'x-chroma-token': options.apiKey };
  const client = new HttpClient({ vendor: 'Chroma', baseUrl: options.url, headers: auth, secrets: [options.apiKey] });
  const gone: StatusPolicy['statusTexts'] = { 410: CHROMA_V1_GONE };

  return defineCheck({
    name: 'chroma',
    componentType: 'datastore',
    ...SHARED_SERVICE_DEFAULTS,
    ...checkOptions(options),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      const heartbeat = await client.request({ path: '/api/v2/heartbeat' }, signal);
      expectOk(client, heartbeat, { statusTexts: { ...gone, 404: CHROMA_NO_V2 } });
      const beat = client.json(heartbeat);
      if (!isRecord(beat) || typeof beat['nanosecond heartbeat'] !== 'number') {
        failWith(UNEXPECTED_SHAPE('Chroma', heartbeat.what, '"nanosecond heartbeat"'));
      }

      const path = `/api/v2/tenants/${segment(tenant)}/databases/${segment(database)}/collections/${segment(collection)}`;
      const reply = await client.request({ path }, signal);
      const where = `collection "${collection}" (tenant ${tenant}, database ${database})`;
      expectOk(client, reply, { statusTexts: gone, notFound: CHROMA_COLLECTION_NOT_FOUND(collection, tenant, database) });
      const info = client.json(reply);
      if (!isRecord(info) || typeof info.id !== 'string') failWith(UNEXPECTED_SHAPE('Chroma', reply.what, 'a collection id'));

      const size = typeof info.dimension === 'number' ? info.dimension : undefined;
      const findings: Finding[] = [];
      const dimension = dimensionFinding(`Chroma ${where}`, size, dimensions);
      if (dimension) findings.push(dimension);
      return outcomeFromFindings(findings, {
        measurements: size === undefined ? {} : { dimensions: size },
        details: { collection, tenant, database, id: info.id },
      });
    }),
  });
}
