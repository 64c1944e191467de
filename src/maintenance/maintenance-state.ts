/** Where a maintenance switch applies: this replica only, or every replica sharing the store. */
export type MaintenanceScope = 'instance' | 'fleet';

/** The maintenance state as every endpoint reports it. */
export interface MaintenanceState {
  /** Whether the instance is in maintenance (readiness answers 503). */
  enabled: boolean;
  /** Which switch is on: `fleet` when the fleet's is (it is reported even when this instance's is on too). */
  scope?: MaintenanceScope;
  /** Why, as given when maintenance was enabled; shown in the 503 bodies. */
  reason?: string;
  /** When maintenance began (ISO 8601). */
  since?: string;
  /** When it ends by itself (ISO 8601), if it was given an end. */
  until?: string;
  /** Unsafe methods (POST, PUT, PATCH, DELETE) of the app's own routes are rejected while enabled. */
  readOnly?: boolean;
}

/** What `MaintenanceService.enable()` and `PUT /health/maintenance` take. */
export interface EnableMaintenance {
  /** Why; shown to operators and in the 503 bodies. 1 to 200 characters, no control characters. */
  reason: string;
  /** End of maintenance (ISO 8601 or Date); must be in the future, at most 30 days ahead. Exclusive with `durationSeconds`. */
  until?: string | Date;
  /** End of maintenance, counted from now (1 s to 30 days). Exclusive with `until`. */
  durationSeconds?: number;
  /** `fleet` needs `maintenance.store` (e.g. the Redis one). @default 'instance' */
  scope?: MaintenanceScope;
  /** Reject unsafe methods of the app's own routes while in maintenance. @default module option `maintenance.readOnly` */
  readOnly?: boolean;
}

/** What `MaintenanceService.disable()` and `DELETE /health/maintenance?scope=` take. */
export interface DisableMaintenance {
  /**
   * Which switch to turn off. Without it, both: this instance's and (when a store is configured)
   * the fleet's, so the replica you called is out of maintenance afterwards.
   */
  scope?: MaintenanceScope;
}

/** Maintenance off. */
export const OFF: MaintenanceState = Object.freeze({ enabled: false });
