import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddEmbeddingIndex1712100000000 implements MigrationInterface {
  name = 'AddEmbeddingIndex1712100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX documents_embedding_hnsw ON documents USING hnsw (embedding vector_cosine_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX documents_embedding_hnsw`);
  }
}
