import { checkOptions, defineCheck, outcomeFromFindings, warn, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient, HttpFailure, type HttpReply } from '../vendor-api/vendor-api-client.js';
import { errorDetail, expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { SHARED_SERVICE_DEFAULTS } from '../vendor-api/shared-service-defaults.js';
import { COLLECTION_NOT_FOUND, MILVUS_AUTH, MILVUS_ERROR, MILVUS_LOADING, MILVUS_NOT_LOADED, MILVUS_NO_VECTOR_FIELD, MILVUS_RATE_LIMITED } from './messages.js';
import { dimensionFinding, validateVectorStore, type VectorStoreOptions } from './vector-store.js';

export interface MilvusCheckOptions extends VectorStoreOptions {
  /** Collection the application searches. */
  collection: string;
  /** Database of the collection. @default the server's default database */
  dbName?: string;
  /** Vector field whose `dim` is compared with `dimensions`. @default the only vector field */
  vectorField?: string;
}

const VECTOR_TYPES = /Vector$/;

/**
 * Milvus / Zilliz Cloud (REST v2): `POST /v2/vectordb/collections/get_load_state`:
 * `LoadStateLoaded` = pass, `LoadStateLoading` = warn, anything else (NotLoad, NotExist) = fail.
 * Milvus reports errors as HTTP 200 with `code != 0`; those are failures too. With `dimensions`,
 * `POST /v2/vectordb/collections/describe` gives the vector field's `dim`. `apiKey` is the token
 * (`user:password` or a Zilliz API key), sent as `Authorization: Bearer`.
 *
 * @default name `milvus`, critical `false`, timeoutMs 3000, cacheTtlMs 30000
 * @example
 * milvusCheck({ url: 'http://milvus:19530', apiKey: process.env.MILVUS_TOKEN, collection: 'docs', dimensions: 768 })
 */
export function milvusCheck(options: MilvusCheckOptions): HealthCheck {
  validateCheckOptions('milvusCheck', options, (problems, o) => {
    validateVectorStore(problems, o);
    problems.requiredString('collection', o.collection);
    problems.string('dbName', o.dbName);
    problems.string('vectorField', o.vectorField);
  });
  const { collection, dimensions, vectorField } = options;
  const auth = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;
  const client = new HttpClient({ vendor: 'Milvus', baseUrl: options.url, headers: { authorization: auth }, secrets: [options.apiKey] });
  const body = { collectionName: collection, ...(options.dbName === undefined ? {} : { dbName: options.dbName }) };

  /** Milvus answers HTTP 200 with `{ code, message }` on errors; `code` 0 (200 before 2.4) is success. */
  const data = (reply: HttpReply): Record<string, unknown> => {
    expectOk(client, reply, { notFound: COLLECTION_NOT_FOUND('Milvus', 'collection', collection) });
    const parsed = client.json(reply);
    if (!isRecord(parsed) || typeof parsed.code !== 'number') failWith(UNEXPECTED_SHAPE('Milvus', reply.what, 'a code'));
    if (parsed.code !== 0 && parsed.code !== 200) {
      const message = errorDetail(client, parsed);
      if (parsed.code === 1800 || /authenticat|credential|token|permission denied/i.test(message)) failWith(MILVUS_AUTH(parsed.code, message));
      if (/collection not found|can't find collection|collection.*not exist/i.test(message)) {
        failWith(`${COLLECTION_NOT_FOUND('Milvus', 'collection', collection)}: ${MILVUS_ERROR(parsed.code, message)}`);
      }
      if (/rate ?limit|quota/i.test(message)) throw new HttpFailure(warn(MILVUS_RATE_LIMITED(parsed.code, message)));
      failWith(MILVUS_ERROR(parsed.code, message));
    }
    return isRecord(parsed.data) ? parsed.data : {};
  };

  return defineCheck({
    name: 'milvus',
    componentType: 'datastore',
    ...SHARED_SERVICE_DEFAULTS,
    ...checkOptions(options),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      const state = data(await client.request({ method: 'POST', path: '/v2/vectordb/collections/get_load_state', body }, signal));
      const loadState = String(state.loadState ?? 'unknown');
      const progress = typeof state.loadProgress === 'number' ? state.loadProgress : undefined;
      const findings: Finding[] = [];
      if (loadState === 'LoadStateLoading') findings.push({ status: 'warn', message: MILVUS_LOADING(collection, progress) });
      else if (loadState !== 'LoadStateLoaded') findings.push({ status: 'fail', message: MILVUS_NOT_LOADED(collection, loadState) });

      const measurements: Record<string, number> = progress === undefined ? {} : { loadProgress: progress };
      if (dimensions !== undefined && loadState !== 'LoadStateNotExist') {
        const described = data(await client.request({ method: 'POST', path: '/v2/vectordb/collections/describe', body }, signal));
        const fields = Array.isArray(described.fields) ? described.fields.filter(isRecord) : [];
        const vectors = fields.filter((f) => typeof f.type === 'string' && VECTOR_TYPES.test(f.type) && (!vectorField || f.name === vectorField));
        if (vectors.length === 0) {
          findings.push({ status: 'fail', message: MILVUS_NO_VECTOR_FIELD(collection, vectorField) });
        } else {
          const params = Array.isArray(vectors[0]!.params) ? vectors[0]!.params.filter(isRecord) : [];
          const dim = Number(params.find((p) => p.key === 'dim')?.value);
          const size = Number.isFinite(dim) ? dim : undefined;
          if (size !== undefined) measurements.dimensions = size;
          const finding = dimensionFinding(`Milvus collection "${collection}" field "${String(vectors[0]!.name)}"`, size, dimensions);
          if (finding) findings.push(finding);
        }
      }
      return outcomeFromFindings(findings, { observedValue: loadState, measurements, details: { collection, loadState } });
    }),
  });
}
