import { defineCheck, type Finding, type HealthCheck } from '../../engine/check.js';
import { validateCheckOptions } from '../../validation/check-options-validation.js';
import { failWith, guardHttp, HttpClient } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord } from '../vendor-api/vendor-api-status.js';
import { UNEXPECTED_SHAPE } from '../vendor-api/messages.js';
import { llmOutcome, llmPolicy, validateLlm, type LlmCheckOptions } from './llm-provider.js';
import { COMPLETION_EMPTY, MODEL_NOT_FOUND, OLLAMA_MODEL_NOT_LOADED, OLLAMA_MODEL_NOT_PULLED } from './messages.js';

/** Options of {@link ollamaCheck}: the common LLM-provider options, with Ollama's URL and an optional API key. */
export interface OllamaCheckOptions extends Omit<LlmCheckOptions, 'apiKey'> {
  /** Only for an Ollama behind an authenticating proxy (sent as `Authorization: Bearer`). */
  apiKey?: string;
  /** URL of the Ollama server. @default 'http://127.0.0.1:11434' */
  baseUrl?: string;
  /**
   * Warn when `model` is pulled but not loaded in memory (`GET /api/ps`). Ollama unloads idle
   * models after `keep_alive` (5 minutes by default), so this is off unless the app keeps its model warm.
   * @default false
   */
  warnWhenNotLoaded?: boolean;
}

/**
 * Ollama: `GET /api/version`; `model` must be pulled (`GET /api/tags`; `llama3` matches
 * `llama3:latest`); optionally warn when it is not loaded (`GET /api/ps`). With
 * `probe: 'completion'`, `POST /api/generate` with `num_predict: 1` (which also loads the model).
 *
 * @default name `ollama`, critical `false`, timeoutMs 3000, cacheTtlMs 30000 (300000 and
 *   refreshInBackground for the completion probe)
 * @example
 * ollamaCheck({ baseUrl: 'http://ollama:11434', model: 'llama3.2', warnWhenNotLoaded: true })
 */
export function ollamaCheck(options: OllamaCheckOptions = {}): HealthCheck {
  validateCheckOptions('ollamaCheck', options, (problems, o) => {
    validateLlm(problems, o, { apiKeyRequired: false });
    problems.boolean('warnWhenNotLoaded', o.warnWhenNotLoaded);
  });
  const { model } = options;
  const auth = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;
  const client = new HttpClient({
    vendor: 'Ollama',
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:11434',
    headers: { authorization: auth },
    secrets: [options.apiKey],
  });
  const matches = (name: unknown): boolean => typeof name === 'string' && model !== undefined && (name === model || name === `${model}:latest`);

  return defineCheck({
    name: 'ollama',
    componentType: 'component',
    ...llmPolicy(options, options.probe === 'completion'),
    secrets: client.secrets,
    run: guardHttp(async ({ signal }) => {
      const versionReply = await client.request({ path: '/api/version' }, signal);
      expectOk(client, versionReply);
      const version = (client.json(versionReply) as { version?: unknown }).version;
      if (typeof version !== 'string') failWith(UNEXPECTED_SHAPE('Ollama', versionReply.what, 'a version'));
      const details = { version, model, probe: options.probe ?? 'models' };
      if (model === undefined) return llmOutcome([], versionReply, undefined, { observedValue: version, details });

      if (options.probe === 'completion') {
        const body = { model, prompt: 'ping', stream: false, options: { num_predict: 1 } };
        const reply = await client.request({ method: 'POST', path: '/api/generate', body }, signal);
        expectOk(client, reply, { notFound: MODEL_NOT_FOUND('Ollama', model) });
        const parsed = client.json(reply);
        if (!isRecord(parsed) || parsed.done !== true) failWith(COMPLETION_EMPTY('Ollama', reply.what));
        return llmOutcome([], reply, undefined, { observedValue: version, details });
      }

      const tagsReply = await client.request({ path: '/api/tags' }, signal);
      expectOk(client, tagsReply);
      const pulled = modelNames(client.json(tagsReply));
      if (!pulled) failWith(UNEXPECTED_SHAPE('Ollama', tagsReply.what, 'a models array'));
      const findings: Finding[] = [];
      if (!pulled.some(matches)) {
        findings.push({ status: 'fail', message: OLLAMA_MODEL_NOT_PULLED(model, pulled) });
        return llmOutcome(findings, tagsReply, undefined, { observedValue: version, details });
      }

      const psReply = await client.request({ path: '/api/ps' }, signal);
      expectOk(client, psReply);
      const running = modelNames(client.json(psReply));
      if (!running) failWith(UNEXPECTED_SHAPE('Ollama', psReply.what, 'a models array'));
      const loaded = running.some(matches);
      if (!loaded && options.warnWhenNotLoaded) findings.push({ status: 'warn', message: OLLAMA_MODEL_NOT_LOADED(model) });
      return llmOutcome(findings, psReply, undefined, {
        observedValue: version,
        measurements: { loadedModels: running.length },
        details: { ...details, loaded },
      });
    }),
  });
}

/** `name` (and `model`) of each entry of `/api/tags` or `/api/ps`. */
function modelNames(body: unknown): string[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.models)) return undefined;
  return [...new Set(body.models.filter(isRecord).flatMap((m) => [m.name, m.model].filter((n): n is string => typeof n === 'string')))];
}
