export * from './engine/health-status.js';
export * from './engine/check.js';
export { validateCheckOptions, CheckOptionProblems, type UrlScheme } from './validation/check-options-validation.js';
export { untilAborted } from './engine/until-aborted.js';
export { HealthEngine, type CheckResult, type Evaluation, type EngineSettings, type ResultListener, type CheckPolicy, type UserDefaults } from './engine/health-engine.js';
export { aggregateStatus, type AggregatableResult } from './engine/aggregate.js';
export { HealthService, type LayerReport, type HealthLayer, type ReportLayer } from './layers/health.service.js';
export { DeepHealthModule, type DeepHealthForRootOptions, type DeepHealthForRootAsyncOptions } from './module/deep-health.module.js';
export { DeepHealthFeatureModule } from './module/feature-checks.js';
export { healthRouteExclusions, isDeepHealthRequest, DEEP_HEALTH_CONTROLLER, type HealthRouteExclusionOptions, type RouteInfo } from './transport/nest/app-integration.js';
export type * from './module/deep-health-options.js';
export { DEEP_HEALTH_OPTIONS, getDeepHealthOptionsToken, InjectDeepHealthOptions } from './module/tokens.js';
export { InvalidOptionsError } from './validation/problems.js';
export {
  MaintenanceService,
  InvalidMaintenanceRequestError,
  MaintenanceStoreUnavailableError,
  MAINTENANCE_STORE_CHECK,
  type MaintenanceStoreSync,
} from './maintenance/maintenance.service.js';
export type * from './maintenance/maintenance-state.js';
export { MaintenanceGuard } from './maintenance/maintenance.guard.js';
export { AllowInMaintenance, ALLOW_IN_MAINTENANCE } from './maintenance/allow-in-maintenance.decorator.js';
export type { MaintenanceStore, StoreCallOptions } from './maintenance/maintenance-store.js';
export type { MaintenanceOptions, ResolvedMaintenanceOptions } from './maintenance/maintenance-options.js';
export type { SharedResultsOptions, ResolvedSharedResults } from './layers/shared-results-options.js';
export type { SharedResultStore, SharedCheckResult, SharedResultSettings } from './engine/health-engine.js';
export { redactSecrets, describeError } from './engine/redact.js';
export { fromTerminus, toTerminus, type FromTerminusOptions, type TerminusIndicatorFunction, type TerminusIndicatorResult, type TerminusIndicatorStatus } from './terminus/terminus-adapters.js';
export { HEALTH_METRICS, type HealthMetrics, type MetricsOptions, type MetricsRegistry, type ResolvedMetricsOptions } from './metrics/health-metrics.js';
export { HealthServerHost } from './transport/standalone/health-server.host.js';
export type { HealthServerOptions } from './transport/standalone/health-server.js';
export { statusTransition, type StatusTransition } from './engine/transitions.js';
export type { TransitionListener } from './layers/health.service.js';
export { StatusPageService, type HistoryPayload } from './status-page/status-page.service.js';
export type { StatusPageOptions, FleetOptions, WebhookOptions, WebhookFormat, ResolvedStatusPageOptions, ResolvedFleetOptions, ResolvedWebhook } from './status-page/status-page-options.js';
export type { FleetStore, FleetHeartbeat } from './status-page/fleet-store.js';
export type { FleetReport, FleetReplica } from './status-page/fleet-view.js';
export { MAX_HISTORY_OUTPUT, type CheckHistorySnapshot, type HistoryEntry, type HistoryTransition } from './status-page/check-history.js';
export type { AuthFailureBudgetOptions } from './transport/auth-failure-budget.js';
