import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { HealthService } from '../layers/health.service.js';
import { DEEP_HEALTH_OPTIONS } from '../tokens/deep-health-options.token.js';
import { CheckHistory, type CheckHistorySnapshot } from './check-history.js';
import type { FleetHeartbeat } from './fleet-store.js';
import { FleetView, type FleetReport } from './fleet-view.js';
import { renderStatusPage } from './page/status-page.html.js';
import { defaultReplicaId, type OptionsForStatusPage } from './status-page-options.js';
import { WebhookNotifier } from './webhook-notifier.js';

/** What `GET /<path>/history` answers (plus the version fields). */
export interface HistoryPayload {
  /** When this process started (ISO 8601), for the page's uptime. */
  startedAt: string;
  /** This server's clock, so the page shows "12 s ago" right whatever the viewer's clock says. */
  now: string;
  /** Whether outputs are included for this caller (the details policy). */
  details: boolean;
  /** Whether `GET /<path>/fleet` has a fleet to show. */
  fleet: boolean;
  /** Each check's recent results and transitions, by check name (only the asked-for check with `?check=`). */
  checks: Record<string, CheckHistorySnapshot>;
}

/**
 * The status page's state: the check history (fed by the engine's and the layers' listeners),
 * the fleet heartbeat, and the webhook notifier. It never runs a check of its own; the fleet
 * heartbeat asks the layers like a probe would.
 */
@Injectable()
export class StatusPageService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** `undefined` when `ui: false`. */
  readonly history?: CheckHistory;
  /** The fleet heartbeat and view; `undefined` unless `ui.fleet` is set. */
  readonly fleet?: FleetView;
  /** Sends status transitions to the `webhooks`; `undefined` when there are none. */
  readonly notifier?: WebhookNotifier;
  private readonly page?: string;
  private readonly startedAt = new Date(Date.now() - process.uptime() * 1000).toISOString();
  private readonly unsubscribe: Array<() => unknown> = [];

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: OptionsForStatusPage,
    private readonly health: HealthService,
  ) {
    const { ui, webhooks, service } = options;
    if (ui) {
      const history = new CheckHistory({ resultsPerCheck: ui.historySize, transitionsPerCheck: ui.transitionsSize });
      this.history = history;
      this.unsubscribe.push(health.engine.onResult((result) => history.record(result)));
      this.unsubscribe.push(health.onTransition((transition, result) => history.recordTransition(transition, result)));
      this.page = renderStatusPage({ refreshIntervalMs: ui.refreshIntervalMs });
      if (ui.fleet) this.fleet = new FleetView(ui.fleet, () => this.heartbeat(ui.fleet!.replicaId));
    }
    if (webhooks.length > 0) {
      const notifier = new WebhookNotifier(webhooks, {
        service: service.name,
        version: service.version,
        ...(service.releaseId ? { releaseId: service.releaseId } : {}),
        replica: ui && ui.fleet ? ui.fleet.replicaId : defaultReplicaId(process.env, hostname()),
      });
      this.notifier = notifier;
      this.unsubscribe.push(health.onTransition((transition, result) => notifier.notify(transition, result.critical)));
    }
  }

  /** Starts the fleet heartbeat (the first one at once), when there is a fleet view. */
  onApplicationBootstrap(): void {
    this.fleet?.start();
  }

  /** After the drain (the heartbeat showed it) and the HTTP server: off the fleet list, nothing more sent. */
  async onApplicationShutdown(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    this.notifier?.close();
    await this.fleet?.stop();
  }

  /** The page's HTML, or `undefined` when `ui: false`. Made once at boot. */
  get html(): string | undefined {
    return this.page;
  }

  /**
   * The body of `GET /<path>/history`: every check's history, or one check's with `check`; outputs
   * only when `showDetails`. `undefined` when `ui: false`.
   */
  historyPayload(showDetails: boolean, check?: string): HistoryPayload | undefined {
    if (!this.history) return undefined;
    return {
      startedAt: this.startedAt,
      now: new Date().toISOString(),
      details: showDetails,
      fleet: this.fleet !== undefined,
      checks: this.history.snapshot(showDetails, check),
    };
  }

  /** The body of `GET /<path>/fleet` (reads the store), or `undefined` without `ui.fleet`. */
  fleetReport(): Promise<FleetReport> | undefined {
    return this.fleet?.report();
  }

  private async heartbeat(id: string): Promise<FleetHeartbeat> {
    const [live, startup, ready] = await Promise.all([this.health.live(), this.health.startup(), this.health.ready()]);
    const { service } = this.options;
    return {
      id,
      service: service.name,
      version: service.version,
      ...(service.releaseId ? { releaseId: service.releaseId } : {}),
      layers: { live: live.status, startup: startup.status, ready: ready.status },
      maintenance: ready.maintenance?.enabled === true,
      draining: ready.draining === true,
      startedAt: this.startedAt,
      seenAt: Date.now(),
    };
  }
}
