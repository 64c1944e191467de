import { Injectable, ServiceUnavailableException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { ALLOW_IN_MAINTENANCE } from './allow-in-maintenance.decorator.js';
import { MaintenanceService } from './maintenance.service.js';
import { READ_ONLY_REJECTED } from './messages.js';

/** Methods that read: they keep working in read-only maintenance. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard (registered by `DeepHealthModule`) for read-only maintenance: while maintenance is
 * on with `readOnly`, unsafe methods of the app's own HTTP routes get 503 with `Retry-After` and a
 * JSON reason. Reads, the health endpoints and routes marked `@AllowInMaintenance()` pass.
 * Routes served by plain middleware (not controllers) are not guarded.
 */
@Injectable()
export class MaintenanceGuard implements CanActivate {
  constructor(
    private readonly maintenance: MaintenanceService,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const state = this.maintenance.status();
    if (!state.enabled || !state.readOnly) return true;
    const http = context.switchToHttp();
    const method = String((http.getRequest() as { method?: unknown }).method ?? '').toUpperCase();
    if (SAFE_METHODS.has(method)) return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_IN_MAINTENANCE, [context.getHandler(), context.getClass()])) return true;

    const retryAfter = this.maintenance.retryAfterSeconds();
    // Set before throwing: the exception filter writes status and body, and keeps headers already set.
    this.adapterHost.httpAdapter?.setHeader(http.getResponse(), 'Retry-After', String(retryAfter));
    const reason = state.reason ?? '';
    throw new ServiceUnavailableException({
      statusCode: 503,
      error: 'Service Unavailable',
      message: READ_ONLY_REJECTED(reason, retryAfter),
      maintenance: {
        reason,
        readOnly: true,
        ...(state.since ? { since: state.since } : {}),
        ...(state.until ? { until: state.until } : {}),
      },
    });
  }
}
