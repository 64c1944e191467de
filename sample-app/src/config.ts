/** The sample app's settings, all from the environment (see docs/recipes.md: "Sample app"). */
export interface SampleConfig {
  port: number;
  host: string;
  /** Empty: an embedded PGlite (with pgvector) is started and used. */
  databaseUrl?: string;
  redisUrl?: string;
  rabbitmqUrl?: string;
  llm?: { baseUrl: string; apiKey?: string; model?: string };
  qdrantUrl?: string;
  adminToken?: string;
  drainDelayMs: number;
  healthPort: number;
  healthHost: string;
}

export const EMBEDDING_DIMENSIONS = 384;
export const DOCUMENTS_QUEUE = 'embed-documents';

export function readConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const int = (name: string, fallback: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
    return parsed;
  };
  const llmBaseUrl = value('LLM_BASE_URL');
  return {
    port: int('PORT', 3000),
    host: value('HOST') ?? '0.0.0.0',
    databaseUrl: value('DATABASE_URL'),
    redisUrl: value('REDIS_URL'),
    rabbitmqUrl: value('RABBITMQ_URL'),
    llm: llmBaseUrl ? { baseUrl: llmBaseUrl, apiKey: value('LLM_API_KEY'), model: value('LLM_MODEL') } : undefined,
    qdrantUrl: value('QDRANT_URL'),
    adminToken: value('HEALTH_ADMIN_TOKEN'),
    drainDelayMs: int('DRAIN_DELAY_MS', 0),
    healthPort: int('HEALTH_PORT', 9000),
    healthHost: value('HEALTH_HOST') ?? '0.0.0.0',
  };
}
