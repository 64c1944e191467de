import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthRequestHandler } from '../health-request-handler.js';
import type { ResolvedHealthOptions } from '../../module/deep-health-options.js';
import { DEEP_HEALTH_OPTIONS } from '../../module/tokens.js';
import { HealthServer } from './health-server.js';
import { HEALTH_ROUTES, KUBERNETES_ALIASES } from '../routes.js';

/** Starts the standalone health server when `server` is set, and closes it last on shutdown. */
@Injectable()
export class HealthServerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeepHealth');
  private server?: HealthServer;

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
    private readonly handler: HealthRequestHandler,
  ) {}

  /** The bound address once listening (port 0 resolves to a real port). */
  address?: { port: number; host: string };

  async onApplicationBootstrap(): Promise<void> {
    const { server: settings, path } = this.options;
    if (!settings) return;
    this.server = new HealthServer(this.handler, path, HEALTH_ROUTES, this.options.kubernetesAliases ? KUBERNETES_ALIASES : []);
    const bound = await this.server.listen(settings.port, settings.host);
    this.address = { port: bound.port, host: settings.host };
    this.logger.log(`health server listening on http://${settings.host}:${bound.port}/${path}`);
  }

  // Closed after the drain and after Nest's own HTTP server, so probes get answers until the end.
  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}
