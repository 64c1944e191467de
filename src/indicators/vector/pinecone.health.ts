import { checkOptions, defineCheck, outcomeFromFindings, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient, segment } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { SHARED_SERVICE_DEFAULTS } from '../vendor-api/shared-service-defaults.js';
import { COLLECTION_NOT_FOUND, PINECONE_FULL, PINECONE_NOT_READY, PINECONE_NO_HOST, PINECONE_STATE } from './messages.js';
import { dimensionFinding, validateVectorStore, type VectorStoreOptions } from './vector-store.js';

/** Options of {@link pineconeCheck}: the common vector-store options, with Pinecone's API key, index and API version. */
export interface PineconeCheckOptions extends Omit<VectorStoreOptions, 'url' | 'apiKey'> {
  /** Pinecone API key (sent as `Api-Key`). */
  apiKey: string;
  /** Index the application reads and writes. */
  index: string;
  /** Control-plane URL. @default 'https://api.pinecone.io' */
  url?: string;
  /** `X-Pinecone-Api-Version` header. @default '2025-01' */
  apiVersion?: string;
  /**
   * Also call `describe_index_stats` on the index host and report `indexFullness` and
   * `totalVectorCount` as measurements. @default true
   */
  stats?: boolean;
  /** Warn when `indexFullness` (0..1) is over this ratio. Fullness is meaningful for pod-based and dedicated indexes. @default 0.8 */
  fullnessWarnRatio?: number;
}

/**
 * Pinecone: describe the index on the control plane (`GET /indexes/{index}`): `status.ready` and
 * `status.state` (Ready = pass, ready in another state such as ScalingUp = warn, not ready = fail),
 * `dimension` against `dimensions`; then `describe_index_stats` on the index host for fullness.
 * Headers: `Api-Key` and `X-Pinecone-Api-Version`.
 *
 * @default name `pinecone`, critical `false`, timeoutMs 3000, cacheTtlMs 30000
 * @example
 * pineconeCheck({ apiKey: process.env.PINECONE_API_KEY!, index: 'docs', dimensions: 1536 })
 */
export function pineconeCheck(options: PineconeCheckOptions): HealthCheck {
  validateCheckOptions('pineconeCheck', options, (problems, o) => {
    validateVectorStore(problems, o, { urlRequired: false });
    problems.secret('apiKey', o.apiKey);
    problems.requiredString('index', o.index);
    problems.string('apiVersion', o.apiVersion);
    problems.boolean('stats', o.stats);
    problems.ratio('fullnessWarnRatio', o.fullnessWarnRatio);
  });
  const { index, dimensions } = options;
  const threshold = options.fullnessWarnRatio ?? 0.8;
  const client = new HttpClient({
    vendor: 'Pinecone',
    baseUrl: options.url ?? 'https://api.pinecone.io',
    headers: { 'api-key': options.apiKey, 'x-pinecone-api-version': options.apiVersion ?? '2025-01' },
    secrets: [options.apiKey],
  });

  return defineCheck({
    name: 'pinecone',
    componentType: 'datastore',
    ...SHARED_SERVICE_DEFAULTS,
    ...checkOptions(options),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      const reply = await client.request({ path: `/indexes/${segment(index)}` }, signal);
      expectOk(client, reply, { notFound: COLLECTION_NOT_FOUND('Pinecone', 'index', index) });
      const description = client.json(reply);
      if (!isRecord(description) || !isRecord(description.status)) failWith(UNEXPECTED_SHAPE('Pinecone', reply.what, 'status'));
      const state = String(description.status.state ?? 'unknown');

      const findings: Finding[] = [];
      if (description.status.ready !== true) findings.push({ status: 'fail', message: PINECONE_NOT_READY(index, state) });
      else if (state !== 'Ready') findings.push({ status: 'warn', message: PINECONE_STATE(index, state) });
      const size = indexDimension(description);
      const dimension = dimensionFinding(`Pinecone index "${index}"`, size, dimensions);
      if (dimension) findings.push(dimension);

      const measurements: Record<string, number> = size === undefined ? {} : { dimensions: size };
      let observedValue: number | undefined;
      if (options.stats !== false && description.status.ready === true) {
        const host = typeof description.host === 'string' && description.host ? description.host : undefined;
        if (!host) {
          findings.push({ status: 'warn', message: PINECONE_NO_HOST(index) });
        } else {
          // The host comes without a scheme; use the control plane's (https in production).
          const statsUrl = `${/^https?:\/\//.test(host) ? '' : `${client.protocol}//`}${host}/describe_index_stats`;
          const statsReply = await client.request({ method: 'POST', path: statsUrl, body: {} }, signal);
          expectOk(client, statsReply);
          const stats = client.json(statsReply);
          if (!isRecord(stats)) failWith(UNEXPECTED_SHAPE('Pinecone', statsReply.what, 'index stats'));
          if (typeof stats.totalVectorCount === 'number') measurements.totalVectorCount = stats.totalVectorCount;
          if (typeof stats.indexFullness === 'number') {
            observedValue = Math.round(stats.indexFullness * 1000) / 10;
            measurements.indexFullness = stats.indexFullness;
            if (stats.indexFullness > threshold) findings.push({ status: 'warn', message: PINECONE_FULL(index, stats.indexFullness, threshold) });
          }
        }
      }
      return outcomeFromFindings(findings, {
        ...(observedValue === undefined ? {} : { observedValue, observedUnit: 'percent full' }),
        measurements,
        details: { index, state, ready: description.status.ready },
      });
    }),
  });
}

/** `dimension` at the top level (API 2024-04 .. 2026-04), or a dense vector field of the 2026-07 `schema`. */
function indexDimension(description: Record<string, unknown>): number | undefined {
  if (typeof description.dimension === 'number') return description.dimension;
  const fields = isRecord(description.schema) && isRecord(description.schema.fields) ? Object.values(description.schema.fields) : [];
  for (const field of fields) {
    if (isRecord(field) && typeof field.dimension === 'number') return field.dimension;
  }
  return undefined;
}
