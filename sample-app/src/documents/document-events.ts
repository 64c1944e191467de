import type { ChannelModel, Channel } from 'amqplib';

export const DOCUMENT_EVENTS_QUEUE = 'document-events';
export const DOCUMENT_EVENTS_TOKEN = Symbol('document-events');

/** Publishes "document created" events to RabbitMQ when RABBITMQ_URL is set. */
export class DocumentEvents {
  private constructor(
    readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async connect(url: string): Promise<DocumentEvents> {
    const { connect } = await import('amqplib');
    const connection = await connect(url);
    const channel = await connection.createChannel();
    // The app owns its queue and declares it; the health check only ever looks at it passively.
    await channel.assertQueue(DOCUMENT_EVENTS_QUEUE, { durable: true });
    return new DocumentEvents(connection, channel);
  }

  created(id: number): void {
    this.channel.sendToQueue(DOCUMENT_EVENTS_QUEUE, Buffer.from(JSON.stringify({ type: 'document.created', id })), { persistent: true });
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
