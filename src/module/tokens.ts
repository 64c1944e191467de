// The token lives at the bottom of the graph (src/tokens/) so the layers below the module can inject it.
export { DEEP_HEALTH_OPTIONS, getDeepHealthOptionsToken, InjectDeepHealthOptions } from '../tokens/deep-health-options.token.js';
