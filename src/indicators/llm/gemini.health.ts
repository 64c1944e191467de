import { defineCheck, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient, segment, type HttpReply } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord, type StatusPolicy } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { llmOutcome, llmPolicy, validateLlm, type LlmCheckOptions } from './llm-provider.js';
import { COMPLETION_EMPTY, MODEL_NOT_FOUND } from './messages.js';

export interface GeminiCheckOptions extends LlmCheckOptions {
  /** @default 'https://generativelanguage.googleapis.com/v1beta' */
  baseUrl?: string;
}

/**
 * Google's API answers an invalid key with 400 INVALID_ARGUMENT and reason `API_KEY_INVALID`,
 * not 401: treat it as a rejected key.
 */
const isAuthError = (_reply: HttpReply, body: unknown): boolean => {
  const details = isRecord(body) && isRecord(body.error) ? body.error.details : undefined;
  return Array.isArray(details) && details.some((d) => isRecord(d) && d.reason === 'API_KEY_INVALID');
};

/**
 * Gemini API: the key goes in the `x-goog-api-key` header, never in the URL (`?key=` ends up in
 * proxy and access logs). With `model`, `GET /models/{model}` (one request, resolves aliases);
 * without, the first page of `GET /models`. With `probe: 'completion'`,
 * `POST /models/{model}:generateContent` with `maxOutputTokens: 1` instead.
 *
 * @default name `gemini`, critical `false`, timeoutMs 3000, cacheTtlMs 30000 (300000 and
 *   refreshInBackground for the completion probe)
 * @example
 * geminiCheck({ apiKey: process.env.GEMINI_API_KEY!, model: 'gemini-2.5-flash' })
 */
export function geminiCheck(options: GeminiCheckOptions): HealthCheck {
  validateCheckOptions('geminiCheck', options, (problems, o) => validateLlm(problems, o));
  const { rateLimitWarnRatio } = options;
  const model = options.model?.replace(/^models\//, '');
  const client = new HttpClient({
    vendor: 'Gemini',
    baseUrl: options.baseUrl ?? 'https://generativelanguage.googleapis.com/v1beta',
    headers: { 'x-goog-api-key': options.apiKey },
    secrets: [options.apiKey],
  });
  const policy: StatusPolicy = { isAuthError, ...(model === undefined ? {} : { notFound: MODEL_NOT_FOUND('Gemini', model) }) };

  return defineCheck({
    name: 'gemini',
    componentType: 'component',
    ...llmPolicy(options, options.probe === 'completion'),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      if (options.probe === 'completion' && model !== undefined) {
        const body = { contents: [{ role: 'user', parts: [{ text: 'ping' }] }], generationConfig: { maxOutputTokens: 1 } };
        const reply = await client.request({ method: 'POST', path: `/models/${segment(model)}:generateContent`, body }, signal);
        expectOk(client, reply, policy);
        const parsed = client.json(reply);
        if (!isRecord(parsed) || !Array.isArray(parsed.candidates)) failWith(COMPLETION_EMPTY('Gemini', reply.what));
        return llmOutcome([], reply, rateLimitWarnRatio, { details: { model, probe: 'completion' } });
      }
      if (model !== undefined) {
        const reply = await client.request({ path: `/models/${segment(model)}` }, signal);
        expectOk(client, reply, policy);
        const found = client.json(reply);
        if (!isRecord(found) || typeof found.name !== 'string') failWith(UNEXPECTED_SHAPE('Gemini', reply.what, 'a model name'));
        return llmOutcome([], reply, rateLimitWarnRatio, { details: { model: found.name, probe: 'models' } });
      }
      const reply = await client.request({ path: '/models', query: { pageSize: 1 } }, signal);
      expectOk(client, reply, policy);
      const listing = client.json(reply);
      if (!isRecord(listing) || !Array.isArray(listing.models)) failWith(UNEXPECTED_SHAPE('Gemini', reply.what, 'a models array'));
      return llmOutcome([], reply, rateLimitWarnRatio, { details: { probe: 'models' } });
    }),
  });
}
