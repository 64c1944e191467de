/** Every text the LLM provider checks write into a result, in one place. */

export const MODEL_NOT_LISTED = (vendor: string, model: string, count: number) =>
  `${vendor} does not list model "${model}" (${count} model${count === 1 ? '' : 's'} available to this key)`;
export const MODEL_NOT_FOUND = (vendor: string, model: string) => `${vendor} model "${model}" not found`;
export const MODEL_SHUTS_DOWN = (model: string, date: string, days: number) =>
  `model "${model}" shuts down on ${date} (in ${days} day${days === 1 ? '' : 's'})`;
export const MODEL_SHUT_DOWN = (model: string, date: string) => `model "${model}" was shut down on ${date}`;
export const DEPLOYMENT_NOT_FOUND = (deployment: string) => `Azure OpenAI deployment "${deployment}" not found`;
export const COMPLETION_EMPTY = (vendor: string, what: string) => `${vendor} answered ${what} without a completion`;
export const OLLAMA_MODEL_NOT_PULLED = (model: string, available: readonly string[]) =>
  `Ollama model "${model}" is not pulled (available: ${available.join(', ') || 'none'}); run \`ollama pull ${model}\``;
export const OLLAMA_MODEL_NOT_LOADED = (model: string) =>
  `Ollama model "${model}" is not loaded in memory: the next request pays the load time`;
export const MODEL_REQUIRED_FOR_PROBE = "is required when probe is 'completion' (the probe asks that model for one token)";
