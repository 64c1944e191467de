import { Inject, Injectable } from '@nestjs/common';
import { HealthService, type LayerReport, type ReportLayer } from '../layers/health.service.js';
import { InvalidMaintenanceRequestError, MaintenanceService, MaintenanceStoreUnavailableError } from '../maintenance/maintenance.service.js';
import { DEEP_HEALTH_OPTIONS } from '../tokens/deep-health-options.token.js';
import { isAuthorized } from './admin-auth.js';
import { AuthFailureBudget } from './auth-failure-budget.js';
import { unsupportedContentType, type BodyIntake } from './request-body.js';
import { BODY_INVALID_JSON, BODY_TOO_LARGE, BODY_UNREADABLE, DISABLED, QUERY_REPEATED, QUERY_UNKNOWN, RATE_LIMITED, UNAUTHORIZED } from './messages.js';
import { HEALTH_METRICS, type HealthMetrics } from '../metrics/health-metrics.js';
import { StatusPageService } from '../status-page/status-page.service.js';
import { STATUS_PAGE_HEADERS } from '../status-page/page/status-page.html.js';
import { FLEET_OFF, HISTORY_CHECK_REPEATED, HISTORY_UNKNOWN_QUERY, UI_OFF, UNKNOWN_HISTORY_CHECK } from '../status-page/messages.js';
import { NO_CACHE_HEADERS, renderJson, renderReport, renderVerbose, type HealthHttpResponse, type RenderContext } from './health-response.js';
import type { DetailsPolicy, OptionsForTransport } from './transport-options.js';

export type { ReportLayer };

interface RenderedLayer {
  report: LayerReport;
  response: HealthHttpResponse;
}

/** Whether two reports render the same: the same state and the same result objects. */
function sameInputs(a: LayerReport, b: LayerReport): boolean {
  if (a === b) return true;
  if (a.status !== b.status || a.output !== b.output || a.draining !== b.draining || a.retryAfterSeconds !== b.retryAfterSeconds || a.maintenance !== b.maintenance) return false;
  if (a.results === b.results) return true;
  return a.results.length === b.results.length && a.results.every((result, i) => result === b.results[i]);
}

/** What the HTTP layers pass in; the same for Express, Fastify and the standalone server. */
export interface HealthRequest {
  authorization?: string | string[];
  /** Who is asking (the remote address as the adapter sees it): the key of the auth failure budget. */
  client?: string;
  /** The query parameters, as the HTTP layer parsed them (repeated names as arrays). */
  query?: HealthQuery;
}

/** Query parameters every report route takes (kube-apiserver's `/livez` and `/readyz` have them too). */
export interface HealthQuery {
  /** Present (and not `false`/`0`): answer in kube-apiserver's text form, one line a check. */
  verbose?: unknown;
  /** A check name to leave out of this answer; repeatable. */
  exclude?: unknown;
  [name: string]: unknown;
}

const MAX_QUERY_PROBLEMS = 10;

/** The kube-apiserver name of each layer, for the last line of a verbose answer. */
const VERBOSE_LABELS: Record<ReportLayer, string> = { live: 'livez', startup: 'startupz', ready: 'readyz', deep: 'deep' };

