import type { CheckResult } from '../engine/health-engine.js';
import type { HealthStatus } from '../engine/health-status.js';
import type { StatusTransition } from '../engine/transitions.js';

/** One fresh result of a check, as the history keeps it. */
export interface HistoryEntry {
  /** The result's status (`pass`, `warn` or `fail`). */
  status: HealthStatus;
  /** When it was observed (ISO 8601). */
  time: string;
  /** How long the run took, in milliseconds. */
  durationMs: number;
  /** The measured value the check reported, if any (a string is cut to 100 characters). */
  observedValue?: number | string | boolean;
  /** Unit of `observedValue` (`ms`, `pending`, `jobs`...). */
  observedUnit?: string;
  /** Shown only when details are allowed; cut to {@link MAX_HISTORY_OUTPUT} characters. */
  output?: string;
}

/** One status change of a check. */
export interface HistoryTransition {
  /** The status before; absent for a check's first result (recorded only when that is not `pass`). */
  from?: HealthStatus;
  /** The new status. */
  to: HealthStatus;
  /** When the new status was first observed (ISO 8601). */
  time: string;
  /** Shown only when details are allowed. */
  output?: string;
}

/** A check's history as `GET /<path>/history` answers it, oldest first. */
export interface CheckHistorySnapshot {
  /** Whether the check is critical (a failure fails readiness) or only warns. */
  critical: boolean;
  /** The check's `componentType` (`datastore`, `component`, `system`...). */
  componentType: string;
  /** Fresh results recorded since boot (also those the ring buffer dropped). */
  recorded: number;
  /** The last `ui.historySize` fresh results, oldest first. */
  results: HistoryEntry[];
  /** The last `ui.transitionsSize` status changes, oldest first. */
  transitions: HistoryTransition[];
}

export interface CheckHistoryLimits {
  /** Results kept per check. */
  resultsPerCheck: number;
  /** Transitions kept per check. */
  transitionsPerCheck: number;
}

/** Longest output (and string observed value) a history entry keeps: the buffers' size stays bounded in bytes. */
export const MAX_HISTORY_OUTPUT = 300;
const MAX_OBSERVED_STRING = 100;

/** A fixed-size buffer that overwrites its oldest item: memory stays bounded however long the process runs. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** The items, oldest first. */
  toArray(): T[] {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(start + i) % this.capacity]!);
    return out;
  }
}

interface Track {
  critical: boolean;
  componentType: string;
  recorded: number;
  results: RingBuffer<HistoryEntry>;
  transitions: RingBuffer<HistoryTransition>;
}

/**
 * Recent results and status transitions of every check, in bounded ring buffers per check. Fed by
 * the engine's result listener and the layers' transition listener; it never runs a check itself.
 * Entries are stored already redacted (the engine scrubs every result) and cut to a bounded size;
 * outputs are dropped at read time for callers without details.
 */
export class CheckHistory {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly limits: CheckHistoryLimits) {}

  /** Records one fresh result. */
  record(result: CheckResult): void {
    const track = this.track(result);
    track.recorded++;
    const observed = result.observedValue;
    track.results.push({
      status: result.status,
      time: result.time,
      durationMs: result.durationMs,
      ...(observed !== undefined ? { observedValue: typeof observed === 'string' ? cut(observed, MAX_OBSERVED_STRING) : observed } : {}),
      ...(result.observedUnit !== undefined ? { observedUnit: cut(result.observedUnit, MAX_OBSERVED_STRING) } : {}),
      ...(result.output !== undefined ? { output: cut(result.output, MAX_HISTORY_OUTPUT) } : {}),
    });
  }

  /** Records one status transition (as decided by the layers, the one definition of a transition). */
  recordTransition(transition: StatusTransition, result: CheckResult): void {
    this.track(result).transitions.push({
      ...(transition.previous !== undefined ? { from: transition.previous } : {}),
      to: transition.current,
      time: transition.time,
      ...(transition.output !== undefined ? { output: cut(transition.output, MAX_HISTORY_OUTPUT) } : {}),
    });
  }

  /** Names of the checks with a history. */
  get names(): string[] {
    return [...this.tracks.keys()];
  }

  has(name: string): boolean {
    return this.tracks.has(name);
  }

  /** Every check's history (or one check's), outputs only when `showDetails`. */
  snapshot(showDetails: boolean, only?: string): Record<string, CheckHistorySnapshot> {
    const out: Record<string, CheckHistorySnapshot> = {};
    for (const [name, track] of this.tracks) {
      if (only !== undefined && name !== only) continue;
      out[name] = {
        critical: track.critical,
        componentType: track.componentType,
        recorded: track.recorded,
        results: track.results.toArray().map((entry) => (showDetails ? entry : withoutOutput(entry))),
        transitions: track.transitions.toArray().map((entry) => (showDetails ? entry : withoutOutput(entry))),
      };
    }
    return out;
  }

  /** How much the buffers hold: checks, entries (results + transitions), and the entries' JSON size in bytes. */
  size(): { checks: number; entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    for (const track of this.tracks.values()) {
      for (const entry of [...track.results.toArray(), ...track.transitions.toArray()]) {
        entries++;
        bytes += Buffer.byteLength(JSON.stringify(entry));
      }
    }
    return { checks: this.tracks.size, entries, bytes };
  }

  private track(result: CheckResult): Track {
    let track = this.tracks.get(result.name);
    if (!track) {
      track = {
        critical: result.critical,
        componentType: result.componentType,
        recorded: 0,
        results: new RingBuffer(this.limits.resultsPerCheck),
        transitions: new RingBuffer(this.limits.transitionsPerCheck),
      };
      this.tracks.set(result.name, track);
    }
    return track;
  }
}

function withoutOutput<T extends { output?: string }>(entry: T): Omit<T, 'output'> {
  if (entry.output === undefined) return entry;
  const { output: _output, ...rest } = entry;
  return rest;
}

/**
 * At most `max` characters, as a string of its own: a V8 slice keeps its whole parent alive (a
 * 300-character cut of a 1000-character output would hold all 1000), so the cut is copied.
 */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return Buffer.from(`${text.slice(0, max - 1)}…`, 'utf8').toString('utf8');
}
