import type { FakeRequest } from './fake-server';
import { bearer, header, type Scenario, type VendorSpec } from './vendor-route';

/**
 * Fakes of the vector stores' documented HTTP APIs (paths, headers, bodies, error shapes), each
 * holding one collection/index `docs` of `DIMENSION`-sized vectors unless the scenario says otherwise.
 */
export const DIMENSION = 768;
export const WRONG_DIMENSION = 1536;
export const COLLECTION = 'docs';

const dimensionFor = (scenario: Scenario) => (scenario === 'wrong-dimension' ? WRONG_DIMENSION : DIMENSION);
const named = (request: FakeRequest, prefix: string) => request.path === `${prefix}${COLLECTION}`;

/** Qdrant: `api-key` header; errors `{ status: { error }, time }`; collection info under `result`. */
export const qdrantSpec: VendorSpec = {
  presented: (r) => header(r, 'api-key'),
  error: (message) => ({ status: { error: message }, time: 0.0001 }),
  isMain: (r) => r.path.startsWith('/collections/'),
  answer: (r, scenario) => {
    if (r.path === '/readyz') return scenario === 'not-ready' ? { status: 503, raw: 'some shards are not ready' } : { raw: 'all shards are ready' };
    if (!r.path.startsWith('/collections/')) return undefined;
    if (scenario === 'not-found' || !named(r, '/collections/')) {
      return { status: 404, body: { status: { error: `Not found: Collection \`${r.path.slice(13)}\` doesn't exist!` }, time: 0.0001 } };
    }
    const status = ['yellow', 'grey', 'red'].includes(scenario) ? scenario : 'green';
    const vectors =
      scenario === 'named-vectors'
        ? { text: { size: DIMENSION, distance: 'Cosine' }, image: { size: 512, distance: 'Dot' } }
        : { size: dimensionFor(scenario), distance: 'Cosine' };
    return {
      body: {
        result: {
          status,
          optimizer_status: scenario === 'optimizer-error' ? { error: 'No space left on device' } : 'ok',
          indexed_vectors_count: 40,
          points_count: 42,
          segments_count: 2,
          config: { params: { vectors, shard_number: 1, replication_factor: 1 } },
          payload_schema: {},
        },
        status: 'ok',
        time: 0.0002,
      },
    };
  },
};

/** Chroma v2: `x-chroma-token`; errors `{ error, message }`; v1 paths answer 410 on Chroma >= 1.0. */
export const chromaSpec: VendorSpec = {
  presented: (r) => header(r, 'x-chroma-token'),
  error: (message, status) => ({ error: status === 401 ? 'AuthError' : status === 404 ? 'NotFoundError' : 'InternalError', message }),
  isMain: (r) => r.path.includes('/collections/'),
  answer: (r, scenario) => {
    if (r.path.startsWith('/api/v1/')) return { status: 410, body: { error: 'Unimplemented', message: 'The v1 API is deprecated. Please use /v2 apis' } };
    if (r.path === '/api/v2/heartbeat') return { body: { 'nanosecond heartbeat': 1732180000000000000 } };
    const prefix = '/api/v2/tenants/default_tenant/databases/default_database/collections/';
    if (!r.path.startsWith('/api/v2/tenants/')) return undefined;
    if (scenario === 'not-found' || r.path !== `${prefix}${COLLECTION}`) {
      return { status: 404, body: { error: 'NotFoundError', message: `Collection [${r.path.split('/').pop()}] does not exist` } };
    }
    return {
      body: {
        id: '5f8a3c1e-0d1b-4c7e-9a55-6b1f2d3e4a5b',
        name: COLLECTION,
        metadata: null,
        dimension: scenario === 'empty-collection' ? null : dimensionFor(scenario),
        tenant: 'default_tenant',
        database: 'default_database',
        log_position: 0,
        version: 0,
      },
    };
  },
};

