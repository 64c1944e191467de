import type { HealthCheck, HealthStatus } from 'nestjs-deep-health';
import { anthropicCheck, azureOpenaiCheck, geminiCheck, ollamaCheck, openaiCheck } from 'nestjs-deep-health/llm';
import { evaluator, transportFailureTests } from '../../support/check-harness';
import { FakeServer } from '../../support/fakes/fake-server';
import {
  ANTHROPIC_ALIAS,
  ANTHROPIC_MODEL,
  anthropicSpec,
  AZURE_API_VERSION,
  AZURE_DEPLOYMENT,
  azureSpec,
  GEMINI_MODEL,
  geminiSpec,
  OLLAMA_MODEL,
  ollamaSpec,
  OPENAI_MODEL,
  OPENAI_REASONING,
  OPENAI_RETIRED,
  OPENAI_SHUTTING_DOWN,
  openaiSpec,
} from '../../support/fakes/llm-fakes';
import { vendorRoute, type Scenario, type VendorSpec } from '../../support/fakes/vendor-route';
import { SecretScan } from '../../support/secret-scan';

// Deliberately not shaped like a well-known key (sk-...), so only the checks' own redaction can hide it.
const KEY = 'llm-test-4c9e1f7a2b6d8e0f3a5c';
const scan = new SecretScan([KEY]);
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

const requests = () => fake.requests.map((r) => `${r.method} ${r.path}`);
type Expectation = [HealthStatus, RegExp | undefined];
interface ProviderCase {
  provider: string;
  spec: VendorSpec;
  make(base: string, extra?: { timeoutMs?: number }): HealthCheck;
  expected: Record<'healthy' | 'auth' | 'not-found' | 'rate-limited' | 'server-error' | 'malformed', Expectation>;
}

