import { CreateDocuments1712000000000 } from './1712000000000-create-documents.js';
import { AddEmbeddingIndex1712100000000 } from './1712100000000-add-embedding-index.js';

export const MIGRATIONS = [CreateDocuments1712000000000, AddEmbeddingIndex1712100000000];
