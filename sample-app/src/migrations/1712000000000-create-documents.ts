import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDocuments1712000000000 implements MigrationInterface {
  name = 'CreateDocuments1712000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS vector`);
    await queryRunner.query(`
      CREATE TABLE documents (
        id serial PRIMARY KEY,
        title varchar NOT NULL,
        content text NOT NULL,
        embedding vector(384),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE documents`);
  }
}
