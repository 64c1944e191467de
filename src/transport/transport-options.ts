import type { ResolvedServiceInfo } from '../identity/service-info.js';
import type { ResolvedStatusPageOptions } from '../status-page/status-page-options.js';
import type { ResolvedAuthFailureBudget } from './auth-failure-budget.js';

/** Who may see failure outputs and details in responses. */
export type DetailsPolicy = 'always' | 'when-authorized' | 'never';

/** Response body shape. */
export type ResponseFormat = 'ietf' | 'terminus';

/**
 * What the transports (the request handler, the response writer, the adapters' body handling and
 * the standalone server) read of the resolved module options. The module's `ResolvedHealthOptions`
 * extends it, so the two cannot drift apart.
 */
export interface OptionsForTransport {
  /** Base path of the health endpoints, without leading or trailing slashes (e.g. `'health'`, `'ops/health'`). */
  path: string;
  /** The response body shape: `'ietf'` (application/health+json) or `'terminus'`. */
  format: ResponseFormat;
  service: ResolvedServiceInfo;
  /** Who sees failure outputs and details in responses. */
  details: DetailsPolicy;
  adminToken?: string;
  /** Limits on wrong admin tokens per client, or `false` when `authFailureBudget: false` turned them off. */
  authFailureBudget: ResolvedAuthFailureBudget | false;
  /** Who sees details at each group's endpoint. */
  groups: Record<string, { details: DetailsPolicy }>;
  ui: ResolvedStatusPageOptions | false;
  /** Where the standalone health server listens, when `server` is set. */
  server?: {
    /** The port (`0`: a free one, chosen at listen time). */
    port: number;
    /** The interface address to listen on (e.g. `'0.0.0.0'`). */
    host: string;
  };
  /** Whether `GET /livez`, `/readyz` and `/startupz` are also served at the app root. */
  kubernetesAliases: boolean;
}
