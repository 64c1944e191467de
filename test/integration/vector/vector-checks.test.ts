import type { HealthCheck, HealthStatus } from 'nestjs-deep-health';
import { chromaCheck, milvusCheck, pineconeCheck, qdrantCheck, weaviateCheck } from 'nestjs-deep-health/vector';
import { evaluator, transportFailureTests } from '../../support/check-harness';
import { FakeServer, refusedUrl } from '../../support/fakes/fake-server';
import { COLLECTION, DIMENSION, chromaSpec, milvusSpec, pineconeSpec, qdrantSpec, weaviateSpec, WEAVIATE_CLASS } from '../../support/fakes/vector-fakes';
import { vendorRoute, type Scenario, type VendorSpec } from '../../support/fakes/vendor-route';
import { SecretScan } from '../../support/secret-scan';

const KEY = 'vk-live-7f3a9c2e5b8d4f1a6c0e';
const URL_PASSWORD = 'pw-in-url-91b4e7d2c3';
const scan = new SecretScan([KEY, URL_PASSWORD]);
let fake: FakeServer;

beforeAll(async () => {
  scan.install();
  fake = await FakeServer.start(() => ({ status: 500 }));
});
afterAll(async () => {
  scan.uninstall();
  await fake.close();
});

const evaluate = evaluator(scan);

interface Factory {
  (url: string, extra?: { timeoutMs?: number; apiKey?: string }): HealthCheck;
}
type Expectation = [HealthStatus, RegExp | undefined];

interface VendorCase {
  vendor: string;
  spec: VendorSpec;
  make: Factory;
  expected: Partial<Record<Scenario, Expectation>>;
}

const COMMON: Scenario[] = ['healthy', 'auth', 'not-found', 'wrong-dimension', 'rate-limited', 'server-error', 'malformed'];

