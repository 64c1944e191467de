/** Every text the vector-store checks write into a result, in one place. */

export const COLLECTION_NOT_FOUND = (vendor: string, kind: string, name: string) => `${vendor} ${kind} "${name}" not found`;
export const DIMENSION_MISMATCH = (where: string, actual: number, expected: number) =>
  `${where} holds ${actual}-dimensional vectors, the app expects ${expected}`;
export const DIMENSION_UNKNOWN = (where: string, expected: number) =>
  `${where} does not report its vector dimension yet (no vector stored); cannot confirm ${expected}`;

export const QDRANT_NOT_READY = (status: number) => `Qdrant is not ready (GET /readyz answered HTTP ${status})`;
export const QDRANT_STATUS = {
  yellow: (name: string) => `Qdrant collection "${name}" is yellow: optimization is running`,
  grey: (name: string) => `Qdrant collection "${name}" is grey: optimizations are pending but not triggered (an update triggers them)`,
  red: (name: string) => `Qdrant collection "${name}" is red: some operations failed and were not recovered`,
  unknown: (name: string, status: string) => `Qdrant collection "${name}" reports an unknown status ${JSON.stringify(status)}`,
};
export const QDRANT_OPTIMIZER_ERROR = (name: string, error: string) => `Qdrant optimizer error on collection "${name}": ${error}`;
export const QDRANT_VECTOR_NAME_MISSING = (name: string, vectorName: string, names: readonly string[]) =>
  `Qdrant collection "${name}" has no vector named "${vectorName}" (has: ${names.join(', ') || 'none'})`;
export const QDRANT_VECTOR_NAME_NEEDED = (name: string, names: readonly string[]) =>
  `Qdrant collection "${name}" has several named vectors (${names.join(', ')}): set \`vectorName\` to check dimensions`;

export const CHROMA_V1_GONE =
  'Chroma answered 410 Gone: Chroma >= 1.0 removed the v1 API. Point `url` at the server root (e.g. http://chroma:8000); this check uses /api/v2';
export const CHROMA_COLLECTION_NOT_FOUND = (name: string, tenant: string, database: string) =>
  `Chroma collection "${name}" not found in tenant ${tenant}, database ${database}`;
export const CHROMA_NO_V2 =
  'Chroma has no /api/v2/heartbeat (HTTP 404): the server is older than 0.6 or `url` is not the server root';

export const WEAVIATE_NOT_READY = (status: number) => `Weaviate is not ready (GET /v1/.well-known/ready answered HTTP ${status})`;
export const WEAVIATE_NODES_DOWN = (down: readonly string[], total: number) =>
  `Weaviate nodes not healthy: ${down.join(', ')} (${total - down.length} of ${total} healthy)`;
export const WEAVIATE_NO_HEALTHY_NODE = (down: readonly string[]) => `no Weaviate node is healthy: ${down.join(', ')}`;

export const PINECONE_NOT_READY = (name: string, state: string) => `Pinecone index "${name}" is not ready (state ${state})`;
export const PINECONE_STATE = (name: string, state: string) => `Pinecone index "${name}" is ready but in state ${state}`;
export const PINECONE_NO_HOST = (name: string) => `Pinecone index "${name}" has no host in its description; stats skipped`;
export const PINECONE_FULL = (name: string, fullness: number, threshold: number) =>
  `Pinecone index "${name}" is ${Math.round(fullness * 100)}% full (warns over ${Math.round(threshold * 100)}%)`;

export const MILVUS_ERROR = (code: number, message: string) => `Milvus answered code ${code}${message ? `: ${message}` : ''}`;
export const MILVUS_RATE_LIMITED = (code: number, message: string) => `Milvus rate limited (code ${code})${message ? `: ${message}` : ''}`;
export const MILVUS_AUTH = (code: number, message: string) => `Milvus token rejected (code ${code})${message ? `: ${message}` : ''}`;
export const MILVUS_LOADING = (name: string, progress: number | undefined) =>
  `Milvus collection "${name}" is loading${progress === undefined ? '' : ` (${progress}%)`}`;
export const MILVUS_NOT_LOADED = (name: string, state: string) => `Milvus collection "${name}" is not loaded (${state}): searches will fail`;
export const MILVUS_NO_VECTOR_FIELD = (name: string, field: string | undefined) =>
  field ? `Milvus collection "${name}" has no vector field "${field}"` : `Milvus collection "${name}" has no vector field`;