const PROVIDERS: ProviderCase[] = [
  {
    provider: 'OpenAI',
    spec: openaiSpec,
    make: (base, extra) => openaiCheck({ baseUrl: `${base}/v1`, apiKey: KEY, model: OPENAI_MODEL, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^OpenAI API key rejected \(HTTP 401\): Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^OpenAI does not list model "gpt-4o-mini" \(3 models available to this key\)$/],
      'rate-limited': ['warn', /^OpenAI rate limited \(HTTP 429\), retry after 7 s: Rate limit reached for requests$/],
      'server-error': ['fail', /^OpenAI server error \(HTTP 503\): upstream unavailable \(key \*\*\*\)$/],
      malformed: ['fail', /^OpenAI answered GET \/v1\/models with malformed JSON \(HTTP 200\)$/],
    },
  },
  {
    provider: 'Anthropic',
    spec: anthropicSpec,
    make: (base, extra) => anthropicCheck({ baseUrl: base, apiKey: KEY, model: ANTHROPIC_MODEL, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^Anthropic API key rejected \(HTTP 401\): Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^Anthropic model "claude-sonnet-4-5" not found \(HTTP 404\): model: claude-sonnet-4-5$/],
      'rate-limited': ['warn', /^Anthropic rate limited \(HTTP 429\), retry after 7 s/],
      'server-error': ['fail', /^Anthropic server error \(HTTP 503\)/],
      malformed: ['fail', /^Anthropic answered GET \/v1\/models with malformed JSON \(HTTP 200\)$/],
    },
  },
  {
    provider: 'Azure OpenAI',
    spec: azureSpec,
    make: (base, extra) => azureOpenaiCheck({ endpoint: base, apiKey: KEY, deployment: AZURE_DEPLOYMENT, cacheTtlMs: 0, refreshInBackground: false, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^Azure OpenAI API key rejected \(HTTP 401\): Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^Azure OpenAI deployment "gpt-4o-prod" not found \(HTTP 404\): The API deployment for this resource does not exist/],
      'rate-limited': ['warn', /^Azure OpenAI rate limited \(HTTP 429\), retry after 7 s/],
      'server-error': ['fail', /^Azure OpenAI server error \(HTTP 503\)/],
      malformed: ['fail', /^Azure OpenAI answered POST \/openai\/deployments\/gpt-4o-prod\/chat\/completions with malformed JSON \(HTTP 200\)$/],
    },
  },
  {
    provider: 'Gemini',
    spec: geminiSpec,
    make: (base, extra) => geminiCheck({ baseUrl: `${base}/v1beta`, apiKey: KEY, model: GEMINI_MODEL, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      // Google answers an invalid key with 400 INVALID_ARGUMENT / API_KEY_INVALID, not 401.
      auth: ['fail', /^Gemini API key rejected \(HTTP 400\): API key not valid\. Please pass a valid API key\. \(Incorrect API key provided: \*\*\*\)$/],
      'not-found': ['fail', /^Gemini model "gemini-2.5-flash" not found \(HTTP 404\): models\/gemini-2\.5-flash is not found/],
      // Retry delay from the RetryInfo in the body: Google sends no Retry-After header.
      'rate-limited': ['warn', /^Gemini rate limited \(HTTP 429\), retry after 7 s: You exceeded your current quota/],
      'server-error': ['fail', /^Gemini server error \(HTTP 503\)/],
      malformed: ['fail', /^Gemini answered GET \/v1beta\/models\/gemini-2\.5-flash with malformed JSON \(HTTP 200\)$/],
    },
  },
  {
    provider: 'Ollama',
    spec: ollamaSpec,
    make: (base, extra) => ollamaCheck({ baseUrl: base, apiKey: KEY, model: OLLAMA_MODEL, ...extra }),
    expected: {
      healthy: ['pass', undefined],
      auth: ['fail', /^Ollama API key rejected \(HTTP 401\): Incorrect API key provided: \*\*\*$/],
      'not-found': ['fail', /^Ollama model "llama3\.2" is not pulled \(available: none\); run `ollama pull llama3\.2`$/],
      'rate-limited': ['warn', /^Ollama rate limited \(HTTP 429\), retry after 7 s/],
      'server-error': ['fail', /^Ollama server error \(HTTP 503\)/],
      malformed: ['fail', /^Ollama answered GET \/api\/tags with malformed JSON \(HTTP 200\)$/],
    },
  },
];

describe.each(PROVIDERS)('$provider check against a loopback fake of its API', ({ spec, make, expected }) => {
  it.each(Object.keys(expected) as (keyof typeof expected)[])('%s', async (scenario) => {
    fake.reset(vendorRoute(spec, scenario, KEY));
    const result = await evaluate(make(fake.url));
    const [status, output] = expected[scenario];
    expect({ status: result.status, output: result.output }).toEqual({ status, output: output ? expect.stringMatching(output) : undefined });
    expect(result.critical).toBe(false);
  });

  transportFailureTests({ fake: () => fake, spec, key: KEY, make, evaluate });
});

describe('OpenAI and compatible servers', () => {
  const check = (extra: Partial<Parameters<typeof openaiCheck>[0]> = {}) => openaiCheck({ baseUrl: `${fake.url}/v1`, apiKey: KEY, model: OPENAI_MODEL, ...extra });

  it('sends the key as a Bearer token to {baseUrl}/models and measures the rate-limit headroom', async () => {
    fake.reset(vendorRoute(openaiSpec, 'healthy', KEY));
    const result = await evaluate(check({ organization: 'org-acme' }));
    expect(requests()).toEqual(['GET /v1/models']);
    expect(fake.requests[0]!.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'openai-organization': 'org-acme' });
    expect(result).toMatchObject({
      status: 'pass',
      observedValue: 4,
      observedUnit: 'models',
      measurements: { rateLimitRemainingRequests: 4999, rateLimitLimitRequests: 5000, rateLimitRemainingTokens: 159976, rateLimitLimitTokens: 160000 },
    });
  });

  it.each([
    ['a shutdown date within 30 days warns', OPENAI_SHUTTING_DOWN, {}, 'warn', /^model "gpt-4o-mini-tts" shuts down on \d{4}-\d\d-\d\d \(in 10 days\)$/],
    ['a shutdown date further than shutdownWarningDays passes', OPENAI_SHUTTING_DOWN, { shutdownWarningDays: 5 }, 'pass', undefined],
    ['a past shutdown date fails', OPENAI_RETIRED, {}, 'fail', /^model "gpt-3\.5-turbo-0301" was shut down on/],
  ] as const)('%s', async (_title, model, extra, status, output) => {
    fake.reset(vendorRoute(openaiSpec, 'healthy', KEY));
    const result = await evaluate(check({ model, ...extra }));
    expect(result.status).toBe(status);
    expect(result.output).toEqual(output ? expect.stringMatching(output) : undefined);
  });

  it('warns when the remaining requests fall under the ratio', async () => {
    fake.reset(vendorRoute(openaiSpec, 'rate-limit-low', KEY));
    const result = await evaluate(check());
    expect(result).toMatchObject({ status: 'warn', output: 'only 3 of 5000 requests left in the current rate-limit window' });
  });

  it('completion probe: one token, retried once with max_completion_tokens, which is then remembered', async () => {
    fake.reset(vendorRoute(openaiSpec, 'healthy', KEY));
    const probe = check({ model: OPENAI_REASONING, probe: 'completion', cacheTtlMs: 0, refreshInBackground: false });
    expect((await evaluate(probe)).status).toBe('pass');
    expect(fake.requests.map((r) => Object.keys(r.body as object).filter((k) => k.startsWith('max')))).toEqual([['max_tokens'], ['max_completion_tokens']]);
    expect(fake.requests[1]!.body).toMatchObject({ model: OPENAI_REASONING, messages: [{ role: 'user', content: 'ping' }], max_completion_tokens: 1 });
    fake.reset();
    expect((await evaluate(probe)).status).toBe('pass');
    expect(requests()).toEqual(['POST /v1/chat/completions']);
    expect(fake.requests[0]!.body).toMatchObject({ max_completion_tokens: 1 });
  });

  it('completion probe of an unknown model fails with the provider 404', async () => {
    fake.reset(vendorRoute(openaiSpec, 'healthy', KEY));
    const result = await evaluate(check({ model: 'gpt-nope', probe: 'completion' }));
    expect(result).toMatchObject({ status: 'fail', output: 'OpenAI model "gpt-nope" not found (HTTP 404): The model `gpt-nope` does not exist or you do not have access to it.' });
  });

  it('completion probe defaults: 5 minute cache, refreshed in the background', () => {
    // Suggestions: the user's options and the module defaults win over them.
    expect(check({ probe: 'completion' })).toMatchObject({ critical: false, suggested: { timeoutMs: 3000, cacheTtlMs: 300000 }, refreshInBackground: true });
    expect(check()).toMatchObject({ critical: false, suggested: { timeoutMs: 3000, cacheTtlMs: 30000 }, refreshInBackground: false });
  });
});