const VENDORS: VendorCase[] = [
  {
    vendor: 'Qdrant',
    spec: qdrantSpec,
    make: (url, extra) => qdrantCheck({ url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^Qdrant API key rejected \(HTTP 401\): Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^Qdrant collection "docs" not found \(HTTP 404\): Not found: Collection `docs` doesn't exist!$/],
      'wrong-dimension': ['fail', /^Qdrant collection "docs" holds 1536-dimensional vectors, the app expects 768$/],
      'rate-limited': ['warn', /^Qdrant rate limited \(HTTP 429\), retry after 7 s: Rate limit reached/],
      'server-error': ['fail', /^Qdrant server error \(HTTP 503\): upstream unavailable \(key \*\*\*\)$/],
      malformed: ['fail', /^Qdrant answered GET \/collections\/docs with malformed JSON \(HTTP 200\)$/],
    },
  },
  {
    vendor: 'Chroma',
    spec: chromaSpec,
    make: (url, extra) => chromaCheck({ url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^Chroma API key rejected \(HTTP 401\): AuthError: Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^Chroma collection "docs" not found in tenant default_tenant, database default_database \(HTTP 404\)/],
      'wrong-dimension': ['fail', /holds 1536-dimensional vectors, the app expects 768$/],
      'rate-limited': ['warn', /^Chroma rate limited \(HTTP 429\), retry after 7 s/],
      'server-error': ['fail', /^Chroma server error \(HTTP 503\)/],
      malformed: ['fail', /^Chroma answered GET \/api\/v2\/tenants\/default_tenant\/databases\/default_database\/collections\/docs with malformed JSON/],
    },
  },
  {
    vendor: 'Weaviate',
    spec: weaviateSpec,
    // Weaviate's schema has no vector dimension: no wrong-dimension case.
    make: (url, extra) => weaviateCheck({ url, apiKey: KEY, collection: WEAVIATE_CLASS, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^Weaviate API key rejected \(HTTP 401\): Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^Weaviate collection "Docs" not found \(HTTP 404\)$/],
      'rate-limited': ['warn', /^Weaviate rate limited \(HTTP 429\), retry after 7 s/],
      'server-error': ['fail', /^Weaviate server error \(HTTP 503\)/],
      malformed: ['fail', /^Weaviate answered GET \/v1\/nodes with malformed JSON \(HTTP 200\)$/],
    },
  },
  {
    vendor: 'Pinecone',
    spec: pineconeSpec(() => fake.host),
    make: (url, extra) => pineconeCheck({ url, apiKey: KEY, index: COLLECTION, dimensions: DIMENSION, ...extra, ...(extra?.apiKey ? {} : {}) }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^Pinecone API key rejected \(HTTP 401\): Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^Pinecone index "docs" not found \(HTTP 404\): Resource docs not found$/],
      'wrong-dimension': ['fail', /^Pinecone index "docs" holds 1536-dimensional vectors, the app expects 768$/],
      'rate-limited': ['warn', /^Pinecone rate limited \(HTTP 429\), retry after 7 s/],
      'server-error': ['fail', /^Pinecone server error \(HTTP 503\)/],
      malformed: ['fail', /^Pinecone answered GET \/indexes\/docs with malformed JSON \(HTTP 200\)$/],
    },
  },
  {
    vendor: 'Milvus',
    spec: milvusSpec,
    make: (url, extra) => milvusCheck({ url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      // Milvus answers errors with HTTP 200 and `code != 0`.
      auth: ['fail', /^Milvus token rejected \(code 1800\): user hasn't authenticated$/],
      'not-found': ['fail', /^Milvus collection "docs" not found: Milvus answered code 100: can't find collection/],
      'wrong-dimension': ['fail', /^Milvus collection "docs" field "embedding" holds 1536-dimensional vectors, the app expects 768$/],
      'rate-limited': ['warn', /^Milvus rate limited \(code 8\): rate limit exceeded/],
      'server-error': ['fail', /^Milvus answered code 65535: service unavailable/],
      malformed: ['fail', /^Milvus answered POST \/v2\/vectordb\/collections\/get_load_state with malformed JSON \(HTTP 200\)$/],
    },
  },
];

describe.each(VENDORS)('$vendor check against a loopback fake of its API', ({ spec, make, expected }) => {
  const scenarios = COMMON.filter((s) => expected[s] !== undefined);

  it.each(scenarios)('%s', async (scenario) => {
    fake.reset(vendorRoute(spec, scenario, KEY));
    const result = await evaluate(make(fake.url));
    const [status, output] = expected[scenario]!;
    expect({ status: result.status, output: result.output }).toEqual({ status, output: output ? expect.stringMatching(output) : undefined });
    expect(result.critical).toBe(false);
    expect(fake.requests.length).toBeGreaterThan(0);
  });

  transportFailureTests({ fake: () => fake, spec, key: KEY, make, evaluate });
});

describe('vendor-specific statuses', () => {
  const cases: [string, VendorSpec, Scenario, () => HealthCheck, HealthStatus, RegExp][] = [
    ['Qdrant yellow', qdrantSpec, 'yellow', () => qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION }), 'warn', /is yellow: optimization is running/],
    ['Qdrant grey', qdrantSpec, 'grey', () => qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION }), 'warn', /is grey: optimizations are pending/],
    ['Qdrant red', qdrantSpec, 'red', () => qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION }), 'fail', /is red/],
    ['Qdrant optimizer error', qdrantSpec, 'optimizer-error', () => qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION }), 'fail', /optimizer error on collection "docs": No space left on device/],
    ['Qdrant not ready', qdrantSpec, 'not-ready', () => qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION }), 'fail', /^Qdrant is not ready \(GET \/readyz answered HTTP 503\)/],
    ['Qdrant named vectors without vectorName', qdrantSpec, 'named-vectors', () => qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION }), 'fail', /several named vectors \(text, image\): set `vectorName`/],
    ['Qdrant named vector of the wrong size', qdrantSpec, 'named-vectors', () => qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION, vectorName: 'image' }), 'fail', /holds 512-dimensional vectors, the app expects 768/],
    ['Chroma v1 URL on Chroma >= 1.0', chromaSpec, 'healthy', () => chromaCheck({ url: `${fake.url}/api/v1`, apiKey: KEY, collection: COLLECTION }), 'fail', /^Chroma answered 410 Gone: Chroma >= 1\.0 removed the v1 API.*: Unimplemented: The v1 API is deprecated/],
    ['Chroma collection without vectors yet', chromaSpec, 'empty-collection', () => chromaCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION }), 'warn', /does not report its vector dimension yet/],
    ['Weaviate one node unhealthy', weaviateSpec, 'node-unhealthy', () => weaviateCheck({ url: fake.url, apiKey: KEY, collection: WEAVIATE_CLASS }), 'warn', /^Weaviate nodes not healthy: weaviate-1 UNHEALTHY \(2 of 3 healthy\)$/],
    ['Weaviate no node healthy', weaviateSpec, 'all-down', () => weaviateCheck({ url: fake.url, apiKey: KEY, collection: WEAVIATE_CLASS }), 'fail', /^no Weaviate node is healthy/],
    ['Weaviate not ready', weaviateSpec, 'not-ready', () => weaviateCheck({ url: fake.url, apiKey: KEY, collection: WEAVIATE_CLASS }), 'fail', /^Weaviate is not ready/],
    ['Pinecone initializing', pineconeSpec(() => fake.host), 'initializing', () => pineconeCheck({ url: fake.url, apiKey: KEY, index: COLLECTION }), 'fail', /^Pinecone index "docs" is not ready \(state Initializing\)$/],
    ['Pinecone scaling', pineconeSpec(() => fake.host), 'scaling', () => pineconeCheck({ url: fake.url, apiKey: KEY, index: COLLECTION }), 'warn', /in state ScalingUp/],
    ['Pinecone 93% full', pineconeSpec(() => fake.host), 'full', () => pineconeCheck({ url: fake.url, apiKey: KEY, index: COLLECTION }), 'warn', /^Pinecone index "docs" is 93% full \(warns over 80%\)$/],
    ['Milvus loading', milvusSpec, 'loading', () => milvusCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION }), 'warn', /^Milvus collection "docs" is loading \(40%\)$/],
    ['Milvus not loaded', milvusSpec, 'not-loaded', () => milvusCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION }), 'fail', /is not loaded \(LoadStateNotLoad\)/],
  ];

  it.each(cases)('%s', async (_title, spec, scenario, make, status, output) => {
    fake.reset(vendorRoute(spec, scenario, KEY));
    const result = await evaluate(make());
    expect(result.status).toBe(status);
    expect(result.output).toMatch(output);
  });
});

