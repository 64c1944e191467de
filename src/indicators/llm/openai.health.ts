import { defineCheck, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { llmOutcome, llmPolicy, OneTokenCompletion, validateLlm, type LlmCheckOptions } from './llm-provider.js';
import { MODEL_NOT_FOUND, MODEL_NOT_LISTED, MODEL_SHUT_DOWN, MODEL_SHUTS_DOWN } from './messages.js';

export interface OpenAiCheckOptions extends LlmCheckOptions {
  /**
   * OpenAI, or any OpenAI-compatible server (vLLM, LiteLLM, LM Studio, Groq, Together...).
   * @default 'https://api.openai.com/v1'
   */
  baseUrl?: string;
  /** Warn when the model's `shutdown_date` is this close (a past date fails). @default 30 */
  shutdownWarningDays?: number;
  /** Sent as `OpenAI-Organization`. */
  organization?: string;
}

const DAY_MS = 86_400_000;

/**
 * OpenAI and OpenAI-compatible servers: `GET {baseUrl}/models` with `Authorization: Bearer`;
 * `model` must be listed, and a `shutdown_date` within `shutdownWarningDays` warns. With
 * `probe: 'completion'`, `POST {baseUrl}/chat/completions` asks `model` for one token instead.
 * Rate-limit headers (`x-ratelimit-remaining-*` vs `x-ratelimit-limit-*`) under the ratio warn.
 *
 * @default name `openai`, critical `false`, timeoutMs 3000, cacheTtlMs 30000 (300000 and
 *   refreshInBackground for the completion probe)
 * @example
 * openaiCheck({ apiKey: process.env.OPENAI_API_KEY!, model: 'gpt-4o-mini' })
 * openaiCheck({ baseUrl: 'http://vllm:8000/v1', apiKey: 'EMPTY', model: 'meta-llama/Llama-3.1-8B-Instruct', name: 'vllm' })
 */
export function openaiCheck(options: OpenAiCheckOptions): HealthCheck {
  validateCheckOptions('openaiCheck', options, (problems, o) => {
    validateLlm(problems, o);
    problems.number('shutdownWarningDays', o.shutdownWarningDays, { min: 0 });
    problems.string('organization', o.organization);
  });
  const { model, rateLimitWarnRatio } = options;
  const warningDays = options.shutdownWarningDays ?? 30;
  const client = new HttpClient({
    vendor: 'OpenAI',
    baseUrl: options.baseUrl ?? 'https://api.openai.com/v1',
    headers: { authorization: `Bearer ${options.apiKey}`, 'openai-organization': options.organization },
    secrets: [options.apiKey],
  });
  const notFound = model === undefined ? {} : { notFound: MODEL_NOT_FOUND('OpenAI', model) };
  const completion = model === undefined ? undefined : new OneTokenCompletion(client, { path: '/chat/completions' }, { model }, notFound);

  return defineCheck({
    name: 'openai',
    componentType: 'component',
    ...llmPolicy(options, options.probe === 'completion'),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      if (options.probe === 'completion' && completion) {
        const reply = await completion.send(signal);
        return llmOutcome([], reply, rateLimitWarnRatio, { details: { model, probe: 'completion' } });
      }
      const reply = await client.request({ path: '/models' }, signal);
      expectOk(client, reply, {});
      const list = (client.json(reply) as { data?: unknown }).data;
      if (!Array.isArray(list)) failWith(UNEXPECTED_SHAPE('OpenAI', reply.what, 'a data array'));
      const models = list.filter(isRecord);
      const findings: Finding[] = [];
      if (model !== undefined) {
        const entry = models.find((m) => m.id === model);
        if (!entry) findings.push({ status: 'fail', message: MODEL_NOT_LISTED('OpenAI', model, models.length) });
        else if (typeof entry.shutdown_date === 'string') findings.push(shutdownFinding(model, entry.shutdown_date, warningDays));
      }
      return llmOutcome(findings, reply, rateLimitWarnRatio, {
        observedValue: models.length,
        observedUnit: 'models',
        details: { model, probe: 'models' },
      });
    }),
  });
}

function shutdownFinding(model: string, date: string, warningDays: number): Finding {
  const at = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(at)) return { status: 'pass', message: '' };
  const days = Math.ceil((at - Date.now()) / DAY_MS);
  if (days <= 0) return { status: 'fail', message: MODEL_SHUT_DOWN(model, date) };
  if (days <= warningDays) return { status: 'warn', message: MODEL_SHUTS_DOWN(model, date, days) };
  return { status: 'pass', message: '' };
}
