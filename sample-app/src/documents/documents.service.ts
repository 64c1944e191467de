import { BadRequestException, Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { DocumentEntity } from './document.entity.js';
import { DOCUMENTS_QUEUE_TOKEN } from '../connections/connections.module.js';
import { DOCUMENT_EVENTS_TOKEN, type DocumentEvents } from './document-events.js';
import { embed, toPgVector } from './embedding.js';

export interface CreateDocument {
  title: string;
  content: string;
}

@Injectable()
export class DocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(DOCUMENTS_QUEUE_TOKEN) private readonly queue?: Queue,
    @Optional() @Inject(DOCUMENT_EVENTS_TOKEN) private readonly events?: DocumentEvents,
  ) {}

  async create(input: unknown): Promise<DocumentEntity & { embedding: 'queued' | 'done' }> {
    const { title, content } = validate(input);
    const saved = await this.dataSource.getRepository(DocumentEntity).save({ title, content });
    this.events?.created(saved.id);
    if (this.queue) {
      // The worker process computes the embedding (see worker.ts).
      await this.queue.add('embed', { id: saved.id }, { removeOnComplete: 1000, removeOnFail: 1000 });
      return { ...saved, embedding: 'queued' };
    }
    await this.storeEmbedding(saved.id);
    return { ...saved, embedding: 'done' };
  }

  async storeEmbedding(id: number): Promise<void> {
    const [row] = await this.dataSource.query(`SELECT title, content FROM documents WHERE id = $1`, [id]);
    if (!row) return;
    await this.dataSource.query(`UPDATE documents SET embedding = $1::vector WHERE id = $2`, [toPgVector(embed(`${row.title} ${row.content}`)), id]);
  }

  list(): Promise<DocumentEntity[]> {
    return this.dataSource.getRepository(DocumentEntity).find({ order: { id: 'DESC' }, take: 50 });
  }

  async search(query: unknown, limit = 5): Promise<Array<{ id: number; title: string; distance: number }>> {
    if (typeof query !== 'string' || !query.trim()) throw new BadRequestException('query parameter "q" is required');
    return this.dataSource.query(
      `SELECT id, title, embedding <=> $1::vector AS distance FROM documents WHERE embedding IS NOT NULL ORDER BY distance LIMIT $2`,
      [toPgVector(embed(query)), limit],
    );
  }
}

function validate(input: unknown): CreateDocument {
  const body = (input ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof body.title !== 'string' || !body.title.trim() || body.title.length > 200) problems.push('title: a string of 1-200 characters');
  if (typeof body.content !== 'string' || !body.content.trim() || body.content.length > 100_000) problems.push('content: a string of 1-100000 characters');
  if (problems.length) throw new BadRequestException(problems);
  return { title: (body.title as string).trim(), content: body.content as string };
}