/** Weaviate: `Authorization: Bearer`; errors `{ error: [{ message }] }`; class `Docs`. */
export const WEAVIATE_CLASS = 'Docs';
export const weaviateSpec: VendorSpec = {
  presented: bearer,
  error: (message) => ({ error: [{ message }] }),
  isMain: (r) => r.path === '/v1/nodes',
  answer: (r, scenario) => {
    if (r.path === '/v1/.well-known/ready') return scenario === 'not-ready' ? { status: 503 } : { status: 200 };
    if (r.path.startsWith('/v1/schema/')) {
      if (scenario === 'not-found' || r.path !== `/v1/schema/${WEAVIATE_CLASS}`) return { status: 404 };
      return { body: { class: WEAVIATE_CLASS, properties: [{ name: 'title', dataType: ['text'] }], vectorIndexType: 'hnsw', vectorizer: 'none' } };
    }
    if (r.path !== '/v1/nodes') return undefined;
    const statuses =
      scenario === 'node-unhealthy' ? ['HEALTHY', 'UNHEALTHY', 'HEALTHY'] : scenario === 'all-down' ? ['UNAVAILABLE', 'UNHEALTHY'] : ['HEALTHY', 'HEALTHY'];
    return {
      body: {
        nodes: statuses.map((status, i) => ({
          name: `weaviate-${i}`,
          status,
          version: '1.28.2',
          gitHash: 'a1b2c3d',
          stats: { shardCount: 1, objectCount: 100 },
          batchStats: { queueLength: 0, ratePerSecond: 0 },
        })),
      },
    };
  },
};

/**
 * Pinecone: `Api-Key` + `X-Pinecone-Api-Version`; errors `{ error: { code, message }, status }`;
 * the index host is this same server (`127.0.0.1:port`, no scheme, as Pinecone returns it).
 */
export function pineconeSpec(host: () => string): VendorSpec {
  return {
    presented: (r) => header(r, 'api-key'),
    error: (message, status) => ({ error: { code: status === 401 ? 'UNAUTHENTICATED' : status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE', message }, status }),
    isMain: (r) => r.path.startsWith('/indexes/'),
    answer: (r, scenario) => {
      if (r.path === '/describe_index_stats' && r.method === 'POST') {
        const fullness = scenario === 'full' ? 0.93 : 0.1;
        return { body: { namespaces: { '': { vectorCount: 80000 } }, dimension: dimensionFor(scenario), indexFullness: fullness, totalVectorCount: 80000 } };
      }
      if (!r.path.startsWith('/indexes/')) return undefined;
      if (scenario === 'not-found' || r.path !== `/indexes/${COLLECTION}`) {
        return { status: 404, body: { error: { code: 'NOT_FOUND', message: `Resource ${COLLECTION} not found` }, status: 404 } };
      }
      const status = scenario === 'initializing' ? { ready: false, state: 'Initializing' } : scenario === 'scaling' ? { ready: true, state: 'ScalingUp' } : { ready: true, state: 'Ready' };
      return {
        body: {
          name: COLLECTION,
          vector_type: 'dense',
          metric: 'cosine',
          dimension: dimensionFor(scenario),
          status,
          host: host(),
          spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
          deletion_protection: 'disabled',
          tags: null,
        },
      };
    },
  };
}

/**
 * Milvus REST v2: `Authorization: Bearer <user:password | token>`; every answer is HTTP 200 with
 * `{ code, message }` on errors (`code: 1800` for an unauthenticated token).
 */
export const milvusSpec: VendorSpec = {
  presented: bearer,
  error: (message) => ({ code: 1100, message }),
  isMain: (r) => r.path === '/v2/vectordb/collections/get_load_state',
  overrides: {
    auth: () => ({ body: { code: 1800, message: "user hasn't authenticated" } }),
    'rate-limited': () => ({ body: { code: 8, message: 'rate limit exceeded[rate=0.1]' } }),
    'server-error': () => ({ body: { code: 65535, message: 'service unavailable: internal: Milvus Proxy is not ready yet' } }),
  },
  answer: (r, scenario) => {
    if (!r.path.startsWith('/v2/vectordb/collections/')) return undefined;
    const name = (r.body as { collectionName?: string } | undefined)?.collectionName;
    if (scenario === 'not-found' || name !== COLLECTION) {
      return { body: { code: 100, message: `can't find collection[database=default][collection=${name}]: collection not found` } };
    }
    if (r.path.endsWith('/get_load_state')) {
      const loadState = scenario === 'loading' ? 'LoadStateLoading' : scenario === 'not-loaded' ? 'LoadStateNotLoad' : 'LoadStateLoaded';
      return { body: { code: 0, data: { loadProgress: scenario === 'loading' ? 40 : 100, loadState, message: '' } } };
    }
    if (r.path.endsWith('/describe')) {
      return {
        body: {
          code: 0,
          data: {
            collectionName: COLLECTION,
            fields: [
              { name: 'id', type: 'Int64', primaryKey: true, autoId: false },
              { name: 'embedding', type: 'FloatVector', params: [{ key: 'dim', value: String(dimensionFor(scenario)) }] },
            ],
            load: 'LoadStateLoaded',
            shardsNum: 1,
          },
        },
      };
    }
    return undefined;
  },
};
