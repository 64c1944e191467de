import { FakeServer } from '../../../test/support/fakes/fake-server';
import { HttpClient, HttpFailure, joinUrl, safeUrl, urlSecrets } from './vendor-api-client';
import { errorDetail, rateLimitFindings, retryAfterSeconds, statusOutcome } from './vendor-api-status';

describe('joinUrl', () => {
  it.each([
    ['https://api.openai.com/v1', '/models', 'https://api.openai.com/v1/models'],
    ['https://api.openai.com/v1/', 'models', 'https://api.openai.com/v1/models'],
    ['http://vllm:8000/v1//', '//chat/completions', 'http://vllm:8000/v1/chat/completions'],
    ['http://qdrant:6333', '/collections/docs', 'http://qdrant:6333/collections/docs'],
    ['http://host/base?x=1#frag', '/readyz?y=2', 'http://host/base/readyz?y=2'],
  ])('%s + %s', (base, path, expected) => {
    expect(joinUrl(base, path).href).toBe(expected);
  });
});

describe('URL secrets', () => {
  it('lists user, password and query values, and safeUrl shows neither', () => {
    expect(urlSecrets('https://admin:p%40ss-word@host/v1?key=AIzaSecret123&x=ab')).toEqual(expect.arrayContaining(['admin', 'p@ss-word', 'p%40ss-word', 'AIzaSecret123']));
    expect(safeUrl('https://admin:pw@host:8443/v1?key=secret')).toBe('https://host:8443/v1');
    expect(urlSecrets('not a url')).toEqual([]);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [{ 'retry-after-ms': '1500' }, undefined, 1.5],
    [{ 'retry-after': '20' }, undefined, 20],
    [{ 'retry-after': new Date(Date.now() + 30_000).toUTCString() }, undefined, expect.closeTo(30, -1)],
    [{}, { error: { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37.5s' }] } }, 37.5],
    [{ 'retry-after': 'soon' }, undefined, undefined],
    [{}, undefined, undefined],
  ])('%j %j', (headers, body, expected) => {
    expect(retryAfterSeconds(new Headers(headers), body)).toEqual(expected);
  });
});

describe('rateLimitFindings', () => {
  it('warns under the ratio and measures every header pair it finds', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '100',
      'x-ratelimit-remaining-requests': '9',
      'anthropic-ratelimit-tokens-limit': '1000',
      'anthropic-ratelimit-tokens-remaining': '500',
      'x-ratelimit-remaining-tokens': '5', // no limit header: ignored
    });
    expect(rateLimitFindings(headers, 0.1)).toEqual({
      findings: [{ status: 'warn', message: 'only 9 of 100 requests left in the current rate-limit window' }],
      measurements: { rateLimitRemainingRequests: 9, rateLimitLimitRequests: 100, rateLimitRemainingTokens: 500, rateLimitLimitTokens: 1000 },
    });
    expect(rateLimitFindings(headers, 0.05).findings).toEqual([]);
  });
});

describe('errorDetail', () => {
  const client = new HttpClient({ vendor: 'X', baseUrl: 'http://x', secrets: ['s3cr3t-value'] });
  it.each([
    ['OpenAI', { error: { message: 'Incorrect API key provided: s3cr3t-value', code: 'invalid_api_key' } }, 'Incorrect API key provided: ***'],
    ['Anthropic', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'Overloaded'],
    ['Weaviate', { error: [{ message: 'class not found' }] }, 'class not found'],
    ['Qdrant', { status: { error: 'Not found' }, time: 0 }, 'Not found'],
    ['Chroma', { error: 'NotFoundError', message: 'Collection [a] does not exist' }, 'NotFoundError: Collection [a] does not exist'],
    ['Milvus', { code: 100, message: 'collection not found' }, 'collection not found'],
    ['Ollama', { error: "model 'x' not found" }, "model 'x' not found"],
    ['nothing', { ok: true }, ''],
    ['long', { error: { message: `${'a'.repeat(300)}` } }, `${'a'.repeat(199)}…`],
  ])('%s', (_vendor, body, expected) => {
    expect(errorDetail(client, body)).toBe(expected);
  });
});

describe('statusOutcome', () => {
  const client = new HttpClient({ vendor: 'V', baseUrl: 'http://x' });
  const reply = (status: number, body: unknown = {}, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers), text: JSON.stringify(body), what: 'GET /thing' });
  it.each([
    [200, undefined],
    [401, { status: 'fail', output: 'V API key rejected (HTTP 401)' }],
    [403, { status: 'fail', output: 'V API key rejected (HTTP 403)' }],
    [404, { status: 'fail', output: 'GET /thing not found (HTTP 404)' }],
    [429, { status: 'warn', output: 'V rate limited (HTTP 429)' }],
    [500, { status: 'fail', output: 'V server error (HTTP 500)' }],
    [529, { status: 'fail', output: 'V overloaded (HTTP 529)' }],
    [418, { status: 'fail', output: 'V rejected GET /thing (HTTP 418)' }],
  ])('HTTP %i', (status, expected) => {
    const outcome = statusOutcome(client, reply(status));
    expect(outcome === undefined ? undefined : { status: outcome.status, output: outcome.output }).toEqual(expected);
  });
});

describe('HttpClient against a loopback server', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await FakeServer.start(() => ({ body: {} }));
  });
  afterAll(() => fake.close());

  const attempt = async (client: HttpClient, path: string) => {
    try {
      return await client.request({ path }, AbortSignal.timeout(2000));
    } catch (error) {
      if (error instanceof HttpFailure) return error.outcome;
      throw error;
    }
  };

  it('cancels a body larger than maxBodyBytes and says so', async () => {
    fake.reset(() => ({ raw: 'x'.repeat(200_000) }));
    const client = new HttpClient({ vendor: 'Big', baseUrl: fake.url, maxBodyBytes: 10_000 });
    expect(await attempt(client, '/huge')).toEqual({ status: 'fail', output: 'Big answered GET /huge with more than 10000 bytes; body discarded' });
  });

  it('does not follow redirects, so a custom auth header never reaches another host', async () => {
    fake.reset((request) => (request.path === '/moved' ? { status: 302, headers: { location: `${fake.url}/elsewhere` } } : { body: {} }));
    const client = new HttpClient({ vendor: 'R', baseUrl: fake.url, headers: { 'api-key': 'k' } });
    expect(await attempt(client, '/moved')).toMatchObject({ status: 'fail', output: expect.stringMatching(/^R redirected GET \/moved \(HTTP 302\)/) });
    expect(fake.requests.map((r) => r.path)).toEqual(['/moved']);
  });

  it('reports malformed JSON clearly', async () => {
    fake.reset(() => ({ raw: '<html>oops</html>' }));
    const client = new HttpClient({ vendor: 'J', baseUrl: fake.url });
    const reply = await client.request({ path: '/x' }, AbortSignal.timeout(2000));
    expect(() => client.json(reply)).toThrow('J answered GET /x with malformed JSON (HTTP 200)');
    expect(client.tryJson(reply)).toBeUndefined();
  });
});
