import type { FakeReply, FakeRequest, FakeRoute } from './fake-server';

/** Scenarios every vendor fake answers; vendors add their own (e.g. `yellow`, `loading`, `overloaded`). */
export type Scenario =
  | 'healthy'
  | 'auth'
  | 'not-found'
  | 'wrong-dimension'
  | 'rate-limited'
  | 'server-error'
  | 'malformed'
  | 'slow'
  | (string & {});

/** How one vendor's fake authenticates, shapes its errors and answers its documented endpoints. */
export interface VendorSpec {
  /** The credential the client presented, as the vendor reads it. */
  presented(request: FakeRequest): string | undefined;
  /** The vendor's documented error body. */
  error(message: string, status: number): unknown;
  /** The request the common failure scenarios (rate limit, 5xx, malformed, slow) hit. */
  isMain(request: FakeRequest): boolean;
  /** Healthy answers (and vendor scenarios); `undefined` for an unknown route (404). */
  answer(request: FakeRequest, scenario: Scenario): FakeReply | undefined;
  /** Replaces the default reply of a common scenario (Milvus answers errors with HTTP 200). */
  overrides?: Partial<Record<Scenario, (request: FakeRequest) => FakeReply>>;
  /** Status for a rejected credential. @default 401 */
  authStatus?: number;
}

export const RETRY_AFTER_SECONDS = 7;

/**
 * Builds a fake route for a scenario. A rejected credential is echoed back in the error body, as
 * some providers do, so tests can prove the checks never pass it on.
 */
export function vendorRoute(spec: VendorSpec, scenario: Scenario, expectedKey: string | undefined): FakeRoute {
  return (request) => {
    const presented = spec.presented(request);
    if (scenario === 'auth' || (expectedKey !== undefined && presented !== expectedKey)) {
      const override = spec.overrides?.auth;
      if (override) return override(request);
      const status = spec.authStatus ?? 401;
      return { status, body: spec.error(`Incorrect API key provided: ${presented ?? 'none'}`, status) };
    }
    if (spec.isMain(request)) {
      const override = spec.overrides?.[scenario];
      if (override) return override(request);
      switch (scenario) {
        case 'slow':
          return { hang: true };
        case 'malformed':
          return { status: 200, raw: `{"result": {"status": "green", "note": "key ${presented ?? ''}"` };
        case 'rate-limited':
          return { status: 429, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) }, body: spec.error('Rate limit reached for requests', 429) };
        case 'server-error':
          return { status: 503, body: spec.error(`upstream unavailable (key ${presented ?? ''})`, 503) };
      }
    }
    return spec.answer(request, scenario) ?? { status: 404, body: spec.error(`no route ${request.method} ${request.path}`, 404) };
  };
}

/** `Bearer <token>` → `<token>` */
export function bearer(request: FakeRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

export function header(request: FakeRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
