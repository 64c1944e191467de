import { checkOptions, defineCheck, type CheckOptions, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient, segment } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { llmOutcome, llmPolicy, OneTokenCompletion } from './llm-provider.js';
import { COMPLETION_EMPTY, DEPLOYMENT_NOT_FOUND } from './messages.js';

export interface AzureOpenAiCheckOptions extends CheckOptions {
  /** Resource endpoint, e.g. `https://my-resource.openai.azure.com`. */
  endpoint: string;
  /** Sent in the `api-key` header. */
  apiKey: string;
  /** Deployment name the application calls (not the model name). */
  deployment: string;
  /** `api-version` query parameter. @default '2024-10-21' */
  apiVersion?: string;
  /**
   * How the deployment is proven:
   * - `completion` (default): a one-token chat completion on the deployment: proves it exists and serves;
   * - `embedding`: a one-word embedding on the deployment, for embedding deployments;
   * - `models`: `GET /openai/models` proves the endpoint and key only, NOT the deployment (the listing
   *   shows models the resource may deploy, not deployments). Free, but a deleted deployment goes unnoticed.
   * @default 'completion'
   */
  probe?: 'completion' | 'embedding' | 'models';
  /** Warn when remaining/limit of a rate-limit header pair falls under this ratio. @default 0.1 */
  rateLimitWarnRatio?: number;
}

/**
 * Azure OpenAI: a deployment is only proven by calling it, so the default probe is a one-token
 * chat completion (`POST /openai/deployments/{deployment}/chat/completions?api-version=...`),
 * cached for 5 minutes and refreshed in the background. 404 `DeploymentNotFound` fails.
 *
 * @default name `azure-openai`, critical `false`, timeoutMs 3000, cacheTtlMs 300000 and
 *   refreshInBackground for `completion`/`embedding` (30000 for `models`)
 * @example
 * azureOpenaiCheck({ endpoint: 'https://my-resource.openai.azure.com', apiKey: process.env.AZURE_OPENAI_API_KEY!, deployment: 'gpt-4o-prod' })
 */
export function azureOpenaiCheck(options: AzureOpenAiCheckOptions): HealthCheck {
  validateCheckOptions('azureOpenaiCheck', options, (problems, o) => {
    problems.url('endpoint', o.endpoint);
    problems.secret('apiKey', o.apiKey);
    problems.requiredString('deployment', o.deployment);
    problems.string('apiVersion', o.apiVersion);
    problems.oneOf('probe', o.probe, ['completion', 'embedding', 'models']);
    problems.ratio('rateLimitWarnRatio', o.rateLimitWarnRatio);
  });
  const { deployment, rateLimitWarnRatio } = options;
  const probe = options.probe ?? 'completion';
  const client = new HttpClient({ vendor: 'Azure OpenAI', baseUrl: options.endpoint, headers: { 'api-key': options.apiKey }, secrets: [options.apiKey] });
  const query = { 'api-version': options.apiVersion ?? '2024-10-21' };
  const deploymentPath = `/openai/deployments/${segment(deployment)}`;
  const policy = { notFound: DEPLOYMENT_NOT_FOUND(deployment) };
  const completion = new OneTokenCompletion(client, { path: `${deploymentPath}/chat/completions`, query }, {}, policy);
  const details = { deployment, probe };

  return defineCheck({
    name: 'azure-openai',
    componentType: 'component',
    ...llmPolicy(checkOptions(options), probe !== 'models'),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      if (probe === 'completion') return llmOutcome([], await completion.send(signal), rateLimitWarnRatio, { details });
      if (probe === 'embedding') {
        const reply = await client.request({ method: 'POST', path: `${deploymentPath}/embeddings`, query, body: { input: 'ping' } }, signal);
        expectOk(client, reply, policy);
        const parsed = client.json(reply);
        if (!isRecord(parsed) || !Array.isArray(parsed.data)) failWith(COMPLETION_EMPTY('Azure OpenAI', reply.what));
        return llmOutcome([], reply, rateLimitWarnRatio, { details });
      }
      const reply = await client.request({ path: '/openai/models', query }, signal);
      expectOk(client, reply);
      const list = (client.json(reply) as { data?: unknown }).data;
      if (!Array.isArray(list)) failWith(UNEXPECTED_SHAPE('Azure OpenAI', reply.what, 'a data array'));
      return llmOutcome([], reply, rateLimitWarnRatio, { observedValue: list.length, observedUnit: 'models', details });
    }),
  });
}
