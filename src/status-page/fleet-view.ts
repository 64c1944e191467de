import { Logger } from '@nestjs/common';
import { isHealthStatus } from '../engine/health-status.js';
import { describeError } from '../engine/redact.js';
import { withTimeout } from '../engine/until-aborted.js';
import type { FleetHeartbeat } from './fleet-store.js';
import { FLEET_STORE_TIMEOUT, LOG_FLEET_BACK, LOG_FLEET_DOWN } from './messages.js';
import type { ResolvedFleetOptions } from './status-page-options.js';

/** A replica as `GET /<path>/fleet` lists it. */
export interface FleetReplica extends FleetHeartbeat {
  /** This replica (the one that answered). */
  self: boolean;
  /** No heartbeat within `staleAfterMs`: the replica stopped reporting (crashed, hung, partitioned). */
  stale: boolean;
  /** On another version or releaseId than most live replicas. */
  drift: boolean;
  /** Milliseconds since its last heartbeat, by this replica's clock. */
  ageMs: number;
}

/** What `GET /<path>/fleet` answers. */
export interface FleetReport {
  /** The id of the replica that answered (`ui.fleet.replicaId`). */
  self: string;
  /** Heartbeat age, in milliseconds, past which a replica counts as stale (`ui.fleet.staleAfterMs`). */
  staleAfterMs: number;
  /** Whether the last exchange with the store worked. */
  store: {
    /** `false` when the last store call failed or timed out. */
    reachable: boolean;
    /** Why the last store call failed (secrets redacted); only when `reachable` is `false`. */
    error?: string;
  };
  /** Live replicas disagree on version or releaseId. */
  drift: boolean;
  /** Distinct `version (releaseId)` of the live replicas, most common first. */
  versions: string[];
  /** Every replica in the store not yet forgotten, live ones first, then by id. */
  replicas: FleetReplica[];
}

const MAX_REPLICAS = 1000;
const MAX_TEXT = 200;

/**
 * Publishes this replica's heartbeat on a timer and reads everyone's for the fleet view. Never
 * blocks boot or a probe: every store call is bounded, failures are logged once and retried on the
 * next beat, and the timer does not keep the process alive.
 */
export class FleetView {
  private readonly logger = new Logger('DeepHealth');
  private timer?: NodeJS.Timeout;
  private reachable?: boolean;
  private lastError?: string;
  private beating?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly options: ResolvedFleetOptions,
    /** This replica's heartbeat now (asks the layers, like a probe). */
    private readonly heartbeat: () => Promise<FleetHeartbeat>,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Stops the heartbeat and takes this replica off the list, so a clean shutdown is not shown as "stopped reporting". */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.beating;
    await this.call((signal) => this.options.store.remove([this.options.replicaId], { signal })).catch(() => undefined);
  }

  /** Publishes one heartbeat now (also what the timer does); never throws. */
  beat(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // One beat at a time: a slow store must not pile up calls.
    this.beating ??= (async () => {
      try {
        const heartbeat = await this.heartbeat();
        await this.call((signal) => this.options.store.publish(heartbeat, this.options.forgetAfterMs, { signal }));
        this.record(undefined);
      } catch (error) {
        this.record(error);
      } finally {
        this.beating = undefined;
      }
    })();
    return this.beating;
  }

  /** Every replica in the store, with drift and staleness worked out; removes the long-silent ones. */
  async report(): Promise<FleetReport> {
    const { replicaId, staleAfterMs, forgetAfterMs, store } = this.options;
    let raw: unknown[] = [];
    try {
      raw = await this.call((signal) => store.list({ signal }));
      this.record(undefined);
    } catch (error) {
      this.record(error);
    }
    const now = this.now();
    const beats = raw.map(parseHeartbeat).filter((b): b is FleetHeartbeat => b !== undefined).slice(0, MAX_REPLICAS);
    const forgotten = beats.filter((b) => now - b.seenAt > forgetAfterMs && b.id !== replicaId);
    if (forgotten.length > 0) void this.call((signal) => store.remove(forgotten.map((b) => b.id), { signal })).catch(() => undefined);
    const kept = beats.filter((b) => !forgotten.includes(b));
    const live = kept.filter((b) => now - b.seenAt <= staleAfterMs);
    const counts = new Map<string, number>();
    for (const beat of live) counts.set(versionOf(beat), (counts.get(versionOf(beat)) ?? 0) + 1);
    const self = kept.find((b) => b.id === replicaId);
    // The most common version leads; on a tie, the one of the replica answering.
    const versions = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || Number(self !== undefined && versionOf(self) === b[0]) - Number(self !== undefined && versionOf(self) === a[0]))
      .map(([version]) => version);
    const leading = versions[0];
    const replicas = kept
      .map((beat): FleetReplica => {
        const stale = now - beat.seenAt > staleAfterMs;
        return { ...beat, self: beat.id === replicaId, stale, drift: !stale && leading !== undefined && versionOf(beat) !== leading, ageMs: Math.max(0, now - beat.seenAt) };
      })
      .sort((a, b) => Number(a.stale) - Number(b.stale) || a.id.localeCompare(b.id));
    return {
      self: replicaId,
      staleAfterMs,
      store: { reachable: this.reachable !== false, ...(this.reachable === false && this.lastError ? { error: this.lastError } : {}) },
      drift: versions.length > 1,
      versions,
      replicas,
    };
  }

  private call<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { storeTimeoutMs } = this.options;
    return withTimeout(call, storeTimeoutMs, FLEET_STORE_TIMEOUT(storeTimeoutMs));
  }

  /** Logs the store going down or coming back once, never once per beat. */
  private record(error: unknown): void {
    if (error === undefined) {
      if (this.reachable === false) this.logger.log(LOG_FLEET_BACK);
      this.reachable = true;
      this.lastError = undefined;
      return;
    }
    this.lastError = describeError(error);
    if (this.reachable !== false) this.logger.warn(LOG_FLEET_DOWN(this.lastError));
    this.reachable = false;
  }
}

function versionOf(beat: FleetHeartbeat): string {
  return beat.releaseId ? `${beat.version} (${beat.releaseId})` : beat.version;
}

/** A heartbeat read from the store (which other processes, or people, write), or `undefined` when it is not one. */
export function parseHeartbeat(value: unknown): FleetHeartbeat | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT;
  if (!text(raw.id) || !text(raw.service) || !text(raw.version) || (raw.releaseId !== undefined && !text(raw.releaseId))) return undefined;
  if (typeof raw.seenAt !== 'number' || !Number.isFinite(raw.seenAt) || !text(raw.startedAt)) return undefined;
  const layers = raw.layers as Record<string, unknown> | undefined;
  if (!layers || typeof layers !== 'object' || !['live', 'startup', 'ready'].every((l) => isHealthStatus(layers[l]))) return undefined;
  return {
    id: raw.id as string,
    service: raw.service as string,
    version: raw.version as string,
    ...(raw.releaseId !== undefined ? { releaseId: raw.releaseId as string } : {}),
    layers: { live: layers.live, startup: layers.startup, ready: layers.ready } as FleetHeartbeat['layers'],
    maintenance: raw.maintenance === true,
    draining: raw.draining === true,
    startedAt: raw.startedAt as string,
    seenAt: raw.seenAt,
  };
}
