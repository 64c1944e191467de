export { openaiCheck, type OpenAiCheckOptions } from './openai.health.js';
export { anthropicCheck, type AnthropicCheckOptions } from './anthropic.health.js';
export { azureOpenaiCheck, type AzureOpenAiCheckOptions } from './azure-openai.health.js';
export { geminiCheck, type GeminiCheckOptions } from './gemini.health.js';
export { ollamaCheck, type OllamaCheckOptions } from './ollama.health.js';
export type { LlmCheckOptions, LlmProbe } from './llm-provider.js';
