/** Where a maintenance switch applies. */
export type MaintenanceScope = 'instance' | 'fleet';

/** The maintenance state as every endpoint reports it. */
export interface MaintenanceState {
  enabled: boolean;
  scope?: MaintenanceScope;
  reason?: string;
  /** When maintenance began (ISO 8601). */
  since?: string;
  /** When it ends by itself (ISO 8601), if it was given an end. */
  until?: string;
  /** Unsafe methods of the app's own routes are rejected while enabled. */
  readOnly?: boolean;
}

export interface EnableMaintenance {
  /** Why; shown to operators and in the 503 bodies. Up to 200 characters. */
  reason: string;
  /** End of maintenance (ISO 8601 or Date); must be in the future. Exclusive with `durationSeconds`. */
  until?: string | Date;
  /** End of maintenance, counted from now. Exclusive with `until`. */
  durationSeconds?: number;
  /** `fleet` needs a fleet store (e.g. the Redis one). @default 'instance' */
  scope?: MaintenanceScope;
}

export const OFF: MaintenanceState = Object.freeze({ enabled: false });
