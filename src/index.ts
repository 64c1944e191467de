export * from './engine/health-status.js';
export * from './engine/check.js';
export { HealthEngine, type CheckResult, type Evaluation, type EngineSettings } from './engine/health-engine.js';
export { aggregateStatus } from './engine/aggregate.js';
export { redactSecrets, describeError } from './redact/redact.js';
