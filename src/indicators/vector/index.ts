export { qdrantCheck, type QdrantCheckOptions } from './qdrant.health.js';
export { chromaCheck, type ChromaCheckOptions } from './chroma.health.js';
export { weaviateCheck, type WeaviateCheckOptions } from './weaviate.health.js';
export { pineconeCheck, type PineconeCheckOptions } from './pinecone.health.js';
export { milvusCheck, type MilvusCheckOptions } from './milvus.health.js';
export type { VectorStoreOptions } from './vector-store.js';