/** A request to a maintenance route (PUT / DELETE), as every transport hands it in. */
export interface AdminRequest extends HealthRequest {
  /** The raw query string (after `?`, undecoded), validated here whatever the adapter's query parser does. */
  rawQuery: string;
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
  private readonly rendered = new Map<ReportLayer, RenderedLayer>();
  private readonly renderedWithDetails = new Map<ReportLayer, RenderedLayer>();

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: OptionsForTransport,
    private readonly health: HealthService,
    private readonly maintenance: MaintenanceService,
    @Inject(HEALTH_METRICS) private readonly healthMetrics: HealthMetrics | null,
    private readonly statusPage: StatusPageService,
  ) {
    this.authBudget = options.authFailureBudget ? new AuthFailureBudget(options.authFailureBudget) : undefined;
  }

  /** Wrong tokens per client; `undefined` when `authFailureBudget: false`. */
  private readonly authBudget?: AuthFailureBudget;

  /** `GET /<path>/<ui.path>`: the status page (self-contained HTML under a strict CSP). */
  page(request: HealthRequest): HealthHttpResponse {
    const html = this.statusPage.html;
    if (!html) return this.error(404, 'Not Found', UI_OFF, request);
    return { statusCode: 200, headers: { ...NO_CACHE_HEADERS, ...STATUS_PAGE_HEADERS }, body: html };
  }

  /** `GET /<path>/history[?check=<name>]`: recent results and transitions per check; outputs only with details. */
  history(request: HealthRequest, query: Record<string, unknown> = {}): HealthHttpResponse {
    const unknown = Object.keys(query).filter((key) => key !== 'check');
    if (unknown.length > 0) return this.error(400, 'Bad Request', HISTORY_UNKNOWN_QUERY(unknown), request);
    const check = query.check;
    if (check !== undefined && typeof check !== 'string') return this.error(400, 'Bad Request', HISTORY_CHECK_REPEATED, request);
    const context = this.context(request);
    const history = this.statusPage.history;
    if (!history) return this.error(404, 'Not Found', UI_OFF, request);
    if (check !== undefined && !history.has(check)) return this.error(404, 'Not Found', UNKNOWN_HISTORY_CHECK(check, history.names), request);
    return renderJson(200, { ...this.statusPage.historyPayload(context.showDetails, check) }, context);
  }

  /** `GET /<path>/fleet`: every replica's last heartbeat, version drift, replicas that stopped reporting. */
  async fleet(request: HealthRequest): Promise<HealthHttpResponse> {
    if (!this.options.ui) return this.error(404, 'Not Found', UI_OFF, request);
    const report = await this.statusPage.fleetReport();
    if (!report) return this.error(404, 'Not Found', FLEET_OFF, request);
    return renderJson(200, { ...report }, this.context(request));
  }

  /** Prometheus text when `metrics` is on; 404 with a reason otherwise. */
  async metrics(request: HealthRequest): Promise<HealthHttpResponse> {
    if (!this.healthMetrics) return this.error(404, 'Not Found', 'metrics are off: set the metrics option (and install prom-client)', request);
    const { contentType, body } = await this.healthMetrics.render();
    return { statusCode: 200, headers: { ...NO_CACHE_HEADERS, 'Content-Type': contentType }, body };
  }

  async layer(layer: ReportLayer, request: HealthRequest): Promise<HealthHttpResponse> {
    const query = this.parseQuery(request);
    if ('problems' in query) return this.badQuery(query.problems, request);
    const report: LayerReport = await this.health.layer(layer, query.exclude);
    if (query.verbose) return renderVerbose(report, this.context(request), VERBOSE_LABELS[layer]);
    return this.respond(layer, report, request);
  }

  /**
   * The answer of `layer`: synchronous when the request has no `verbose`/`exclude` and no check has
   * to run (every result cached and fresh), so a probe flood is answered without an await; a
   * promise otherwise.
   */
  answer(layer: ReportLayer, request: HealthRequest): HealthHttpResponse | Promise<HealthHttpResponse> {
    const query = request.query;
    const report = query?.verbose === undefined && query?.exclude === undefined ? this.health.reportNow(layer) : undefined;
    return report ? this.respond(layer, report, request) : this.layer(layer, request);
  }

  private respond(layer: ReportLayer, report: LayerReport, request: HealthRequest): HealthHttpResponse {
    const showDetails = this.context(request).showDetails;
    // A probe flood reads the same cached results again and again: render them once.
    const memos = showDetails ? this.renderedWithDetails : this.rendered;
    const memo = memos.get(layer);
    if (memo && sameInputs(memo.report, report)) return memo.response;
    const response = renderReport(report, { options: this.options, showDetails });
    memos.set(layer, { report, response });
    return response;
  }

  async check(name: string, request: HealthRequest): Promise<HealthHttpResponse> {
    const query = this.parseQuery(request);
    if ('problems' in query) return this.badQuery(query.problems, request);
    const report = await this.health.check(name);
    if (report) return query.verbose ? renderVerbose(report, this.context(request), `checks/${name}`) : renderReport(report, this.context(request));
    const known = this.health.checks.map((c) => c.name);
    return this.error(404, 'Not Found', `no check named ${JSON.stringify(name.slice(0, 100))}; known checks: ${known.join(', ') || 'none'}`, request);
  }

  /** `GET /groups/:name`: the group's checks, each critical there, with the group's details policy. */
  async group(name: string, request: HealthRequest): Promise<HealthHttpResponse> {
    const query = this.parseQuery(request);
    if ('problems' in query) return this.badQuery(query.problems, request);
    const report = await this.health.group(name, query.exclude);
    if (!report) {
      const known = this.health.groups;
      return this.error(404, 'Not Found', `no health group named ${JSON.stringify(name.slice(0, 100))}; known groups: ${known.join(', ') || 'none'}`, request);
    }
    const context = this.context(request, this.options.groups[name]?.details);
    return query.verbose ? renderVerbose(report, context, `groups/${name}`) : renderReport(report, context);
  }

  /** `?verbose` and `?exclude=<name>` (repeatable); an unknown check name to exclude is a 400. */
  private parseQuery(request: HealthRequest): { verbose: boolean; exclude: string[] } | { problems: string[] } {
    const { verbose, exclude } = request.query ?? {};
    const problems: string[] = [];
    const flag = Array.isArray(verbose) ? verbose[verbose.length - 1] : verbose;
    const excluded = exclude === undefined ? [] : Array.isArray(exclude) ? exclude : [exclude];
    const names: string[] = [];
    // Probes rarely exclude anything: the hot path builds no list of names.
    const known = excluded.length ? this.health.checks.map((c) => c.name) : [];
    for (const name of excluded) {
      if (typeof name !== 'string' || name === '') problems.push(`exclude: must be a check name, got ${JSON.stringify(name)}`);
      else if (!known.includes(name)) problems.push(`exclude: no check named ${JSON.stringify(name.slice(0, 100))} (known: ${known.join(', ') || 'none'})`);
      else names.push(name);
    }
    // A hostile query repeating `exclude` thousands of times gets a bounded answer.
    if (problems.length > MAX_QUERY_PROBLEMS) problems.splice(MAX_QUERY_PROBLEMS, Infinity, `exclude: ${problems.length - MAX_QUERY_PROBLEMS} more problems left out`);
    if (problems.length) return { problems };
    return { verbose: flag !== undefined && flag !== 'false' && flag !== '0', exclude: names };
  }

  private badQuery(problems: string[], request: HealthRequest): HealthHttpResponse {
    return this.error(400, 'Bad Request', problems.join('; '), request, { problems });
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
    const query = new URLSearchParams(request.rawQuery);
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
   * Whether this caller may see details under `policy`. A wrong token on a GET counts against the
   * client's failure budget (details would tell a right guess from a wrong one); a client over its
   * budget gets the answer without details, never a refusal: probes are always answered.
   */
  private showsDetails(request: HealthRequest, policy: DetailsPolicy): boolean {
    const { adminToken } = this.options;
    if (policy !== 'when-authorized') return policy === 'always';
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

  private context(request: HealthRequest, policy?: DetailsPolicy): RenderContext {
    return { options: this.options, showDetails: this.showsDetails(request, policy ?? this.options.details) };
  }
}
