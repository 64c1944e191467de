import { Inject, Injectable } from '@nestjs/common';
import { HealthService, type LayerReport } from '../layers/health.service.js';
import { InvalidMaintenanceRequestError, MaintenanceService, MaintenanceStoreUnavailableError } from '../maintenance/maintenance.service.js';
import type { ResolvedHealthOptions } from '../module/deep-health-options.js';
import { DEEP_HEALTH_OPTIONS } from '../module/tokens.js';
import { isAuthorized } from './admin-auth.js';
import { AuthFailureBudget } from './auth-failure-budget.js';
import { unsupportedContentType, type BodyIntake } from './request-body.js';
import { BODY_INVALID_JSON, BODY_TOO_LARGE, BODY_UNREADABLE, DISABLED, QUERY_REPEATED, QUERY_UNKNOWN, RATE_LIMITED, UNAUTHORIZED } from './messages.js';
import { HEALTH_METRICS, type HealthMetrics } from '../metrics/health-metrics.js';
import { NO_CACHE_HEADERS, renderJson, renderReport, type HealthHttpResponse, type RenderContext } from './health-response.js';

export type ReportLayer = 'live' | 'startup' | 'ready' | 'deep';

/** What the HTTP layers pass in; the same for Express, Fastify and the standalone server. */
export interface HealthRequest {
  authorization?: string | string[];
  /** Who is asking (the remote address as the adapter sees it): the key of the auth failure budget. */
  client?: string;
}

/** A request to a maintenance route (PUT / DELETE), as every transport hands it in. */
export interface AdminRequest extends HealthRequest {
  /** The raw query string (after `?`, undecoded), validated here whatever the adapter's query parser does. */
  query: string;
  contentType?: string | string[];
  /** What became of the body (PUT): its JSON value, or why it could not be read. */
  body?: BodyIntake;
}

/** The query parameters each maintenance route takes. */
const ADMIN_QUERY: Record<'enable' | 'disable', readonly string[]> = { enable: [], disable: ['scope'] };

/**
 * Answers every health endpoint, whatever the HTTP layer: it asks the layers for a report and
 * renders it. Controllers and the standalone server only route and write.
 */
