/** Bringing dependencies up in the background, so a process boots and answers liveness while they are down. */
export { DataSourceStarter, dataSourceStartState, type DataSourceStarterOptions, type DataSourceStartState, type DataSourceStartPhase } from './data-source-starter.js';
export { backoffDelay, RETRY_DEFAULTS, type RetryOptions } from './retry.js';
