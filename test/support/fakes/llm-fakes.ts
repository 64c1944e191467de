import type { FakeReply, FakeRequest } from './fake-server';
import { bearer, header, RETRY_AFTER_SECONDS, type Scenario, type VendorSpec } from './vendor-route';

/**
 * Fakes of the LLM providers' documented HTTP APIs: paths, auth headers, bodies and error shapes.
 * `not-found` removes the configured model; `rate-limit-low` leaves 3 requests of the window.
 */
const DAY_MS = 86_400_000;
const isoDate = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

export const OPENAI_MODEL = 'gpt-4o-mini';
/** `gpt-4o-mini-tts` stands for any model with an announced shutdown in 10 days; `gpt-3.5-turbo-0301` for a past one. */
export const OPENAI_SHUTTING_DOWN = 'gpt-4o-mini-tts';
export const OPENAI_RETIRED = 'gpt-3.5-turbo-0301';
/** A model that rejects `max_tokens` like OpenAI's reasoning models. */
export const OPENAI_REASONING = 'o4-mini';

const openAiError = (message: string, status: number) => ({
  error: {
    message,
    type: status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error',
    param: null,
    code: status === 401 ? 'invalid_api_key' : status === 404 ? 'model_not_found' : status === 429 ? 'rate_limit_exceeded' : null,
  },
});

const rateHeaders = (scenario: Scenario) => ({
  'x-ratelimit-limit-requests': '5000',
  'x-ratelimit-remaining-requests': scenario === 'rate-limit-low' ? '3' : '4999',
  'x-ratelimit-limit-tokens': '160000',
  'x-ratelimit-remaining-tokens': '159976',
});

