import type { CheckResult } from '../engine/health-engine.js';
import type { LayerReport } from '../layers/health.service.js';
import type { OptionsForTransport } from './transport-options.js';
import { TO_TERMINUS } from '../terminus/terminus-adapters.js';

/** A response ready to be written by any HTTP layer (Express, Fastify, the standalone server). */
export interface HealthHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A response as it goes on the wire: the body encoded once, header names in lower case (as HTTP/2
 * and Fastify send them anyway) and `content-length` included, so a transport writes it in one
 * call without touching it.
 */
export interface WireResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * A string, not a Buffer: node writes a string body in one chunk with the header block (a Buffer
   * is queued as a second chunk, which costs every probe a `writev` of two).
   */
  readonly body: string;
}

const wireForms = new WeakMap<HealthHttpResponse, WireResponse>();

/**
 * The wire form of `response`, made once per response object: the request handler hands out the
 * same object while a layer's report is unchanged, so a probe flood encodes nothing.
 */
export function toWire(response: HealthHttpResponse): WireResponse {
  let wire = wireForms.get(response);
  if (!wire) {
    const { body } = response;
    const headers: Record<string, string> = {};
    for (const name of Object.keys(response.headers)) headers[name.toLowerCase()] = response.headers[name]!;
    headers['content-length'] = String(Buffer.byteLength(body, 'utf8'));
    wire = { statusCode: response.statusCode, headers, body };
    wireForms.set(response, wire);
  }
  return wire;
}

/**
 * Never stored, never reused without asking (RFC 9111). `Pragma` and `Expires` are left out: they
 * speak to HTTP/1.0 caches, which `Cache-Control` supersedes, and each header costs every probe.
 */
export const NO_CACHE_HEADERS = {
  'Cache-Control': 'no-cache, no-store, must-revalidate',
} as const;

const HEALTH_JSON = 'application/health+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

export interface RenderContext {
  options: Pick<OptionsForTransport, 'format' | 'service'>;
  /** Whether failure outputs and details may be shown to this caller. */
  showDetails: boolean;
}

/** Turns a layer report into an HTTP response in the configured format. */
export function renderReport(report: LayerReport, context: RenderContext): HealthHttpResponse {
  const statusCode = report.status === 'fail' ? 503 : 200;
  // The layer is in the body (`layer`); only the text form, which has no such field, sends it as a header.
  const headers: Record<string, string> = { ...NO_CACHE_HEADERS };
  if (statusCode === 503 && report.retryAfterSeconds !== undefined) headers['Retry-After'] = String(report.retryAfterSeconds);
  const body = context.options.format === 'terminus' ? terminusBody(report, context) : ietfBody(report, context);
  headers['Content-Type'] = context.options.format === 'terminus' ? JSON_TYPE : HEALTH_JSON;
  return { statusCode, headers, body: JSON.stringify(body) };
}

const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * kube-apiserver's verbose form (`/readyz?verbose`): one line a check, `[+]name ok` or
 * `[-]name failed: <reason>` (`reason withheld` without details), then `<label> check passed|failed`.
 * The version fields travel as headers, so the body stays what kube tooling prints.
 */
export function renderVerbose(report: LayerReport, context: RenderContext, label: string): HealthHttpResponse {
  const statusCode = report.status === 'fail' ? 503 : 200;
  const reason = (output: string | undefined) => (context.showDetails ? output ?? 'no reason given' : 'reason withheld');
  const lines = report.results.map((result) => {
    if (result.status === 'pass') return `[+]${result.name} ok`;
    if (result.status === 'warn') return `[+]${result.name} warn: ${reason(result.output)}`;
    return `[-]${result.name} failed: ${reason(result.output)}`;
  });
  // The instance state that failed the layer without any check failing (maintenance, draining, booting).
  if (report.draining) lines.push(`[-]shutdown failed: ${context.showDetails ? 'draining' : 'reason withheld'}`);
  else if (report.status === 'fail' && report.maintenance?.enabled) lines.push(`[-]maintenance failed: ${reason(report.maintenance.reason)}`);
  else if (report.status === 'fail' && !report.results.some((r) => r.status === 'fail')) lines.push(`[-]${report.layer === 'startup' ? 'startup' : 'bootstrap'} failed: ${reason(report.output)}`);
  lines.push(`${label} check ${statusCode === 200 ? 'passed' : 'failed'}`);
  const headers: Record<string, string> = { ...NO_CACHE_HEADERS, 'Content-Type': TEXT_TYPE, 'X-Health-Layer': report.layer, ...versionHeaders(context) };
  if (statusCode === 503 && report.retryAfterSeconds !== undefined) headers['Retry-After'] = String(report.retryAfterSeconds);
  return { statusCode, headers, body: `${lines.join('\n')}\n` };
}

