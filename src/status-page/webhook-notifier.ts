import { Logger } from '@nestjs/common';
import type { HealthStatus } from '../engine/health-status.js';
import { redactSecrets } from '../engine/redact.js';
import type { StatusTransition } from '../engine/transitions.js';
import { withTimeout } from '../engine/until-aborted.js';
import { LOG_WEBHOOK_FAILED, LOG_WEBHOOK_REJECTED } from './messages.js';
import type { ResolvedWebhook } from './status-page-options.js';

/** Who sends the notifications (the version fields of every response). */
export interface NotifierSource {
  service: string;
  version: string;
  releaseId?: string;
  replica: string;
}

/** One transition as a webhook body carries it. */
export interface NotifiedTransition {
  check: string;
  critical: boolean;
  previous?: HealthStatus;
  current: HealthStatus;
  time: string;
  output?: string;
}

/** Transitions kept per webhook while it is down (one per check is kept anyway; this bounds the rest). */
const MAX_PENDING = 200;
const MAX_OUTPUT = 300;
const RETRY_AFTER_CAP_MS = 60_000;

interface HookState {
  hook: ResolvedWebhook;
  /** Coalesced per check: the first `previous` of the window, the latest `current`. */
  pending: Map<string, NotifiedTransition>;
  timer?: NodeJS.Timeout;
  sending?: Promise<void>;
  /** Label for logs: format and host, never the URL (it carries the secret). */
  label: string;
}

/**
 * Posts status transitions to webhooks (generic JSON, Slack, Teams). `notify()` only queues: a
 * probe never waits for a webhook. Transitions within `debounceMs` go out as one message, a check
 * that flaps back within the window is left out, each attempt is bounded by `timeoutMs`, and failed
 * attempts (network, timeout, 429, 5xx) are retried with exponential backoff. Outputs are
 * redacted again (the engine already scrubbed them) and cut short; `details` are never sent.
 */
export class WebhookNotifier {
  private readonly logger = new Logger('DeepHealth');
  private readonly hooks: HookState[];
  private closed = false;
  /** Aborts the attempts in flight at shutdown, so a slow webhook does not hold the process. */
  private readonly closing = new AbortController();
  private readonly sleepers = new Set<() => void>();

