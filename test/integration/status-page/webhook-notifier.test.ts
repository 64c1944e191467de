/**
 * The webhook notifier against a loopback HTTP server: the generic JSON, Slack and Teams shapes,
 * debounce (one message per window, flaps left out), retries with backoff on 5xx and timeouts, no
 * retry on 4xx, redaction; and, through the module on Express and Fastify, that a hung webhook
 * never holds up a probe.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineCheck, type HealthStatus } from '../../../src/index';
import type { StatusTransition } from '../../../src/engine/transitions';
import { WEBHOOK_DEFAULTS, type ResolvedWebhook } from '../../../src/status-page/status-page-options';
import { WebhookNotifier } from '../../../src/status-page/webhook-notifier';
import { ADAPTERS, startHealthApp } from '../../support/health-app';

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: any;
}

/** A webhook receiver that answers each request with the next behaviour (`hang` never answers). */
class Receiver {
  readonly received: Received[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly answers: Array<number | 'hang'>,
  ) {}

  static async start(answers: Array<number | 'hang'> = []): Promise<Receiver> {
    let receiver!: Receiver;
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => receiver.answer(req, res, text));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/h16-hook-secret`, answers);
    return receiver;
  }

  private answer(req: IncomingMessage, res: ServerResponse, text: string) {
    this.received.push({ at: Date.now(), headers: req.headers, body: JSON.parse(text) });
    const answer = this.answers.shift() ?? 200;
    if (answer === 'hang') {
      this.hanging.add(res);
      // The sender gave up (timeout or shutdown): the connection closes.
      res.once('close', () => this.hanging.delete(res));
      return;
    }
    res.writeHead(answer).end('ok');
  }

  get pending(): number {
    return this.hanging.size;
  }

  async until(count: number): Promise<void> {
    while (this.received.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const SOURCE = { service: 'orders-api', version: '1.4.2', releaseId: '9f1c2ab', replica: 'orders-7f9c:1' };
const hook = (url: string, extra: Partial<ResolvedWebhook> = {}): ResolvedWebhook => ({ ...WEBHOOK_DEFAULTS, url, headers: {}, debounceMs: 20, backoffMs: 20, ...extra });
const change = (check: string, previous: HealthStatus | undefined, current: HealthStatus, output?: string): StatusTransition => ({
  check,
  previous,
  current,
  time: '2026-12-01T03:12:40.000Z',
  ...(output ? { output } : {}),
});

describe('WebhookNotifier', () => {
  let receiver: Receiver | undefined;
  let notifier: WebhookNotifier | undefined;
  afterEach(async () => {
    notifier?.close();
    await receiver?.close();
    receiver = notifier = undefined;
  });

  it('posts the generic JSON, Slack and Teams shapes, with the configured headers', async () => {
    receiver = await Receiver.start();
    const url = receiver.url;
    notifier = new WebhookNotifier([hook(url), hook(url, { format: 'slack' }), hook(url, { format: 'teams', headers: { Authorization: 'Bearer h16-teams-token' } })], SOURCE);
    notifier.notify(change('postgres', 'pass', 'fail', 'connection refused'), true);
    await receiver.until(3);
    await notifier.idle();
    const [json, slack, teams] = [0, 1, 2].map((i) => receiver!.received.find((r) => (i === 0 ? 'transitions' in r.body : i === 1 ? 'text' in r.body && !('transitions' in r.body) : 'attachments' in r.body))!);
    const line = 'postgres: pass → fail (critical) at 2026-12-01T03:12:40.000Z: connection refused';
    expect(json.body).toEqual({
      service: 'orders-api',
      version: '1.4.2',
      releaseId: '9f1c2ab',
      replica: 'orders-7f9c:1',
      status: 'fail',
      transitions: [{ check: 'postgres', critical: true, previous: 'pass', current: 'fail', time: '2026-12-01T03:12:40.000Z', output: 'connection refused' }],
      text: `orders-api 1.4.2 (9f1c2ab) on orders-7f9c:1: 1 check changed\n${line}`,
    });
    expect(json.headers['content-type']).toBe('application/json');
    expect(slack.body).toEqual({ text: `:red_circle: orders-api 1.4.2 (9f1c2ab) on orders-7f9c:1: 1 check changed\n• ${line}` });
    expect(teams.headers.authorization).toBe('Bearer h16-teams-token');
    expect(teams.body).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } }] });
    expect(teams.body.attachments[0].content.body.map((block: { text: string }) => block.text)).toEqual(['orders-api 1.4.2 (9f1c2ab) on orders-7f9c:1: 1 check changed', line]);
  });

  it('sends the transitions of one window as one message and leaves out a check that flapped back', async () => {
    receiver = await Receiver.start();
    notifier = new WebhookNotifier([hook(receiver.url, { debounceMs: 200 })], SOURCE);
    notifier.notify(change('postgres', 'pass', 'fail'), true);
    notifier.notify(change('redis', 'pass', 'warn'), false);
    notifier.notify(change('redis', 'warn', 'pass'), false);
    notifier.notify(change('postgres', 'fail', 'warn'), true);
    await receiver.until(1);
    await notifier.idle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body.transitions.map((t: { check: string; previous: string; current: string }) => `${t.check} ${t.previous}->${t.current}`)).toEqual(['postgres pass->warn']);
  });

  it('retries 5xx answers and timeouts with a doubling backoff, and does not retry a 4xx', async () => {
    receiver = await Receiver.start([500, 'hang', 503, 200, 404]);
    notifier = new WebhookNotifier([hook(receiver.url, { retries: 3, backoffMs: 50, timeoutMs: 300 })], SOURCE);
    notifier.notify(change('postgres', 'pass', 'fail'), true);
    await receiver.until(4);
    await notifier.idle();
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver!.received[i]!.at);
    // 50 ms, then the 300 ms timeout + 100 ms, then 200 ms (lower bounds only: a busy machine is slower).
    const tooShort = gaps.filter((gap, i) => gap < [50, 400, 200][i]! - 5);
    expect({ attempts: receiver.received.length, tooShort }).toEqual({ attempts: 4, tooShort: [] });

    notifier.notify(change('postgres', 'fail', 'pass'), true);
    await receiver.until(5);
    await notifier.idle();
    expect(receiver.received).toHaveLength(5);
  });

  it('redacts secrets from outputs and never sends details', async () => {
    receiver = await Receiver.start();
    notifier = new WebhookNotifier([hook(receiver.url)], SOURCE);
    notifier.notify(change('postgres', 'pass', 'fail', 'cannot reach postgres://app:h16-db-password@10.0.0.7/orders?api_key=h16-api-key'), true);
    await receiver.until(1);
    await notifier.idle();
    const text = JSON.stringify(receiver.received[0]!.body);
    expect(['h16-db-password', 'h16-api-key'].filter((secret) => text.includes(secret))).toEqual([]);
    expect(receiver.received[0]!.body.transitions[0].output).toBe('cannot reach postgres://app:***@10.0.0.7/orders?api_key=***');
  });
});

describe.each(ADAPTERS)('webhooks through the module (%s)', (adapter) => {
  it('tells the webhook about a transition, and a hung webhook never holds up a probe', async () => {
    const receiver = await Receiver.start(['hang', 'hang', 'hang', 'hang']);
    let status: HealthStatus = 'pass';
    const check = defineCheck({ name: 'postgres', cacheTtlMs: 0, secrets: ['h16-module-secret'], run: () => (status === 'pass' ? 'pass' : { status, output: 'refused with password h16-module-secret' }) });
    const app = await startHealthApp(adapter, {
      checks: [check],
      service: { name: 'orders-api', version: '1.4.2' },
      liveness: { eventLoopDelay: false },
      webhooks: [{ url: receiver.url, debounceMs: 0, timeoutMs: 60_000, retries: 0 }],
    });
    try {
      expect((await app.get('/health/ready')).status).toBe(200);
      status = 'fail';
      expect((await app.get('/health/ready')).status).toBe(503);
      await receiver.until(1);
      // The webhook has not answered, and probes still get their answers.
      const answers = await Promise.all([1, 2, 3].map(async () => (await app.get('/health/ready')).status));
      expect({ answers, webhookPending: receiver.pending }).toEqual({ answers: [503, 503, 503], webhookPending: 1 });
      expect(receiver.received[0]!.body).toMatchObject({ service: 'orders-api', version: '1.4.2', status: 'fail', transitions: [{ check: 'postgres', previous: 'pass', current: 'fail' }] });
      expect(JSON.stringify(receiver.received[0]!.body)).not.toContain('h16-module-secret');
      // Shutdown does not wait for the hung webhook (60 s timeout): the attempt in flight is aborted.
      await app.close();
      while (receiver.pending > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await app.close();
      await receiver.close();
    }
  });
});