function versionHeaders(context: RenderContext): Record<string, string> {
  const fields = versionFields(context);
  // A header value must be printable ASCII: a version like "1.0.0-ß" must not turn the probe into a 500.
  const header = (value: string) => value.replace(/[^\x20-\x7e]/g, '?');
  return {
    'X-Health-Version': header(fields.version!),
    ...(fields.releaseId ? { 'X-Health-Release-Id': header(fields.releaseId) } : {}),
    'X-Health-Service-Id': header(fields.serviceId!),
  };
}

/** A small JSON answer for non-report endpoints (maintenance, errors), with the version fields. */
export function renderJson(statusCode: number, payload: Record<string, unknown>, context: RenderContext, extraHeaders: Record<string, string> = {}): HealthHttpResponse {
  return {
    statusCode,
    headers: { ...NO_CACHE_HEADERS, 'Content-Type': JSON_TYPE, ...extraHeaders },
    body: JSON.stringify({ ...payload, ...versionFields(context) }),
  };
}

function versionFields({ options }: RenderContext): Record<string, string> {
  const { service } = options;
  return {
    version: service.version,
    ...(service.releaseId ? { releaseId: service.releaseId } : {}),
    serviceId: service.name,
    ...(service.description ? { description: service.description } : {}),
  };
}

function stateFields(report: LayerReport): Record<string, unknown> {
  return {
    ...(report.maintenance ? { maintenance: report.maintenance } : {}),
    ...(report.draining ? { draining: true } : {}),
  };
}

/** draft-inadarei-api-health-check: `checks` keyed by name, each an array of one result. */
function ietfBody(report: LayerReport, context: RenderContext): Record<string, unknown> {
  const checks: Record<string, unknown[]> = {};
  for (const result of report.results) checks[result.name] = [ietfCheck(result, context.showDetails)];
  return {
    status: report.status,
    ...versionFields(context),
    layer: report.layer,
    ...(report.output ? { output: report.output } : {}),
    ...stateFields(report),
    checks,
  };
}

function ietfCheck(result: CheckResult, showDetails: boolean): Record<string, unknown> {
  return {
    componentType: result.componentType,
    status: result.status,
    critical: result.critical,
    time: result.time,
    durationMs: result.durationMs,
    ...(result.observedValue !== undefined ? { observedValue: result.observedValue } : {}),
    ...(result.observedUnit !== undefined ? { observedUnit: result.observedUnit } : {}),
    ...(result.measurements ? { measurements: result.measurements } : {}),
    ...(result.consecutiveFailures ? { consecutiveFailures: result.consecutiveFailures } : {}),
    ...(showDetails && result.output !== undefined ? { output: result.output } : {}),
    ...(showDetails && result.details ? { details: result.details } : {}),
  };
}

/** The @nestjs/terminus shape (`status`, `info`, `error`, `details`) plus the version fields. */
function terminusBody(report: LayerReport, context: RenderContext): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  const error: Record<string, unknown> = {};
  for (const result of report.results) {
    const { status, critical, componentType, time, durationMs, observedValue, observedUnit, measurements, consecutiveFailures } = result;
    const entry = {
      status: TO_TERMINUS[status],
      critical,
      componentType,
      time,
      durationMs,
      ...(observedValue !== undefined ? { observedValue, observedUnit } : {}),
      ...(measurements ? { measurements } : {}),
      ...(consecutiveFailures ? { consecutiveFailures } : {}),
      ...(context.showDetails && result.output !== undefined ? { message: result.output } : {}),
      ...(context.showDetails && result.details ? { details: result.details } : {}),
    };
    (status === 'fail' ? error : info)[result.name] = entry;
  }
  const status = report.draining ? 'shutting_down' : report.status === 'fail' ? 'error' : report.status === 'warn' ? 'degraded' : 'ok';
  return {
    status,
    info,
    error,
    details: { ...info, ...error },
    ...versionFields(context),
    layer: report.layer,
    ...(report.output ? { output: report.output } : {}),
    ...stateFields(report),
  };
}
