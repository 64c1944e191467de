import { Inject } from '@nestjs/common';

/** Injection token of the validated, defaulted module options. */
export const DEEP_HEALTH_OPTIONS = Symbol('nestjs-deep-health:options');

export function getDeepHealthOptionsToken(): symbol {
  return DEEP_HEALTH_OPTIONS;
}

/** Injects the resolved `ResolvedHealthOptions`. */
export const InjectDeepHealthOptions = (): ParameterDecorator => Inject(DEEP_HEALTH_OPTIONS);
