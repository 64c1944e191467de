import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { defineCheck, pass, warn, type HealthCheck } from '../engine/check.js';
import { DEEP_HEALTH_OPTIONS } from '../tokens/deep-health-options.token.js';
import { describeError } from '../engine/redact.js';
import { withTimeout } from '../engine/until-aborted.js';
import type { OptionsForMaintenance, ResolvedMaintenanceOptions } from './maintenance-options.js';
import { MAINTENANCE_STORE_CHECK } from './maintenance-store.js';
import { parseDisableRequest, parseEnableRequest, parseStoredState } from './maintenance-request.js';
import { OFF, type DisableMaintenance, type EnableMaintenance, type MaintenanceScope, type MaintenanceState } from './maintenance-state.js';
import {
  LOG_OFF,
  LOG_ON,
  LOG_STORE_BACK,
  LOG_STORE_DOWN,
  STORE_INVALID_STATE,
  STORE_KEEPING_STATE,
  STORE_TIMEOUT,
  STORE_UNAVAILABLE,
} from './messages.js';

export { InvalidMaintenanceRequestError, MAX_REASON_LENGTH } from './maintenance-request.js';
export { MAINTENANCE_STORE_CHECK };

/** The fleet store could not be read or written in time; the change was not made. */
export class MaintenanceStoreUnavailableError extends Error {
  /** Always `'MaintenanceStoreUnavailableError'`, for telling the error apart without `instanceof`. */
  override readonly name = 'MaintenanceStoreUnavailableError';
}

/** How the last exchange with the fleet store went. */
export interface MaintenanceStoreSync {
  /** Whether the last store call succeeded. */
  reachable: boolean;
  /** Last successful read or write (ISO 8601). */
  lastSyncAt?: string;
  /** Round trip of the last successful call, in ms. */
  latencyMs?: number;
  /** Why the last call failed (secret-free, one line). */
  error?: string;
}

type Layer = 'instance' | 'fleet';

/** The longest delay setTimeout takes (~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Takes this instance, or the whole fleet, out of rotation for planned work: readiness answers
 * 503 with `Retry-After` while liveness stays 200, and in read-only mode unsafe requests to the
 * app's own routes are refused. Two switches: this instance's, and the fleet's (kept in
 * `maintenance.store`); the instance is in maintenance when either is on.
 *
 * @example
 * constructor(private readonly maintenance: MaintenanceService) {}
 * await this.maintenance.enable({ reason: 'reindexing embeddings', durationSeconds: 900, scope: 'fleet' });
 * this.maintenance.status(); // { enabled: true, scope: 'fleet', reason: 'reindexing embeddings', ... }
 * await this.maintenance.disable();
 */
@Injectable()
export class MaintenanceService implements OnModuleInit, OnModuleDestroy {
  /** The `maintenance:store` check when a store is configured (the deep layer runs it). */
  readonly storeCheck?: HealthCheck;
  private readonly logger = new Logger('DeepHealth');
  private readonly options: ResolvedMaintenanceOptions;
  private readonly layers: Record<Layer, MaintenanceState> = { instance: OFF, fleet: OFF };
  private readonly expiry: Partial<Record<Layer, NodeJS.Timeout>> = {};
  private readonly listeners = new Set<(state: MaintenanceState) => void>();
  private sync?: MaintenanceStoreSync;
  // Orders store answers: an answer to an older call never overwrites a newer one.
  private sequence = 0;
  private appliedSequence = 0;
  private pollTimer?: NodeJS.Timeout;
  private unsubscribe?: () => Promise<void> | void;
  private closed = false;

  constructor(@Inject(DEEP_HEALTH_OPTIONS) healthOptions: OptionsForMaintenance) {
    this.options = healthOptions.maintenance;
    const { initial } = this.options;
    if (initial) {
      this.layers.instance = { enabled: true, scope: 'instance', reason: initial.reason, since: new Date().toISOString(), readOnly: initial.readOnly };
    }
    if (this.options.store) {
      this.storeCheck = defineCheck({
        name: MAINTENANCE_STORE_CHECK,
        critical: false,
        componentType: 'datastore',
        // Reports the sync loop (pub/sub + polling), which already bounds every store call.
        cacheTtlMs: 0,
        run: () => this.storeOutcome(),
      });
    }
  }