@Injectable()
export class HealthRequestHandler {
  /** The last rendering of each layer (per details visibility), reused while its inputs are the same objects. */
  private readonly rendered = new Map<string, { parts: readonly unknown[]; response: HealthHttpResponse }>();

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
    private readonly health: HealthService,
    private readonly maintenance: MaintenanceService,
    @Inject(HEALTH_METRICS) private readonly healthMetrics: HealthMetrics | null,
  ) {
    this.authBudget = options.authFailureBudget ? new AuthFailureBudget(options.authFailureBudget) : undefined;
  }

  /** Wrong tokens per client; `undefined` when `authFailureBudget: false`. */
  private readonly authBudget?: AuthFailureBudget;

  /** Prometheus text when `metrics` is on; 404 with a reason otherwise. */
  async metrics(request: HealthRequest): Promise<HealthHttpResponse> {
    if (!this.healthMetrics) return this.error(404, 'Not Found', 'metrics are off: set the metrics option (and install prom-client)', request);
    const { contentType, body } = await this.healthMetrics.render();
    return { statusCode: 200, headers: { ...NO_CACHE_HEADERS, 'Content-Type': contentType }, body };
  }

  async layer(layer: ReportLayer, request: HealthRequest): Promise<HealthHttpResponse> {
    const report: LayerReport = await this.health[layer]();
    const context = this.context(request);
    // A probe flood reads the same cached results again and again: render them once.
    const memoKey = `${layer}:${context.showDetails}`;
    const parts = [report.status, report.output, report.draining, report.retryAfterSeconds, report.maintenance, ...report.results];
    const memo = this.rendered.get(memoKey);
    if (memo && memo.parts.length === parts.length && memo.parts.every((part, i) => part === parts[i])) return memo.response;
    const response = renderReport(report, context);
    this.rendered.set(memoKey, { parts, response });
    return response;
  }

  async check(name: string, request: HealthRequest): Promise<HealthHttpResponse> {
    const report = await this.health.check(name);
    if (report) return renderReport(report, this.context(request));
    const known = this.health.checks.map((c) => c.name);
    return this.error(404, 'Not Found', `no check named ${JSON.stringify(name.slice(0, 100))}; known checks: ${known.join(', ') || 'none'}`, request);
  }

  /** `GET /maintenance`: the state this instance acts on, both switches, and the store's last sync. */
  maintenanceStatus(request: HealthRequest): HealthHttpResponse {
    const store = this.maintenance.storeStatus();
    const payload = {
      maintenance: this.maintenance.status(),
      ...this.maintenance.layersStatus(),
      ...(store ? { store: { reachable: store.reachable, ...(store.lastSyncAt ? { lastSyncAt: store.lastSyncAt } : {}) } } : {}),
    };
    return renderJson(200, payload, this.plain);
  }

  /** `PUT /maintenance` with `{ reason, until? | durationSeconds?, scope?, readOnly? }`. */
  async enableMaintenance(request: AdminRequest): Promise<HealthHttpResponse> {
    return this.changeMaintenance(request, 'enable', (body) => this.maintenance.enable(body as never));
  }

  /**
   * `DELETE /maintenance?scope=instance|fleet`; without `scope` both switches go off (the call
   * that ends maintenance, whatever turned it on). Any other parameter is a 400 that changes nothing.
   */
  async disableMaintenance(request: AdminRequest): Promise<HealthHttpResponse> {
    return this.changeMaintenance(request, 'disable', (_body, query) => this.maintenance.disable(query.has('scope') ? { scope: query.get('scope') as never } : {}));
  }

  /** A JSON error with a reason, in the shape of Nest's own HTTP errors. */
  error(statusCode: number, error: string, message: string, request: HealthRequest, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HealthHttpResponse {
    return renderJson(statusCode, { statusCode, error, message, ...extra }, this.plain, headers);
  }

  /**
   * Every maintenance change goes through the same gates, in the same order on every transport:
   * 404 without an admin token, 429 for a client over its failure budget, 401 for a wrong token,
   * 415 for a body that is not JSON in UTF-8, 413 / 400 for a body that could not be read, 400 for
   * an unknown or repeated query parameter; only then is the change validated and made.
   */
  private async changeMaintenance(
    request: AdminRequest,
    kind: 'enable' | 'disable',
    change: (body: unknown, query: URLSearchParams) => Promise<unknown>,
  ): Promise<HealthHttpResponse> {
    const denied = this.denyAdmin(request);
    if (denied) return denied;
    const readsBody = kind === 'enable';
    if (readsBody || request.contentType !== undefined) {
      const unsupported = unsupportedContentType(request.contentType);
      if (unsupported) return this.error(415, 'Unsupported Media Type', unsupported, request);
    }
    const body = readsBody ? request.body : undefined;
    if (body && 'problem' in body) {
      if (body.problem === 'too-large') return this.error(413, 'Payload Too Large', BODY_TOO_LARGE, request, {}, { Connection: 'close' });
      const problem = body.problem === 'invalid-json' ? BODY_INVALID_JSON : BODY_UNREADABLE;
      return this.error(400, 'Bad Request', `invalid maintenance request: body: ${problem}`, request, { problems: [`body: ${problem}`] });
    }
    const query = new URLSearchParams(request.query);
    const queryProblems = this.queryProblems(query, ADMIN_QUERY[kind]);
    if (queryProblems.length > 0) {
      return this.error(400, 'Bad Request', `invalid maintenance request: ${queryProblems.join('; ')}`, request, { problems: queryProblems });
    }
    try {
      await change(body?.value, query);
      return this.maintenanceStatus(request);
    } catch (error) {
      if (error instanceof InvalidMaintenanceRequestError) {
        return this.error(400, 'Bad Request', error.message, request, { problems: error.problems });
      }
      if (error instanceof MaintenanceStoreUnavailableError) return this.error(503, 'Service Unavailable', error.message, request);
      throw error;
    }
  }

  /** `query.<name>: ...` for every parameter the route does not take, and for one given twice. */
  private queryProblems(query: URLSearchParams, known: readonly string[]): string[] {
    const problems: string[] = [];
    for (const name of new Set(query.keys())) {
      const path = `query.${JSON.stringify(name.slice(0, 40)).slice(1, -1)}`;
      if (!known.includes(name)) problems.push(`${path}: ${QUERY_UNKNOWN(known)}`);
      else if (query.getAll(name).length > 1) problems.push(`${path}: ${QUERY_REPEATED}`);
    }
    return problems;
  }

  private denyAdmin(request: HealthRequest): HealthHttpResponse | undefined {
    // Without a token the admin endpoints do not exist: nothing to guess, nothing to brute-force.
    if (!this.options.adminToken) return this.error(404, 'Not Found', DISABLED, request);
    const client = request.client ?? 'unknown';
    const retryAfter = this.authBudget?.refusedFor(client);
    if (retryAfter !== undefined) {
      return this.error(429, 'Too Many Requests', RATE_LIMITED(retryAfter), request, {}, { 'Retry-After': String(retryAfter) });
    }
    if (!isAuthorized(request.authorization, this.options.adminToken)) {
      this.authBudget?.fail(client);
      return this.error(401, 'Unauthorized', UNAUTHORIZED, request, {}, { 'WWW-Authenticate': 'Bearer realm="health"' });
    }
    this.authBudget?.succeed(client);
    return undefined;
  }

  /**
   * Whether this caller may see details. A wrong token on a GET counts against the client's
   * failure budget (details would tell a right guess from a wrong one); a client over its budget
   * gets the answer without details, never a refusal: probes are always answered.
   */
  private showsDetails(request: HealthRequest): boolean {
    const { details, adminToken } = this.options;
    if (details !== 'when-authorized') return details === 'always';
    if (request.authorization === undefined || !adminToken) return false;
    const client = request.client ?? 'unknown';
    if (this.authBudget?.refusedFor(client) !== undefined) return false;
    const authorized = isAuthorized(request.authorization, adminToken);
    if (authorized) this.authBudget?.succeed(client);
    else this.authBudget?.fail(client);
    return authorized;
  }

  /** For answers that never carry details (maintenance state, errors): no token is looked at. */
  private get plain(): RenderContext {
    return { options: this.options, showDetails: false };
  }

  private context(request: HealthRequest): RenderContext {
    return { options: this.options, showDetails: this.showsDetails(request) };
  }
}