/** OpenAI's chat completion answer to a one-token request; rejects `max_tokens` for reasoning models. */
function chatCompletion(request: FakeRequest, scenario: Scenario, known: (model: string) => boolean, model?: string): FakeReply {
  const body = request.body as { model?: string; max_tokens?: number; max_completion_tokens?: number; messages?: unknown[] };
  const name = model ?? body.model ?? '';
  if (scenario === 'not-found' || !known(name)) {
    return { status: 404, body: openAiError(`The model \`${name}\` does not exist or you do not have access to it.`, 404) };
  }
  if ((name === OPENAI_REASONING || scenario === 'reasoning') && body.max_tokens !== undefined) {
    return {
      status: 400,
      body: {
        error: {
          message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          type: 'invalid_request_error',
          param: 'max_tokens',
          code: 'unsupported_parameter',
        },
      },
    };
  }
  if (!Array.isArray(body.messages) || (body.max_tokens ?? body.max_completion_tokens) !== 1) return { status: 400, body: openAiError('bad request', 400) };
  return {
    headers: rateHeaders(scenario),
    body: {
      id: 'chatcmpl-123',
      object: 'chat.completion',
      created: 1732180000,
      model: name,
      choices: [{ index: 0, message: { role: 'assistant', content: 'P' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
    },
  };
}

/** OpenAI (and compatible servers) under `/v1`: `Authorization: Bearer`. */
export const openaiSpec: VendorSpec = {
  presented: bearer,
  error: openAiError,
  isMain: (r) => r.path === '/v1/models' || r.path === '/v1/chat/completions',
  answer: (r, scenario) => {
    const models = [
      { id: OPENAI_MODEL, shutdown_date: null },
      { id: OPENAI_SHUTTING_DOWN, shutdown_date: isoDate(10) },
      { id: OPENAI_RETIRED, shutdown_date: isoDate(-3) },
      { id: OPENAI_REASONING },
    ].filter((m) => scenario !== 'not-found' || m.id !== OPENAI_MODEL);
    if (r.method === 'GET' && r.path === '/v1/models') {
      return { headers: rateHeaders(scenario), body: { object: 'list', data: models.map((m) => ({ ...m, object: 'model', created: 1686935002, owned_by: 'openai' })) } };
    }
    if (r.method === 'POST' && r.path === '/v1/chat/completions') return chatCompletion(r, scenario, (name) => models.some((m) => m.id === name));
    return undefined;
  },
};

export const ANTHROPIC_MODEL = 'claude-sonnet-4-5';
export const ANTHROPIC_ALIAS = 'claude-sonnet-latest';
const ANTHROPIC_MODELS = ['claude-opus-4-1', 'claude-haiku-4-5', 'claude-3-7-sonnet-20250219', ANTHROPIC_MODEL];

const anthropicError = (message: string, status: number) => ({
  type: 'error',
  error: {
    type:
      status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error',
    message,
  },
  request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy',
});

const anthropicRate = (scenario: Scenario) => ({
  'anthropic-ratelimit-requests-limit': '50',
  'anthropic-ratelimit-requests-remaining': scenario === 'rate-limit-low' ? '3' : '49',
  'anthropic-ratelimit-requests-reset': new Date(Date.now() + 60_000).toISOString(),
});

/**
 * Anthropic: `x-api-key` + `anthropic-version`; the listing answers at most 2 models a page so
 * that pagination (`has_more`, `last_id` → `after_id`) is exercised.
 */
export const anthropicSpec: VendorSpec = {
  presented: (r) => header(r, 'x-api-key'),
  error: anthropicError,
  isMain: (r) => r.path === '/v1/models',
  overrides: { overloaded: () => ({ status: 529, body: anthropicError('Overloaded', 529) }) },
  answer: (r, scenario) => {
    if (!header(r, 'anthropic-version')) return { status: 400, body: anthropicError('anthropic-version: header is required', 400) };
    const models = ANTHROPIC_MODELS.filter((id) => scenario !== 'not-found' || id !== ANTHROPIC_MODEL);
    const info = (id: string) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' });
    if (r.path === '/v1/models') {
      const after = r.query.get('after_id');
      const start = after ? models.indexOf(after) + 1 : 0;
      const page = models.slice(start, start + Math.min(Number(r.query.get('limit') ?? 20), 2));
      return {
        headers: anthropicRate(scenario),
        body: { data: page.map(info), has_more: start + page.length < models.length, first_id: page[0] ?? null, last_id: page.at(-1) ?? null },
      };
    }
    if (r.path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(r.path.slice('/v1/models/'.length));
      const resolved = id === ANTHROPIC_ALIAS && scenario !== 'not-found' ? ANTHROPIC_MODEL : id;
      if (!models.includes(resolved)) return { status: 404, body: anthropicError(`model: ${id}`, 404) };
      return { headers: anthropicRate(scenario), body: info(resolved) };
    }
    if (r.method === 'POST' && r.path === '/v1/messages') {
      const body = r.body as { model?: string; max_tokens?: number };
      if (!models.includes(body.model ?? '')) return { status: 404, body: anthropicError(`model: ${body.model}`, 404) };
      return {
        headers: anthropicRate(scenario),
        body: { id: 'msg_01', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'P' }], stop_reason: 'max_tokens', usage: { input_tokens: 8, output_tokens: 1 } },
      };
    }
    return undefined;
  },
};

export const AZURE_DEPLOYMENT = 'gpt-4o-prod';
export const AZURE_API_VERSION = '2024-10-21';

/** Azure OpenAI: `api-key` header, `api-version` query, deployments under `/openai/deployments/{name}`. */
export const azureSpec: VendorSpec = {
  presented: (r) => header(r, 'api-key'),
  error: (message, status) => ({ error: { code: status === 404 ? 'DeploymentNotFound' : String(status), message } }),
  isMain: (r) => r.path.startsWith('/openai/deployments/') || r.path === '/openai/models',
  answer: (r, scenario) => {
    if (!r.query.get('api-version')) return { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
    if (r.method === 'GET' && r.path === '/openai/models') return { body: { object: 'list', data: [{ id: 'gpt-4o', object: 'model', status: 'succeeded' }] } };
    const match = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(r.path);
    if (!match || r.method !== 'POST') return undefined;
    if (scenario === 'not-found' || match[1] !== AZURE_DEPLOYMENT) {
      return {
        status: 404,
        body: { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } },
      };
    }
    if (match[2] === 'embeddings') return { body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.01, -0.02] }], model: 'text-embedding-3-small' } };
    const reply = chatCompletion(r, scenario, () => true, 'gpt-4o');
    return { ...reply, headers: { 'x-ratelimit-remaining-requests': '99', 'x-ratelimit-remaining-tokens': '9990' } };
  },
};