  constructor(
    hooks: readonly ResolvedWebhook[],
    private readonly source: NotifierSource,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {
    this.hooks = hooks.map((hook, index) => ({ hook, pending: new Map(), label: `#${index} (${hook.format}, ${new URL(hook.url).host})` }));
  }

  /** Queues one transition; returns at once. */
  notify(transition: StatusTransition, critical: boolean): void {
    if (this.closed) return;
    const output = transition.output === undefined ? undefined : cut(redactSecrets(transition.output), MAX_OUTPUT);
    for (const state of this.hooks) {
      const earlier = state.pending.get(transition.check);
      if (!earlier && state.pending.size >= MAX_PENDING) continue;
      const previous = earlier ? earlier.previous : transition.previous;
      if (earlier && previous === transition.current) {
        // Flapped back to where it was when the window opened: nothing to tell.
        state.pending.delete(transition.check);
      } else {
        state.pending.set(transition.check, {
          check: transition.check,
          critical,
          ...(previous !== undefined ? { previous } : {}),
          current: transition.current,
          time: transition.time,
          ...(output !== undefined ? { output } : {}),
        });
      }
      this.schedule(state);
    }
  }

  /** Waits for the messages being sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.hooks.some((s) => s.timer || s.sending)) {
      await Promise.all(this.hooks.map((s) => s.sending));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Drops what is queued, aborts the attempts in flight and ends retries waiting for their backoff. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const state of this.hooks) {
      clearTimeout(state.timer);
      state.timer = undefined;
      state.pending.clear();
    }
    for (const wake of [...this.sleepers]) wake();
  }

  private schedule(state: HookState): void {
    if (state.timer || state.sending || this.closed) return;
    if (state.pending.size === 0) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      const batch = [...state.pending.values()];
      state.pending.clear();
      if (batch.length === 0) return;
      state.sending = this.deliver(state, batch).finally(() => {
        state.sending = undefined;
        this.schedule(state);
      });
    }, state.hook.debounceMs);
    state.timer.unref();
  }

  private async deliver(state: HookState, batch: NotifiedTransition[]): Promise<void> {
    const { hook } = state;
    const body = JSON.stringify(webhookBody(hook.format, this.source, batch));
    let why = '';
    for (let attempt = 0; attempt <= hook.retries && !this.closed; attempt++) {
      if (attempt > 0) await this.sleep(Math.max(hook.backoffMs * 2 ** (attempt - 1), retryAfterMs(why)));
      if (this.closed) return;
      try {
        const status = await withTimeout(
          async (timeout) => {
            // Ends at the attempt's timeout or when the app shuts down, whichever comes first.
            const ended = new AbortController();
            const end = () => ended.abort(timeout.aborted ? timeout.reason : new Error('shutting down'));
            timeout.addEventListener('abort', end, { once: true });
            this.closing.signal.addEventListener('abort', end, { once: true });
            try {
              const response = await this.fetchImpl(hook.url, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', ...hook.headers },
                body,
                signal: ended.signal,
                redirect: 'error',
              });
              await response.body?.cancel().catch(() => undefined);
              return { code: response.status, retryAfter: response.headers.get('retry-after') };
            } finally {
              timeout.removeEventListener('abort', end);
              this.closing.signal.removeEventListener('abort', end);
            }
          },
          hook.timeoutMs,
          `no answer within ${hook.timeoutMs} ms`,
        );
        if (status.code >= 200 && status.code < 300) return;
        if (status.code !== 429 && status.code < 500) {
          this.logger.warn(LOG_WEBHOOK_REJECTED(state.label, status.code));
          return;
        }
        why = `HTTP ${status.code}${status.retryAfter ? `; retry-after ${status.retryAfter}` : ''}`;
      } catch (error) {
        // Never the URL or headers: only what kind of failure it was.
        why = error instanceof Error ? redactSecrets(error.message).split(hook.url).join('***') : 'request failed';
      }
    }
    if (!this.closed) this.logger.warn(LOG_WEBHOOK_FAILED(state.label, hook.retries + 1, why));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleepers.add(wake);
    });
  }
}

/** `Retry-After` seconds from the last failure's description, capped. */
function retryAfterMs(why: string): number {
  const match = /retry-after (\d+)/.exec(why);
  return match ? Math.min(Number(match[1]) * 1000, RETRY_AFTER_CAP_MS) : 0;
}

/** One line per transition: "postgres: pass → fail (critical) at 2026-12-01T03:12:40.000Z: connection refused". */
export function transitionLine(t: NotifiedTransition): string {
  return `${t.check}: ${t.previous ?? 'unknown'} → ${t.current}${t.critical ? ' (critical)' : ''} at ${t.time}${t.output ? `: ${t.output}` : ''}`;
}

/** The body a webhook of `format` receives. */
export function webhookBody(format: ResolvedWebhook['format'], source: NotifierSource, transitions: NotifiedTransition[]): Record<string, unknown> {
  const worst = transitions.some((t) => t.current === 'fail') ? 'fail' : transitions.some((t) => t.current === 'warn') ? 'warn' : 'pass';
  const version = source.releaseId ? `${source.version} (${source.releaseId})` : source.version;
  const title = `${source.service} ${version} on ${source.replica}: ${transitions.length} check${transitions.length === 1 ? '' : 's'} changed`;
  const lines = transitions.map(transitionLine);
  if (format === 'slack') {
    // Slack incoming webhooks: `text` is required and is what notifications show.
    const icon = worst === 'fail' ? ':red_circle:' : worst === 'warn' ? ':large_yellow_circle:' : ':large_green_circle:';
    return { text: `${icon} ${slackEscape(title)}\n${lines.map((l) => `• ${slackEscape(l)}`).join('\n')}` };
  }
  if (format === 'teams') {
    // Teams incoming webhooks (Workflows): a message with one Adaptive Card attachment.
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, color: worst === 'fail' ? 'Attention' : worst === 'warn' ? 'Warning' : 'Good', text: title },
              ...lines.map((text) => ({ type: 'TextBlock', wrap: true, text })),
            ],
          },
        },
      ],
    };
  }
  return {
    service: source.service,
    version: source.version,
    ...(source.releaseId ? { releaseId: source.releaseId } : {}),
    replica: source.replica,
    status: worst,
    transitions,
    text: `${title}\n${lines.join('\n')}`,
  };
}

/** Slack's three control characters in message text. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
