import { checkOptions, defineCheck, outcomeFromFindings, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient, segment } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { SHARED_SERVICE_DEFAULTS } from '../vendor-api/shared-service-defaults.js';
import { COLLECTION_NOT_FOUND, WEAVIATE_NODES_DOWN, WEAVIATE_NO_HEALTHY_NODE, WEAVIATE_NOT_READY } from './messages.js';
import { validateVectorStore, type VectorStoreOptions } from './vector-store.js';

/**
 * Weaviate's schema does not record a vector dimension (it is fixed by the first vector written),
 * so this check takes no `dimensions` option.
 */
export interface WeaviateCheckOptions extends Omit<VectorStoreOptions, 'dimensions'> {
  /** Collection (class) the application reads and writes, e.g. `Article`. */
  collection: string;
}

/**
 * Weaviate: `GET /v1/.well-known/ready` (any 2xx), the collection's schema
 * (`GET /v1/schema/{collection}`), and node status (`GET /v1/nodes`): every node HEALTHY = pass;
 * some node INDEXING, or some (not all) nodes unhealthy = warn; no healthy node = fail.
 * The API key is sent as `Authorization: Bearer`.
 *
 * @default name `weaviate`, critical `false`, timeoutMs 3000, cacheTtlMs 30000
 * @example
 * weaviateCheck({ url: 'https://my-cluster.weaviate.cloud', apiKey: process.env.WEAVIATE_API_KEY, collection: 'Article' })
 */
export function weaviateCheck(options: WeaviateCheckOptions): HealthCheck {
  validateCheckOptions('weaviateCheck', options, (problems, o) => {
    validateVectorStore(problems, o);
    problems.requiredString('collection', o.collection);
    if (o.dimensions !== undefined) problems.add('dimensions', 'is not supported: Weaviate does not expose a vector dimension in its schema');
  });
  const { collection } = options;
  const auth = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;
  const client = new HttpClient({ vendor: 'Weaviate', baseUrl: options.url, headers: { authorization: auth }, secrets: [options.apiKey] });

  return defineCheck({
    name: 'weaviate',
    componentType: 'datastore',
    ...SHARED_SERVICE_DEFAULTS,
    ...checkOptions(options),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      const ready = await client.request({ path: '/v1/.well-known/ready' }, signal);
      expectOk(client, ready, { statusTexts: { 503: WEAVIATE_NOT_READY(503) } });

      const schema = await client.request({ path: `/v1/schema/${segment(collection)}` }, signal);
      expectOk(client, schema, { notFound: COLLECTION_NOT_FOUND('Weaviate', 'collection', collection) });
      const definition = client.json(schema);
      if (!isRecord(definition) || typeof definition.class !== 'string') failWith(UNEXPECTED_SHAPE('Weaviate', schema.what, 'a class'));

      const reply = await client.request({ path: '/v1/nodes' }, signal);
      expectOk(client, reply);
      const nodes = (client.json(reply) as { nodes?: unknown }).nodes;
      if (!Array.isArray(nodes)) failWith(UNEXPECTED_SHAPE('Weaviate', reply.what, 'nodes'));
      const statuses = nodes.filter(isRecord).map((node) => ({ name: String(node.name), status: String(node.status) }));
      const healthy = statuses.filter((node) => node.status === 'HEALTHY').length;
      const down = statuses.filter((node) => node.status !== 'HEALTHY').map((node) => `${node.name} ${node.status}`);

      const findings: Finding[] = [];
      if (statuses.length > 0 && healthy === 0 && !statuses.every((node) => node.status === 'INDEXING')) {
        findings.push({ status: 'fail', message: WEAVIATE_NO_HEALTHY_NODE(down) });
      } else if (down.length > 0) {
        findings.push({ status: 'warn', message: WEAVIATE_NODES_DOWN(down, statuses.length) });
      }
      return outcomeFromFindings(findings, {
        observedValue: healthy,
        observedUnit: 'healthy nodes',
        measurements: { nodes: statuses.length, healthyNodes: healthy },
        details: { collection: definition.class, nodes: statuses },
      });
    }),
  });
}