  /**
   * Nest hook: with a store, reads the fleet state before the first request (a restarted replica
   * stays in maintenance), subscribes to its changes, and starts polling it every `pollIntervalMs`.
   */
  async onModuleInit(): Promise<void> {
    if (this.layers.instance.enabled) this.logChange('instance', this.layers.instance, 'at boot');
    const store = this.options.store;
    if (!store) return;
    // The fleet state must be known before the first request: a restarted replica stays in maintenance.
    await this.refresh();
    try {
      this.unsubscribe = await this.bounded(() => store.subscribe(() => void this.refresh()));
    } catch (error) {
      this.logger.warn(LOG_STORE_DOWN(describeError(error)));
    }
    this.pollTimer = setInterval(() => void this.refresh(), this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  /** Nest hook: stops the polling and the end-of-maintenance timers, unsubscribes and closes the store. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    for (const layer of ['instance', 'fleet'] as const) clearTimeout(this.expiry[layer]);
    const store = this.options.store;
    if (!store) return;
    try {
      await this.unsubscribe?.();
      await store.close();
    } catch (error) {
      this.logger.warn(LOG_STORE_DOWN(describeError(error)));
    }
  }

  /**
   * The state this instance acts on: on when its own switch or the fleet's is on (with both on,
   * the fleet's reason leads, read-only applies if either asks, and it ends when both have ended).
   * Expired maintenance reads as off.
   */
  status(): MaintenanceState {
    return combine(this.current('instance'), this.current('fleet'));
  }

  /** Both switches, for `GET /health/maintenance`. */
  layersStatus(): {
    /** This instance's switch. */
    instance: MaintenanceState;
    /** The fleet's switch; only when a store is configured. */
    fleet?: MaintenanceState;
  } {
    return { instance: this.current('instance'), ...(this.options.store ? { fleet: this.current('fleet') } : {}) };
  }

  /** How the last exchange with the fleet store went, or `undefined` without a store. */
  storeStatus(): MaintenanceStoreSync | undefined {
    return this.sync && { ...this.sync };
  }

  /** Whether this instance is in maintenance, by either switch (`status().enabled`). */
  get enabled(): boolean {
    return this.status().enabled;
  }

  /** Seconds until maintenance ends, for `Retry-After`; `maintenance.retryAfterSeconds` when it has no end. */
  retryAfterSeconds(): number {
    const until = this.status().until;
    if (!until) return this.options.retryAfterSeconds;
    return Math.max(1, Math.ceil((Date.parse(until) - Date.now()) / 1000));
  }

  /** Calls `listener` with the new state whenever maintenance turns on, off or changes. Returns the unsubscribe function. */
  onChange(listener: (state: MaintenanceState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Enters maintenance. `scope: 'fleet'` writes to the store, and every replica applies it.
   * Throws `InvalidMaintenanceRequestError` for a bad request, `MaintenanceStoreUnavailableError`
   * when the store cannot be written (nothing changes then).
   */
  async enable(request: EnableMaintenance): Promise<MaintenanceState> {
    const next = parseEnableRequest(request, {
      now: Date.now(),
      defaultReadOnly: this.options.readOnly,
      fleetAvailable: this.options.store !== undefined,
    });
    if (next.scope === 'fleet') await this.writeFleet(next);
    else this.set('instance', next, 'enabled');
    return this.status();
  }

  /**
   * Leaves maintenance: this instance's switch, the fleet's, or (without `scope`) both.
   * Throws `MaintenanceStoreUnavailableError` when the fleet state cannot be cleared.
   */
  async disable(request: DisableMaintenance = {}): Promise<MaintenanceState> {
    const { scope } = parseDisableRequest(request, this.options.store !== undefined);
    if (scope !== 'fleet') this.set('instance', OFF, 'disabled');
    if (scope !== 'instance' && this.options.store) await this.writeFleet(undefined);
    return this.status();
  }

  /** Reads the fleet state now (pub/sub and polling call this). Never throws: failures are recorded. */
  async refresh(): Promise<void> {
    const store = this.options.store;
    if (!store || this.closed) return;
    const sequence = ++this.sequence;
    const started = performance.now();
    try {
      const raw = await this.bounded((signal) => store.read({ signal }));
      const parsed = parseStoredState(raw);
      if ('problem' in parsed) throw new Error(STORE_INVALID_STATE(parsed.problem));
      this.recordSuccess(started);
      if (sequence > this.appliedSequence) {
        this.appliedSequence = sequence;
        // The key outlives `until` by a grace period; an ended maintenance must not come back on.
        const state = parsed.state && !hasEnded(parsed.state) ? parsed.state : OFF;
        this.set('fleet', state, 'changed by another replica');
      }
    } catch (error) {
      this.recordFailure(error);
    }
  }

  private async writeFleet(state: MaintenanceState | undefined): Promise<void> {
    const store = this.options.store!;
    const sequence = ++this.sequence;
    const started = performance.now();
    try {
      await this.bounded((signal) => store.write(state, { signal }));
    } catch (error) {
      this.recordFailure(error);
      throw new MaintenanceStoreUnavailableError(STORE_UNAVAILABLE(state ? 'entering fleet maintenance' : 'leaving fleet maintenance', describeError(error)));
    }
    this.recordSuccess(started);
    if (sequence > this.appliedSequence) {
      this.appliedSequence = sequence;
      this.set('fleet', state ?? OFF, state ? 'enabled' : 'disabled');
    }
  }

  /** Runs one store call under `storeTimeoutMs`, aborting it when the time is up. */
  private bounded<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { storeTimeoutMs } = this.options;
    return withTimeout(call, storeTimeoutMs, STORE_TIMEOUT(storeTimeoutMs));
  }


  private recordSuccess(started: number): void {
    if (this.sync && !this.sync.reachable) this.logger.log(LOG_STORE_BACK);
    this.sync = { reachable: true, lastSyncAt: new Date().toISOString(), latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  private recordFailure(error: unknown): void {
    const text = describeError(error);
    if (!this.sync || this.sync.reachable) this.logger.warn(LOG_STORE_DOWN(text));
    this.sync = { reachable: false, ...(this.sync?.lastSyncAt ? { lastSyncAt: this.sync.lastSyncAt } : {}), error: text };
  }

  private storeOutcome() {
    const sync = this.sync;
    const fleetOn = this.current('fleet').enabled;
    const details = { fleetMaintenance: fleetOn ? 'on' : 'off', ...(sync?.lastSyncAt ? { lastSyncAt: sync.lastSyncAt } : {}) };
    if (!sync || !sync.reachable) return warn(STORE_KEEPING_STATE(sync?.error ?? 'not read yet', fleetOn), { details });
    return pass({ observedValue: sync.latencyMs, observedUnit: 'ms', details });
  }

  /** A layer's state, turning it off first when its end has passed. */
  private current(layer: Layer): MaintenanceState {
    const state = this.layers[layer];
    if (hasEnded(state)) this.set(layer, OFF, 'expired');
    return this.layers[layer];
  }

  private set(layer: Layer, next: MaintenanceState, why: string): void {
    const before = this.layers[layer];
    if (sameState(before, next)) return;
    const effectiveBefore = this.closed ? undefined : combine(this.layers.instance, this.layers.fleet);
    clearTimeout(this.expiry[layer]);
    this.layers[layer] = next;
    if (next.enabled && next.until && !this.closed) this.armExpiry(layer, next);
    if (next.enabled || before.enabled) this.logChange(layer, next, why);
    const effective = combine(this.layers.instance, this.layers.fleet);
    if (!effectiveBefore || !sameState(effectiveBefore, effective)) {
      for (const listener of [...this.listeners]) {
        try {
          listener(effective);
        } catch {
          // A faulty listener must not break maintenance switching.
        }
      }
    }
  }

  /** Ends `state` at its `until` (status() also checks the end on every read). */
  private armExpiry(layer: Layer, state: MaintenanceState): void {
    const timer = setTimeout(
      () => {
        this.current(layer);
        // setTimeout caps at ~24.8 days, less than the longest window (30 days): wait again.
        if (this.layers[layer] === state && !this.closed) this.armExpiry(layer, state);
      },
      Math.min(Date.parse(state.until!) - Date.now(), MAX_TIMER_MS),
    );
    timer.unref();
    this.expiry[layer] = timer;
  }

  private logChange(scope: MaintenanceScope, state: MaintenanceState, why: string): void {
    this.logger.log(state.enabled ? LOG_ON(scope, state.reason ?? '', state.until, state.readOnly === true) : LOG_OFF(scope, why));
  }
}

function hasEnded(state: MaintenanceState): boolean {
  return state.enabled && state.until !== undefined && Date.parse(state.until) <= Date.now();
}

/** Both switches as one state: the fleet's reason leads, read-only if either asks, it ends when both have ended. */
function combine(instance: MaintenanceState, fleet: MaintenanceState): MaintenanceState {
  if (!fleet.enabled) return instance;
  if (!instance.enabled) return fleet;
  const until = instance.until && fleet.until ? (Date.parse(instance.until) > Date.parse(fleet.until) ? instance.until : fleet.until) : undefined;
  const { until: _fleetUntil, ...rest } = fleet;
  return { ...rest, ...(until ? { until } : {}), readOnly: Boolean(instance.readOnly || fleet.readOnly) };
}

function sameState(a: MaintenanceState, b: MaintenanceState): boolean {
  return a.enabled === b.enabled && a.reason === b.reason && a.until === b.until && a.readOnly === b.readOnly && a.since === b.since && a.scope === b.scope;
}
