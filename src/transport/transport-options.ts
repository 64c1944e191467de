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
  path: string;
  format: ResponseFormat;
  service: ResolvedServiceInfo;
  details: DetailsPolicy;
  adminToken?: string;
  authFailureBudget: ResolvedAuthFailureBudget | false;
  /** Who sees details at each group's endpoint. */
  groups: Record<string, { details: DetailsPolicy }>;
  ui: ResolvedStatusPageOptions | false;
  /** Where the standalone health server listens, when `server` is set. */
  server?: { port: number; host: string };
  kubernetesAliases: boolean;
}
