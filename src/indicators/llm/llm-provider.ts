import { checkOptions, outcomeFromFindings, type CheckOptions, type CheckOutcome, type Finding, type SuggestedPolicy } from '../../engine/check.js';
import type { CheckOptionProblems } from '../../validation/check-options-validation.js';
import { failWith, type HttpClient, type HttpReply, type HttpRequest } from '../vendor-api/vendor-api-client.js';
import { expectOk, isRecord, rateLimitFindings, type StatusPolicy } from '../vendor-api/vendor-api-status.js';
import { COMPLETION_PROBE_DEFAULTS, SHARED_SERVICE_DEFAULTS } from '../vendor-api/shared-service-defaults.js';
import { COMPLETION_EMPTY, MODEL_REQUIRED_FOR_PROBE } from './messages.js';

/** How a provider check proves the provider works. */
export type LlmProbe = 'models' | 'completion';

/** Options every LLM provider check accepts. */
export interface LlmCheckOptions extends CheckOptions {
  /** API key; sent in the provider's header (never in the URL), never shown. */
  apiKey: string;
  /** Base URL of the API, for proxies, gateways and compatible servers. Default: the provider's public API. */
  baseUrl?: string;
  /** Model the application uses; it must be available to the key. @default not checked */
  model?: string;
  /**
   * `models` (default): list or look up models, which costs nothing.
   * `completion`: ask `model` for one token, which proves the model really serves but costs a request
   * and a few tokens every `cacheTtlMs` (default 300000, refreshed in the background).
   * @default 'models'
   */
  probe?: LlmProbe;
  /** Warn when remaining/limit of a rate-limit header pair falls under this ratio. @default 0.1 */
  rateLimitWarnRatio?: number;
}

/** Validates the options shared by every LLM check. */
export function validateLlm(problems: CheckOptionProblems, options: Record<string, unknown>, { apiKeyRequired = true } = {}): void {
  problems.secret('apiKey', options.apiKey, { required: apiKeyRequired });
  problems.url('baseUrl', options.baseUrl, { required: false });
  problems.string('model', options.model);
  problems.oneOf('probe', options.probe, ['models', 'completion']);
  problems.ratio('rateLimitWarnRatio', options.rateLimitWarnRatio);
  if (options.probe === 'completion' && options.model === undefined) problems.add('model', MODEL_REQUIRED_FOR_PROBE);
}

/** Shared-service defaults; a completion probe is cached longer and refreshed in the background. */
export function llmPolicy(options: CheckOptions, costly: boolean): CheckOptions & { suggested: SuggestedPolicy } {
  const suggested = { ...SHARED_SERVICE_DEFAULTS.suggested, ...(costly ? COMPLETION_PROBE_DEFAULTS.suggested : {}) };
  return { critical: SHARED_SERVICE_DEFAULTS.critical, ...(costly ? { refreshInBackground: COMPLETION_PROBE_DEFAULTS.refreshInBackground } : {}), ...checkOptions(options), suggested };
}

/** Folds findings with the rate-limit headroom read from the last reply's headers. */
export function llmOutcome(
  findings: Finding[],
  reply: HttpReply,
  ratio: number | undefined,
  extra: Omit<CheckOutcome, 'status' | 'output'> = {},
): CheckOutcome {
  const limits = rateLimitFindings(reply.headers, ratio ?? 0.1);
  return outcomeFromFindings([...findings, ...limits.findings], {
    ...extra,
    measurements: { ...extra.measurements, ...limits.measurements },
  });
}

type TokenParameter = 'max_tokens' | 'max_completion_tokens';

/**
 * Sends an OpenAI-style one-token chat completion. Newer OpenAI models reject `max_tokens`
 * (400 `unsupported_parameter`, "Use 'max_completion_tokens' instead") while many compatible
 * servers only know `max_tokens`: try one, retry once with the other, and remember what worked.
 */
export class OneTokenCompletion {
  private parameter: TokenParameter = 'max_tokens';

  constructor(
    private readonly client: HttpClient,
    private readonly request: Omit<HttpRequest, 'method' | 'body'>,
    private readonly body: Record<string, unknown>,
    private readonly policy: StatusPolicy,
  ) {}

  async send(signal: AbortSignal): Promise<HttpReply> {
    let reply = await this.post(this.parameter, signal);
    const other: TokenParameter = this.parameter === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
    if (reply.status === 400 && this.rejects(reply, this.parameter)) {
      reply = await this.post(other, signal);
      if (reply.status >= 200 && reply.status < 300) this.parameter = other;
    }
    expectOk(this.client, reply, this.policy);
    const parsed = this.client.json(reply);
    if (!isRecord(parsed) || !Array.isArray(parsed.choices)) failWith(COMPLETION_EMPTY(this.client.vendor, reply.what));
    return reply;
  }

  private post(parameter: TokenParameter, signal: AbortSignal): Promise<HttpReply> {
    const body = { ...this.body, messages: [{ role: 'user', content: 'ping' }], [parameter]: 1 };
    return this.client.request({ ...this.request, method: 'POST', body }, signal);
  }

  private rejects(reply: HttpReply, parameter: TokenParameter): boolean {
    const error = (this.client.tryJson(reply) as { error?: unknown } | undefined)?.error;
    return isRecord(error) && error.code === 'unsupported_parameter' && error.param === parameter;
  }
}
