import { Inject } from '@nestjs/common';

/** Injection token of the validated, defaulted module options. */
export const DEEP_HEALTH_OPTIONS = Symbol('nestjs-deep-health:options');

/**
 * The injection token of the resolved module options (`ResolvedHealthOptions`), for a provider's
 * `inject` list; in a constructor, {@link InjectDeepHealthOptions} says the same.
 * @example
 * { provide: AUDIT, inject: [getDeepHealthOptionsToken()], useFactory: (options: ResolvedHealthOptions) => new Audit(options.service) }
 */
export function getDeepHealthOptionsToken(): symbol {
  return DEEP_HEALTH_OPTIONS;
}

/** Injects the resolved `ResolvedHealthOptions`. */
export const InjectDeepHealthOptions = (): ParameterDecorator => Inject(DEEP_HEALTH_OPTIONS);