describe('what the vendors are sent and what is measured', () => {
  it('Qdrant: api-key header, measurements and details', async () => {
    fake.reset(vendorRoute(qdrantSpec, 'healthy', KEY));
    const result = await evaluate(qdrantCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION, dimensions: DIMENSION }));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /readyz', 'GET /collections/docs']);
    expect(fake.requests[1]!.headers['api-key']).toBe(KEY);
    expect(result).toMatchObject({ observedValue: 'green', measurements: { points: 42, indexedVectors: 40, segments: 2, dimensions: 768 }, componentType: 'datastore' });
  });

  it('Pinecone: Api-Key and version headers on both planes, fullness as a measurement', async () => {
    fake.reset(vendorRoute(pineconeSpec(() => fake.host), 'healthy', KEY));
    const result = await evaluate(pineconeCheck({ url: fake.url, apiKey: KEY, index: COLLECTION, apiVersion: '2025-01' }));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /indexes/docs', 'POST /describe_index_stats']);
    for (const request of fake.requests) expect(request.headers).toMatchObject({ 'api-key': KEY, 'x-pinecone-api-version': '2025-01' });
    expect(result).toMatchObject({ status: 'pass', observedValue: 10, observedUnit: 'percent full', measurements: { indexFullness: 0.1, totalVectorCount: 80000 } });
  });

  it('Milvus: Bearer token and the documented request body', async () => {
    fake.reset(vendorRoute(milvusSpec, 'healthy', KEY));
    await evaluate(milvusCheck({ url: fake.url, apiKey: KEY, collection: COLLECTION, dbName: 'default', dimensions: DIMENSION }));
    expect(fake.requests[0]).toMatchObject({ method: 'POST', body: { collectionName: 'docs', dbName: 'default' }, headers: { authorization: `Bearer ${KEY}` } });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v2/vectordb/collections/get_load_state', '/v2/vectordb/collections/describe']);
  });

  it('Chroma: tenant and database in the v2 path', async () => {
    fake.reset((request) => (request.path === '/api/v2/heartbeat' ? { body: { 'nanosecond heartbeat': 1 } } : { status: 404, body: { error: 'NotFoundError', message: 'no' } }));
    const result = await evaluate(chromaCheck({ url: fake.url, collection: COLLECTION, tenant: 'acme', database: 'prod' }));
    expect(fake.requests[1]!.path).toBe('/api/v2/tenants/acme/databases/prod/collections/docs');
    expect(result.output).toMatch(/not found in tenant acme, database prod/);
  });

  it('defaults: non-critical, 3 s timeout, 30 s cache', () => {
    const check = qdrantCheck({ url: 'http://q:6333', collection: 'docs' });
    // Suggestions: the user's options and the module defaults win over them.
    expect(check).toMatchObject({ name: 'qdrant', critical: false, suggested: { timeoutMs: 3000, cacheTtlMs: 30000 }, refreshInBackground: false });
    expect(qdrantCheck({ url: 'http://q:6333', collection: 'docs', critical: true, cacheTtlMs: 0, name: 'rag' })).toMatchObject({ critical: true, cacheTtlMs: 0, name: 'rag' });
  });
});