export const GEMINI_MODEL = 'gemini-2.5-flash';

const geminiStatus = (status: number) =>
  status === 400 ? 'INVALID_ARGUMENT' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'RESOURCE_EXHAUSTED' : status >= 500 ? 'UNAVAILABLE' : 'UNKNOWN';

/**
 * Gemini (`/v1beta`): `x-goog-api-key`; errors `{ error: { code, message, status, details } }`; an
 * invalid key is 400 INVALID_ARGUMENT with reason API_KEY_INVALID; 429 carries a RetryInfo.
 */
export const geminiSpec: VendorSpec = {
  presented: (r) => header(r, 'x-goog-api-key'),
  authStatus: 400,
  error: (message, status) => ({
    error: {
      code: status,
      message: status === 400 ? `API key not valid. Please pass a valid API key. (${message})` : message,
      status: geminiStatus(status),
      ...(status === 400
        ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }] }
        : {}),
    },
  }),
  isMain: (r) => r.path.startsWith('/v1beta/models'),
  overrides: {
    'rate-limited': () => ({
      status: 429,
      body: {
        error: {
          code: 429,
          message: 'You exceeded your current quota, please check your plan and billing details.',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${RETRY_AFTER_SECONDS}s` }],
        },
      },
    }),
  },
  answer: (r, scenario) => {
    const model = { name: `models/${GEMINI_MODEL}`, version: '001', displayName: 'Gemini 2.5 Flash', inputTokenLimit: 1048576, outputTokenLimit: 65536, supportedGenerationMethods: ['generateContent'] };
    if (r.path === '/v1beta/models') return { body: { models: [model], nextPageToken: 'next' } };
    const match = /^\/v1beta\/models\/([^/:]+)(:generateContent)?$/.exec(r.path);
    if (!match) return undefined;
    if (scenario === 'not-found' || match[1] !== GEMINI_MODEL) {
      return { status: 404, body: { error: { code: 404, message: `models/${match[1]} is not found for API version v1beta`, status: 'NOT_FOUND' } } };
    }
    if (!match[2]) return { body: model };
    return { body: { candidates: [{ content: { parts: [{ text: 'P' }], role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 } } };
  },
};

export const OLLAMA_MODEL = 'llama3.2';

/** Ollama: no auth of its own (the key here is an authenticating proxy's); errors `{ error }`. */
export const ollamaSpec: VendorSpec = {
  presented: bearer,
  error: (message) => ({ error: message }),
  isMain: (r) => r.path === '/api/tags',
  answer: (r, scenario) => {
    const entry = { name: `${OLLAMA_MODEL}:latest`, model: `${OLLAMA_MODEL}:latest`, size: 2019393189, digest: 'a80c4f17acd5', details: { family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' } };
    if (r.path === '/api/version') return { body: { version: '0.12.3' } };
    if (r.path === '/api/tags') return { body: { models: scenario === 'not-found' ? [] : [{ ...entry, modified_at: '2025-10-01T10:00:00Z' }] } };
    if (r.path === '/api/ps') {
      return { body: { models: scenario === 'not-loaded' ? [] : [{ ...entry, expires_at: new Date(Date.now() + 300_000).toISOString(), size_vram: 2019393189 }] } };
    }
    if (r.method === 'POST' && r.path === '/api/generate') {
      const body = r.body as { model?: string; stream?: boolean; options?: { num_predict?: number } };
      if (body.model !== OLLAMA_MODEL || scenario === 'not-found') return { status: 404, body: { error: `model '${body.model}' not found` } };
      if (body.stream !== false || body.options?.num_predict !== 1) return { status: 400, body: { error: 'expected a one-token, non-streaming request' } };
      return { body: { model: body.model, created_at: new Date().toISOString(), response: 'P', done: true, done_reason: 'length' } };
    }
    return undefined;
  },
};