describe('Anthropic', () => {
  it('follows pagination with after_id until the model is found, with x-api-key and anthropic-version', async () => {
    fake.reset(vendorRoute(anthropicSpec, 'healthy', KEY));
    const result = await evaluate(anthropicCheck({ baseUrl: fake.url, apiKey: KEY, model: ANTHROPIC_MODEL }));
    expect(result).toMatchObject({ status: 'pass', observedValue: 4, measurements: { rateLimitRemainingRequests: 49, rateLimitLimitRequests: 50 } });
    expect(fake.requests.map((r) => r.query.get('after_id'))).toEqual([null, 'claude-haiku-4-5']);
    for (const request of fake.requests) expect(request.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
  });

  it('resolves an alias that the listing does not show through GET /v1/models/{id}', async () => {
    fake.reset(vendorRoute(anthropicSpec, 'healthy', KEY));
    const result = await evaluate(anthropicCheck({ baseUrl: fake.url, apiKey: KEY, model: ANTHROPIC_ALIAS }));
    expect(result).toMatchObject({ status: 'pass', details: { resolvedModel: ANTHROPIC_MODEL } });
    expect(requests().at(-1)).toBe(`GET /v1/models/${ANTHROPIC_ALIAS}`);
  });

  it.each([
    ['529 overloaded fails', 'overloaded', 'fail', /^Anthropic overloaded \(HTTP 529\): Overloaded$/],
    ['low request headroom warns', 'rate-limit-low', 'warn', /^only 3 of 50 requests left/],
  ] as const)('%s', async (_title, scenario, status, output) => {
    fake.reset(vendorRoute(anthropicSpec, scenario, KEY));
    const result = await evaluate(anthropicCheck({ baseUrl: fake.url, apiKey: KEY, model: ANTHROPIC_MODEL }));
    expect(result.status).toBe(status);
    expect(result.output).toMatch(output);
  });

  it('completion probe posts a one-token message', async () => {
    fake.reset(vendorRoute(anthropicSpec, 'healthy', KEY));
    const result = await evaluate(anthropicCheck({ baseUrl: fake.url, apiKey: KEY, model: ANTHROPIC_MODEL, probe: 'completion' }));
    expect(result.status).toBe('pass');
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', body: { model: ANTHROPIC_MODEL, max_tokens: 1 } });
  });
});

describe('Azure OpenAI', () => {
  const check = (extra: Partial<Parameters<typeof azureOpenaiCheck>[0]> = {}) =>
    azureOpenaiCheck({ endpoint: fake.url, apiKey: KEY, deployment: AZURE_DEPLOYMENT, cacheTtlMs: 0, refreshInBackground: false, ...extra });

  it('proves the deployment with a one-token completion on its path, api-key header and api-version query', async () => {
    fake.reset(vendorRoute(azureSpec, 'healthy', KEY));
    expect((await evaluate(check())).status).toBe('pass');
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `/openai/deployments/${AZURE_DEPLOYMENT}/chat/completions`, headers: { 'api-key': KEY } });
    expect(fake.requests[0]!.query.get('api-version')).toBe(AZURE_API_VERSION);
    expect(fake.requests[0]!.body).toMatchObject({ max_tokens: 1 });
  });

  it('retries once with max_completion_tokens on unsupported_parameter', async () => {
    fake.reset(vendorRoute(azureSpec, 'reasoning', KEY));
    expect((await evaluate(check())).status).toBe('pass');
    expect(fake.requests.map((r) => Object.keys(r.body as object).find((k) => k.startsWith('max')))).toEqual(['max_tokens', 'max_completion_tokens']);
  });

  it.each([
    ['embedding', `POST /openai/deployments/${AZURE_DEPLOYMENT}/embeddings`],
    ['models', 'GET /openai/models'],
  ] as const)('probe %s', async (probe, request) => {
    fake.reset(vendorRoute(azureSpec, 'healthy', KEY));
    expect((await evaluate(check({ probe }))).status).toBe('pass');
    expect(requests()).toEqual([request]);
  });

  it('models probe does not prove the deployment: a missing deployment still passes (documented)', async () => {
    fake.reset(vendorRoute(azureSpec, 'not-found', KEY));
    expect((await evaluate(check({ probe: 'models' }))).status).toBe('pass');
  });

  it('defaults: the deployment probe is cached 5 minutes and refreshed in the background', () => {
    expect(azureOpenaiCheck({ endpoint: 'https://r.openai.azure.com', apiKey: KEY, deployment: 'd' })).toMatchObject({
      name: 'azure-openai',
      critical: false,
      suggested: { timeoutMs: 3000, cacheTtlMs: 300000 },
      refreshInBackground: true,
    });
    expect(azureOpenaiCheck({ endpoint: 'https://r.openai.azure.com', apiKey: KEY, deployment: 'd', probe: 'models' })).toMatchObject({ suggested: { cacheTtlMs: 30000 } });
  });
});