describe('secrets', () => {
  it('sends credentials from the URL as Basic auth and never shows them', async () => {
    fake.reset(vendorRoute(qdrantSpec, 'server-error', KEY));
    const url = `http://admin:${URL_PASSWORD}@${fake.host}`;
    const result = await evaluate(qdrantCheck({ url, apiKey: KEY, collection: COLLECTION }));
    expect(fake.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`admin:${URL_PASSWORD}`).toString('base64')}`);
    expect(result.status).toBe('fail');
    const refused = await evaluate(qdrantCheck({ url: `http://admin:${URL_PASSWORD}@${new URL(await refusedUrl()).host}`, collection: COLLECTION }));
    expect(refused.output).toMatch(/connection refused/);
  });

  it('rejects bad options with one TypeError naming every problem, without echoing the key', () => {
    let error: unknown;
    try {
      qdrantCheck({ url: `ftp://user:${URL_PASSWORD}@host`, apiKey: 42 as unknown as string, collection: '', dimensions: -1, timeoutMs: 0 });
    } catch (e) {
      error = e;
    }
    scan.record(error);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      [
        'Invalid qdrantCheck options (5 problems):',
        '  - timeoutMs: must be between 1 and 600000, got 0',
        '  - url: must use http or https, got "ftp:" in ftp://host',
        '  - apiKey: must be a non-empty string, got a number',
        '  - dimensions: must be between 1 and 9007199254740991, got -1',
        '  - collection: must be a non-empty string, got ""',
      ].join('\n'),
    );
    expect(() => pineconeCheck({ apiKey: KEY, index: 'docs', fullnessWarnRatio: 2 })).toThrow(/fullnessWarnRatio: must be between 0 and 1, got 2/);
    expect(() => weaviateCheck({ url: 'http://w', collection: 'A', dimensions: 3 } as never)).toThrow(/dimensions: is not supported/);
  });

  it('never emitted the key or a URL password in any result, error or console line', () => {
    expect(scan.count).toBeGreaterThan(50);
    expect(scan.leaks()).toEqual([]);
  });
});
