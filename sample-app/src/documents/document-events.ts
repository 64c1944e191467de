import { Logger } from '@nestjs/common';
import { connect, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';

export const DOCUMENT_EVENTS_QUEUE = 'document-events';
export const DOCUMENT_EVENTS_TOKEN = Symbol('document-events');

/**
 * Publishes "document created" events to RabbitMQ when RABBITMQ_URL is set, through
 * amqp-connection-manager: it connects in the background (boot never waits for the broker),
 * reconnects after a broker restart or a network drop, and re-runs `setup` on every new channel.
 * A plain amqplib connection with no `error` listener ends the process on the first drop.
 */
export class DocumentEvents {
  private readonly logger = new Logger('DocumentEvents');

  private constructor(
    /** What `rabbitmqCheck({ connection })` reads: it reports `reconnecting` while the broker is away. */
    readonly connection: AmqpConnectionManager,
    private readonly channel: ChannelWrapper,
  ) {
    connection.on('connect', () => this.logger.log('connected to RabbitMQ'));
    connection.on('disconnect', ({ err }) => this.logger.warn(`RabbitMQ connection lost: ${err?.message ?? 'closed'}; reconnecting`));
    connection.on('connectFailed', ({ err }) => this.logger.warn(`cannot connect to RabbitMQ: ${err?.message}; retrying`));
  }

  static connect(url: string): DocumentEvents {
    const connection = connect([url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1, connectionOptions: { timeout: 3000 } });
    const channel = connection.createChannel({
      // Runs on every (re)connect: the app owns its queue and declares it; the health check only looks at it passively.
      setup: (ch: ConfirmChannel) => ch.assertQueue(DOCUMENT_EVENTS_QUEUE, { durable: true }),
    });
    return new DocumentEvents(connection, channel);
  }

  created(id: number): void {
    // Buffered while disconnected and sent once the connection is back; a failure is logged, never thrown.
    this.channel
      .sendToQueue(DOCUMENT_EVENTS_QUEUE, Buffer.from(JSON.stringify({ type: 'document.created', id })), { persistent: true })
      .catch((error: Error) => this.logger.warn(`event for document ${id} not published: ${error.message}`));
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
