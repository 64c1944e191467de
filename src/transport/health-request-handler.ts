import { Inject, Injectable } from '@nestjs/common';
import { HealthService, type LayerReport, type ReportLayer } from '../layers/health.service.js';
import { InvalidMaintenanceRequestError, MaintenanceService, MaintenanceStoreUnavailableError } from '../maintenance/maintenance.service.js';
import type { ResolvedHealthOptions } from '../module/deep-health-options.js';
import { DEEP_HEALTH_OPTIONS } from '../module/tokens.js';
import { isAuthorized } from './admin-auth.js';
import { HEALTH_METRICS, type HealthMetrics } from '../metrics/health-metrics.js';
import { NO_CACHE_HEADERS, renderJson, renderReport, type HealthHttpResponse, type RenderContext } from './health-response.js';

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
}

/**
 * Answers every health endpoint, whatever the HTTP layer: it asks the layers for a report and
 * renders it. Controllers and the standalone server only route and write.
 */
@Injectable()
export class HealthRequestHandler {
  /** The last rendering of each layer (without and with details), reused while its inputs are the same objects. */
  private readonly rendered = new Map<ReportLayer, RenderedLayer>();
  private readonly renderedWithDetails = new Map<ReportLayer, RenderedLayer>();

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
    private readonly health: HealthService,
    private readonly maintenance: MaintenanceService,
    @Inject(HEALTH_METRICS) private readonly healthMetrics: HealthMetrics | null,
  ) {}

  /** Prometheus text when `metrics` is on; 404 with a reason otherwise. */
  async metrics(request: HealthRequest): Promise<HealthHttpResponse> {
    if (!this.healthMetrics) return this.error(404, 'Not Found', 'metrics are off: set the metrics option (and install prom-client)', request);
    const { contentType, body } = await this.healthMetrics.render();
    return { statusCode: 200, headers: { ...NO_CACHE_HEADERS, 'Content-Type': contentType }, body };
  }

  async layer(layer: ReportLayer, request: HealthRequest): Promise<HealthHttpResponse> {
    return this.respond(layer, await this.health.layer(layer), request);
  }

  /**
   * The answer of `layer`: synchronous when no check has to run (every result cached and fresh),
   * so a probe flood is answered without an await; a promise when some check must run first.
   */
  answer(layer: ReportLayer, request: HealthRequest): HealthHttpResponse | Promise<HealthHttpResponse> {
    const report = this.health.reportNow(layer);
    return report ? this.respond(layer, report, request) : this.layer(layer, request);
  }

  private respond(layer: ReportLayer, report: LayerReport, request: HealthRequest): HealthHttpResponse {
    const showDetails = this.showDetails(request);
    // A probe flood reads the same cached results again and again: render them once.
    const memos = showDetails ? this.renderedWithDetails : this.rendered;
    const memo = memos.get(layer);
    if (memo && sameInputs(memo.report, report)) return memo.response;
    const response = renderReport(report, { options: this.options, showDetails });
    memos.set(layer, { report, response });
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
    return renderJson(200, payload, this.context(request));
  }

  /** `PUT /maintenance` with `{ reason, until? | durationSeconds?, scope?, readOnly? }`. */
  async enableMaintenance(body: unknown, request: HealthRequest): Promise<HealthHttpResponse> {
    return this.changeMaintenance(request, () => this.maintenance.enable(body as never));
  }

  /** `DELETE /maintenance?scope=instance|fleet` (both without `scope`). */
  async disableMaintenance(request: HealthRequest, query: { scope?: unknown } = {}): Promise<HealthHttpResponse> {
    return this.changeMaintenance(request, () => this.maintenance.disable(query.scope === undefined ? {} : { scope: query.scope as never }));
  }

  /** A JSON error with a reason, in the shape of Nest's own HTTP errors. */
  error(statusCode: number, error: string, message: string, request: HealthRequest, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HealthHttpResponse {
    return renderJson(statusCode, { statusCode, error, message, ...extra }, this.context(request), headers);
  }

  private async changeMaintenance(request: HealthRequest, change: () => Promise<unknown>): Promise<HealthHttpResponse> {
    const denied = this.denyAdmin(request);
    if (denied) return denied;
    try {
      await change();
      return this.maintenanceStatus(request);
    } catch (error) {
      if (error instanceof InvalidMaintenanceRequestError) {
        return this.error(400, 'Bad Request', error.message, request, { problems: error.problems });
      }
      if (error instanceof MaintenanceStoreUnavailableError) return this.error(503, 'Service Unavailable', error.message, request);
      throw error;
    }
  }

  private denyAdmin(request: HealthRequest): HealthHttpResponse | undefined {
    // Without a token the admin endpoints do not exist: nothing to guess, nothing to brute-force.
    if (!this.options.adminToken) return this.error(404, 'Not Found', 'maintenance endpoints are disabled: configure adminToken to enable them', request);
    if (!isAuthorized(request.authorization, this.options.adminToken)) {
      return this.error(401, 'Unauthorized', 'send Authorization: Bearer <adminToken>', request, {}, { 'WWW-Authenticate': 'Bearer realm="health"' });
    }
    return undefined;
  }

  private context(request: HealthRequest): RenderContext {
    return { options: this.options, showDetails: this.showDetails(request) };
  }

  private showDetails(request: HealthRequest): boolean {
    const { details, adminToken } = this.options;
    return details === 'always' || (details === 'when-authorized' && isAuthorized(request.authorization, adminToken));
  }
}
