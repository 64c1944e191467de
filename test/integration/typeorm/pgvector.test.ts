import { vector } from '@electric-sql/pglite-pgvector';
import { DataSource } from 'typeorm';
import { pgvectorCheck } from 'nestjs-deep-health/typeorm';
import { startPglite, type RunningPglite } from '../../support/pglite';
import { evaluate } from './fixtures';

// pgvector is not packaged for the machines' Postgres 15: these run on PGlite + pglite-pgvector.
let pglite: RunningPglite;
let dataSource: DataSource;

beforeAll(async () => {
  pglite = await startPglite({ extensions: { vector }, maxConnections: 4 });
  dataSource = new DataSource({ type: 'postgres', host: '127.0.0.1', port: pglite.port, username: 'postgres', database: 'postgres', poolSize: 2 });
  await dataSource.initialize();
});

afterAll(async () => {
  await dataSource?.destroy();
  await pglite?.close();
});

const documents = { table: 'documents', column: 'embedding' } as const;

// One database for the file: the cases build on each other, in order.
describe('pgvectorCheck on PGlite with pgvector', () => {
  it('fails when the extension is not installed', async () => {
    const result = await evaluate(pgvectorCheck({ dataSource, ...documents, dimensions: 3 }));
    expect(result).toMatchObject({
      name: 'postgres:pgvector',
      status: 'fail',
      output: 'extension "vector" is not installed in this database (CREATE EXTENSION vector)',
    });
  });

  it('fails when the table or the column is missing, or the column is not a vector', async () => {
    await dataSource.query('CREATE EXTENSION vector');
    expect(await evaluate(pgvectorCheck({ dataSource, ...documents }))).toMatchObject({ status: 'fail', output: 'table documents does not exist' });
    await dataSource.query('CREATE TABLE documents (id serial PRIMARY KEY, body text)');
    expect(await evaluate(pgvectorCheck({ dataSource, ...documents }))).toMatchObject({ status: 'fail', output: 'column embedding does not exist on documents' });
    expect(await evaluate(pgvectorCheck({ dataSource, table: 'documents', column: 'body' }))).toMatchObject({ status: 'fail', output: 'column body is of type text, not a pgvector type' });
  });

  it('fails on a wrong dimension, warns without an index', async () => {
    await dataSource.query('ALTER TABLE documents ADD COLUMN embedding vector(3)');

    const wrong = await evaluate(pgvectorCheck({ dataSource, ...documents, dimensions: 1536 }));
    expect(wrong.status).toBe('fail');
    expect(wrong.output).toBe('column embedding has 3 dimensions, expected 1536; no HNSW or IVFFlat index on embedding: similarity searches scan the whole table');

    const noIndex = await evaluate(pgvectorCheck({ dataSource, ...documents, dimensions: 3 }));
    expect(noIndex).toMatchObject({ status: 'warn', output: 'no HNSW or IVFFlat index on embedding: similarity searches scan the whole table' });
  });

  it('passes with a valid HNSW index, reporting the pgvector version', async () => {
    await dataSource.query("INSERT INTO documents (body, embedding) VALUES ('a', '[1,2,3]'), ('b', '[3,2,1]')");
    await dataSource.query('CREATE INDEX documents_embedding_hnsw ON documents USING hnsw (embedding vector_l2_ops)');

    const result = await evaluate(pgvectorCheck({ dataSource, ...documents, dimensions: 3, minVersion: '0.5.0' }));

    expect(result).toMatchObject({ status: 'pass', observedUnit: 'version', observedValue: expect.stringMatching(/^0\.\d+\.\d+$/) });
    expect(result.details).toMatchObject({ dimensions: 3, indexes: [{ name: 'documents_embedding_hnsw', method: 'hnsw', valid: true }] });
  });

  it('fails when pgvector is older than minVersion', async () => {
    const result = await evaluate(pgvectorCheck({ dataSource, minVersion: '99.0.0' }));
    expect(result.status).toBe('fail');
    expect(result.output).toMatch(/^pgvector 0\.\d+\.\d+ is older than the required 99\.0\.0$/);
  });

  it('warns when the vector index is invalid (as a failed CREATE INDEX CONCURRENTLY leaves it)', async () => {
    // PGlite cannot run a concurrent build that fails halfway; mark the index invalid the way one would.
    await dataSource.query("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'documents_embedding_hnsw'::regclass");
    try {
      const result = await evaluate(pgvectorCheck({ dataSource, ...documents, dimensions: 3 }));
      expect(result).toMatchObject({
        status: 'warn',
        output: 'vector index documents_embedding_hnsw is invalid (a failed or unfinished CREATE INDEX CONCURRENTLY); drop and rebuild it',
      });
    } finally {
      await dataSource.query("UPDATE pg_index SET indisvalid = true WHERE indexrelid = 'documents_embedding_hnsw'::regclass");
    }
  });
});