describe('Gemini', () => {
  it('sends the key in x-goog-api-key and never in the URL', async () => {
    fake.reset(vendorRoute(geminiSpec, 'healthy', KEY));
    await evaluate(geminiCheck({ baseUrl: `${fake.url}/v1beta`, apiKey: KEY, model: `models/${GEMINI_MODEL}` }));
    await evaluate(geminiCheck({ baseUrl: `${fake.url}/v1beta`, apiKey: KEY }));
    await evaluate(geminiCheck({ baseUrl: `${fake.url}/v1beta`, apiKey: KEY, model: GEMINI_MODEL, probe: 'completion' }));
    expect(requests()).toEqual(['GET /v1beta/models/gemini-2.5-flash', 'GET /v1beta/models', 'POST /v1beta/models/gemini-2.5-flash:generateContent']);
    for (const request of fake.requests) {
      expect(request.headers['x-goog-api-key']).toBe(KEY);
      expect([...request.query.values()]).not.toContain(KEY);
    }
    expect(fake.requests[2]!.body).toMatchObject({ generationConfig: { maxOutputTokens: 1 } });
  });
});

describe('Ollama', () => {
  const check = (extra: Partial<Parameters<typeof ollamaCheck>[0]> = {}) => ollamaCheck({ baseUrl: fake.url, model: OLLAMA_MODEL, ...extra });

  it('checks version, pulled model ("llama3.2" matches "llama3.2:latest") and loaded models', async () => {
    fake.reset(vendorRoute(ollamaSpec, 'healthy', undefined));
    const result = await evaluate(check());
    expect(requests()).toEqual(['GET /api/version', 'GET /api/tags', 'GET /api/ps']);
    expect(result).toMatchObject({ status: 'pass', observedValue: '0.12.3', details: { loaded: true } });
  });

  it.each([
    ['not loaded passes by default', {}, 'pass', undefined],
    ['not loaded warns with warnWhenNotLoaded', { warnWhenNotLoaded: true }, 'warn', /^Ollama model "llama3\.2" is not loaded in memory/],
  ] as const)('%s', async (_title, extra, status, output) => {
    fake.reset(vendorRoute(ollamaSpec, 'not-loaded', undefined));
    const result = await evaluate(check(extra));
    expect(result.status).toBe(status);
    expect(result.output).toEqual(output ? expect.stringMatching(output) : undefined);
  });

  it('completion probe generates one token without streaming', async () => {
    fake.reset(vendorRoute(ollamaSpec, 'healthy', undefined));
    expect((await evaluate(check({ probe: 'completion' }))).status).toBe('pass');
    expect(requests()).toEqual(['GET /api/version', 'POST /api/generate']);
  });
});

describe('secrets', () => {
  it('rejects bad options with one TypeError, naming the key only by its type', () => {
    let error: unknown;
    try {
      openaiCheck({ apiKey: '', baseUrl: `https://api.example.com/v1?key=${KEY}x`, probe: 'completion', rateLimitWarnRatio: 1.5 } as never);
    } catch (e) {
      error = e;
    }
    scan.record(error);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      [
        'Invalid openaiCheck options (3 problems):',
        '  - apiKey: must be a non-empty string, got an empty string',
        '  - rateLimitWarnRatio: must be between 0 and 1, got 1.5',
        "  - model: is required when probe is 'completion' (the probe asks that model for one token)",
      ].join('\n'),
    );
    expect(() => azureOpenaiCheck({ endpoint: 'nope', apiKey: KEY, deployment: '' })).toThrow(
      /endpoint: must be an absolute http\(s\) URL .*\n {2}- deployment: must be a non-empty string, got ""/,
    );
  });

  it('never emitted the key in any result, error or console line', () => {
    expect(scan.count).toBeGreaterThan(50);
    expect(scan.leaks()).toEqual([]);
  });
});
