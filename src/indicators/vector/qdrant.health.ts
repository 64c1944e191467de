import { checkOptions, defineCheck, outcomeFromFindings, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { guardHttp, failWith, HttpClient, segment } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { SHARED_SERVICE_DEFAULTS } from '../vendor-api/shared-service-defaults.js';
import {
  COLLECTION_NOT_FOUND,
  QDRANT_NOT_READY,
  QDRANT_OPTIMIZER_ERROR,
  QDRANT_STATUS,
  QDRANT_VECTOR_NAME_MISSING,
  QDRANT_VECTOR_NAME_NEEDED,
} from './messages.js';
import { dimensionFinding, validateVectorStore, type VectorStoreOptions } from './vector-store.js';

export interface QdrantCheckOptions extends VectorStoreOptions {
  /** Collection the application reads and writes. */
  collection: string;
  /**
   * Which named vector `dimensions` applies to, for collections created with named vectors.
   * @default the only named vector, when there is exactly one
   */
  vectorName?: string;
}

/**
 * Qdrant: `GET /readyz`, then `GET /collections/{collection}`. Collection status green = pass,
 * yellow (optimizing) and grey (optimizations pending) = warn, red = fail; an optimizer error is a
 * fail; the vector size (plain or named vectors) is compared with `dimensions`.
 * The API key goes in the `api-key` header.
 *
 * @default name `qdrant`, critical `false`, timeoutMs 3000, cacheTtlMs 30000
 * @example
 * qdrantCheck({ url: 'http://qdrant:6333', apiKey: process.env.QDRANT_API_KEY, collection: 'docs', dimensions: 1536 })
 */
export function qdrantCheck(options: QdrantCheckOptions): HealthCheck {
  validateCheckOptions('qdrantCheck', options, (problems, o) => {
    validateVectorStore(problems, o);
    problems.requiredString('collection', o.collection);
    problems.string('vectorName', o.vectorName);
  });
  const { collection, dimensions, vectorName } = options;
  const client = new HttpClient({ vendor: 'Qdrant', baseUrl: options.url, headers: { 'api-key': options.apiKey }, secrets: [options.apiKey] });

  return defineCheck({
    name: 'qdrant',
    componentType: 'datastore',
    ...SHARED_SERVICE_DEFAULTS,
    ...checkOptions(options),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      const ready = await client.request({ path: '/readyz' }, signal);
      expectOk(client, ready, { statusTexts: { 503: QDRANT_NOT_READY(503) } });

      const reply = await client.request({ path: `/collections/${segment(collection)}` }, signal);
      expectOk(client, reply, { notFound: COLLECTION_NOT_FOUND('Qdrant', 'collection', collection) });
      const info = (client.json(reply) as { result?: unknown }).result;
      if (!isRecord(info) || typeof info.status !== 'string') failWith(UNEXPECTED_SHAPE('Qdrant', reply.what, 'result.status'));

      const findings: Finding[] = [statusFinding(collection, info.status)];
      const optimizer = info.optimizer_status;
      if (isRecord(optimizer) && typeof optimizer.error === 'string') {
        findings.push({ status: 'fail', message: QDRANT_OPTIMIZER_ERROR(collection, client.redact(optimizer.error)) });
      }
      const before = findings.length;
      const size = vectorSize(collection, info, vectorName, dimensions !== undefined, findings);
      // A missing or ambiguous vector name was already reported; "dimension unknown" would only repeat it.
      const dimension = findings.length === before ? dimensionFinding(`Qdrant collection "${collection}"`, size, dimensions) : undefined;
      if (dimension) findings.push(dimension);

      const measurements: Record<string, number> = {};
      for (const [field, key] of [['points_count', 'points'], ['indexed_vectors_count', 'indexedVectors'], ['segments_count', 'segments']] as const) {
        if (typeof info[field] === 'number') measurements[key] = info[field];
      }
      if (typeof size === 'number') measurements.dimensions = size;
      return outcomeFromFindings(findings, {
        observedValue: info.status,
        measurements,
        details: { collection, status: info.status, optimizerStatus: isRecord(optimizer) ? 'error' : optimizer },
      });
    }),
  });
}

function statusFinding(collection: string, status: string): Finding {
  switch (status) {
    case 'green':
      return { status: 'pass', message: '' };
    case 'yellow':
    case 'grey':
      return { status: 'warn', message: QDRANT_STATUS[status](collection) };
    case 'red':
      return { status: 'fail', message: QDRANT_STATUS.red(collection) };
    default:
      return { status: 'warn', message: QDRANT_STATUS.unknown(collection, status) };
  }
}

/** `config.params.vectors` is `{ size }` for a single unnamed vector, or `{ [name]: { size } }`. */
function vectorSize(
  collection: string,
  info: Record<string, unknown>,
  vectorName: string | undefined,
  wanted: boolean,
  findings: Finding[],
): number | undefined {
  const config = isRecord(info.config) && isRecord(info.config.params) ? info.config.params.vectors : undefined;
  if (!isRecord(config)) return undefined;
  if (typeof config.size === 'number' && vectorName === undefined) return config.size;
  const named = Object.entries(config).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]));
  const names = named.map(([name]) => name);
  if (vectorName !== undefined) {
    const match = named.find(([name]) => name === vectorName)?.[1];
    if (!match) findings.push({ status: 'fail', message: QDRANT_VECTOR_NAME_MISSING(collection, vectorName, names) });
    return typeof match?.size === 'number' ? match.size : undefined;
  }
  if (named.length === 1 && typeof named[0]![1].size === 'number') return named[0]![1].size;
  if (wanted && named.length > 1) findings.push({ status: 'fail', message: QDRANT_VECTOR_NAME_NEEDED(collection, names) });
  return undefined;
}
