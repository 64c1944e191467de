import { defineCheck, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient, segment } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { llmOutcome, llmPolicy, validateLlm, type LlmCheckOptions } from './llm-provider.js';
import { COMPLETION_EMPTY, MODEL_NOT_FOUND } from './messages.js';

export interface AnthropicCheckOptions extends LlmCheckOptions {
  /** @default 'https://api.anthropic.com' */
  baseUrl?: string;
  /** `anthropic-version` header. @default '2023-06-01' */
  apiVersion?: string;
}

/** Pages of 1000 models; a listing longer than this is not a models API any more. */
const MAX_PAGES = 10;

/**
 * Anthropic: `GET /v1/models` with `x-api-key` and `anthropic-version`, following pagination
 * (`has_more`, `last_id` as the next `after_id`) until `model` is found. A model missing from the
 * listing is looked up once with `GET /v1/models/{model}`, which also resolves aliases. 529
 * (overloaded) fails; `anthropic-ratelimit-requests-remaining`/`-limit` under the ratio warn. With
 * `probe: 'completion'`, `POST /v1/messages` asks `model` for one token instead.
 *
 * @default name `anthropic`, critical `false`, timeoutMs 3000, cacheTtlMs 30000 (300000 and
 *   refreshInBackground for the completion probe)
 * @example
 * anthropicCheck({ apiKey: process.env.ANTHROPIC_API_KEY!, model: 'claude-sonnet-4-5' })
 */
export function anthropicCheck(options: AnthropicCheckOptions): HealthCheck {
  validateCheckOptions('anthropicCheck', options, (problems, o) => {
    validateLlm(problems, o);
    problems.string('apiVersion', o.apiVersion);
  });
  const { model, rateLimitWarnRatio } = options;
  const client = new HttpClient({
    vendor: 'Anthropic',
    baseUrl: options.baseUrl ?? 'https://api.anthropic.com',
    headers: { 'x-api-key': options.apiKey, 'anthropic-version': options.apiVersion ?? '2023-06-01' },
    secrets: [options.apiKey],
  });
  const notFound = model === undefined ? {} : { notFound: MODEL_NOT_FOUND('Anthropic', model) };

  return defineCheck({
    name: 'anthropic',
    componentType: 'component',
    ...llmPolicy(options, options.probe === 'completion'),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      if (options.probe === 'completion' && model !== undefined) {
        const body = { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] };
        const reply = await client.request({ method: 'POST', path: '/v1/messages', body }, signal);
        expectOk(client, reply, notFound);
        const message = client.json(reply);
        if (!isRecord(message) || !Array.isArray(message.content)) failWith(COMPLETION_EMPTY('Anthropic', reply.what));
        return llmOutcome([], reply, rateLimitWarnRatio, { details: { model, probe: 'completion' } });
      }

      let afterId: string | undefined;
      let seen = 0;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = { limit: model === undefined ? 1 : 1000, after_id: afterId };
        const reply = await client.request({ path: '/v1/models', query }, signal);
        expectOk(client, reply);
        const listing = client.json(reply);
        if (!isRecord(listing) || !Array.isArray(listing.data)) failWith(UNEXPECTED_SHAPE('Anthropic', reply.what, 'a data array'));
        seen += listing.data.length;
        if (model === undefined || listing.data.some((m) => isRecord(m) && m.id === model)) {
          return llmOutcome([], reply, rateLimitWarnRatio, { observedValue: seen, observedUnit: 'models', details: { model, probe: 'models' } });
        }
        if (listing.has_more !== true || typeof listing.last_id !== 'string') break;
        afterId = listing.last_id;
      }

      if (model === undefined) failWith(UNEXPECTED_SHAPE('Anthropic', 'GET /v1/models', 'a first page'));
      // Not listed: aliases (e.g. "-latest") only resolve through the single-model endpoint.
      const lookup = await client.request({ path: `/v1/models/${segment(model)}` }, signal);
      expectOk(client, lookup, notFound);
      const found = client.json(lookup);
      const findings: Finding[] = isRecord(found) && typeof found.id === 'string' ? [] : [{ status: 'fail', message: MODEL_NOT_FOUND('Anthropic', model) }];
      return llmOutcome(findings, lookup, rateLimitWarnRatio, {
        observedValue: seen,
        observedUnit: 'models',
        details: { model, resolvedModel: isRecord(found) ? found.id : undefined, probe: 'models' },
      });
    }),
  });
}
