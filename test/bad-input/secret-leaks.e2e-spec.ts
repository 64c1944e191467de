/**
 * Secrets never leak, in any form: providers that echo a key back partially masked (OpenAI's,
 * Anthropic's, Azure's and Gemini's error shapes, from a loopback fake), SQL that carries a
 * password, a URL with a password, a registered secret split across the fields of `details`.
 * Scanned: every response (with and without details), the history, the metrics, every log line
 * and every `onStatusChange` event, on Express and Fastify.
 */
import type { LoggerService } from '@nestjs/common';
import { DeepHealthModule, defineCheck, type StatusChangeEvent } from '../../src/index';
import { anthropicCheck, azureOpenaiCheck, geminiCheck, openaiCheck } from '../../src/indicators/llm/index';
import { FakeServer, type FakeRequest, type FakeReply } from '../support/fakes/fake-server';
import { ADAPTERS, startTestingApp, type AdapterName } from '../support/health-app';
import { SecretScan } from '../support/secret-scan';

const TOKEN = 'Adm1n-T0ken-7d1e-xq93-ffa0';
const KEYS = {
  openai: 'sk-proj-Q7xv9Zr2mN4pL8vT1wY5bC3dF6sD1hJk',
  anthropic: 'sk-ant-api03-Hq2Wm8Rt5Yu1Io4Pa7Sd0Fg3Jk6',
  azure: '9f3c1a7e5b2d4f608a1c3e5g7i9k1m3o',
  gemini: 'AIzaSyB3x7Kq9Lm2Np5Rt8Vw1Yz4Ac6Ef0Gh',
} as const;
const DB_PASSWORD = 'S3cr3t-R0le-Passw0rd';
const URL_PASSWORD = 'Url-Passw0rd-4b9e';
const SPLIT_SECRET = 'Split-Acr0ss-Fields-7c2a9e';

/** The vendor's documented error body, with the kind of partial echo of the key each one (or a gateway in front of it) sends. */
function vendorError(request: FakeRequest): FakeReply {
  const { headers } = request;
  if (typeof headers['x-api-key'] === 'string') {
    const key = headers['x-api-key'];
    return { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${key.slice(0, 10)}...${key.slice(-4)}` } } };
  }
  if (typeof headers['api-key'] === 'string') {
    const key = headers['api-key'];
    return { status: 401, body: { error: { code: '401', message: `Access denied due to invalid subscription key ${key.slice(0, 4)}••••${key.slice(-6)} or wrong API endpoint.` } } };
  }
  if (typeof headers['x-goog-api-key'] === 'string') {
    const key = headers['x-goog-api-key'];
    return {
      status: 400,
      body: {
        error: {
          code: 400,
          message: `API key not valid (${key.slice(8, 20)}). Please pass a valid API key.`,
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }],
        },
      },
    };
  }
  const key = String(headers.authorization ?? '').replace(/^Bearer /, '');
  return {
    status: 401,
    body: {
      error: {
        message: `Incorrect API key provided: ${key.slice(0, 12)}****************${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    },
  };
}

describe.each(ADAPTERS)('secret scan on %s', (adapter: AdapterName) => {
  const scan = new SecretScan([...Object.values(KEYS), DB_PASSWORD, URL_PASSWORD, SPLIT_SECRET, TOKEN]);
  const events: StatusChangeEvent[] = [];
  const logged: string[] = [];
  let vendor: FakeServer;
  let close: () => Promise<void>;
  let base: string;

  beforeAll(async () => {
    vendor = await FakeServer.start(vendorError);
    const logger: LoggerService = {
      log: (m: unknown) => logged.push(String(m)),
      error: (m: unknown) => logged.push(String(m)),
      warn: (m: unknown) => logged.push(String(m)),
      debug: (m: unknown) => logged.push(String(m)),
      verbose: (m: unknown) => logged.push(String(m)),
    };
    const { app, url } = await startTestingApp(
      adapter,
      {
        imports: [
          DeepHealthModule.forRoot({
            adminToken: TOKEN,
            metrics: true,
            service: { name: 'secret-leaks', version: '1.0.0' },
            onStatusChange: (event) => events.push(event),
            checks: [
              openaiCheck({ baseUrl: vendor.url, apiKey: KEYS.openai, model: 'gpt-4o-mini' }),
              anthropicCheck({ baseUrl: vendor.url, apiKey: KEYS.anthropic, model: 'claude-sonnet-4-5' }),
              azureOpenaiCheck({ endpoint: vendor.url, apiKey: KEYS.azure, deployment: 'gpt-4o-prod' }),
              geminiCheck({ baseUrl: vendor.url, apiKey: KEYS.gemini, model: 'gemini-2.5-flash' }),
              // What another session's SQL and a connection error look like when they reach an output.
              defineCheck({ name: 'sql', secrets: [DB_PASSWORD], run: () => ({ status: 'fail', output: `pid 42 running ALTER ROLE app PASSWORD '${DB_PASSWORD}'` }) }),
              defineCheck({ name: 'url', run: () => ({ status: 'fail', output: `connect failed: postgres://app:${URL_PASSWORD}@db:5432/app` }) }),
              defineCheck({
                name: 'split',
                critical: false,
                secrets: [SPLIT_SECRET],
                run: () => ({ status: 'warn', output: 'key rejected', details: { keyStart: SPLIT_SECRET.slice(0, 9), keyMiddle: SPLIT_SECRET.slice(9, 16), keyEnd: SPLIT_SECRET.slice(16) } }),
              }),
            ],
          }),
        ],
      },
      { logger },
    );
    base = url!;
    close = () => app.close();
  });
  afterAll(async () => {
    await close?.();
    await vendor?.close();
  });

  it('finds no secret, whole or in part, in any response, the history, the metrics, the logs or the events', async () => {
    const admin = { authorization: `Bearer ${TOKEN}` };
    const paths = ['/health', '/health/ready', '/health/deep', '/health/deep?verbose', '/health/history', '/health/metrics', '/health/maintenance'];
    const names = ['openai', 'anthropic', 'azure-openai', 'gemini', 'sql', 'url', 'split'];
    for (const name of names) paths.push(`/health/checks/${name}`, `/health/history?check=${name}`);
    for (const path of paths) {
      for (const headers of [{}, admin]) {
        const res = await fetch(base + path, { headers });
        scan.record(`${path} ${res.status} ${await res.text()}`);
      }
    }
    for (const event of events) scan.record(event);
    for (const line of logged) scan.record(line);

    // The scan looked at the places where the echoes would be: the vendors answered, the checks failed.
    expect(vendor.requests.length).toBeGreaterThanOrEqual(4);
    const deep = (await (await fetch(`${base}/health/deep`, { headers: admin })).json()) as { checks: Record<string, Array<{ output?: string }>> };
    const outputs = Object.fromEntries(names.map((name) => [name, deep.checks[name]?.[0]?.output]));
    expect(outputs.openai).toMatch(/Incorrect API key provided: \*\*\*/);
    expect(events.map((e) => e.check).sort()).toEqual(expect.arrayContaining(['sql', 'url']));
    expect(logged).toContainEqual(expect.stringMatching(/^check openai:/));
    expect(scan.leaks()).toEqual([]);
  });
});
