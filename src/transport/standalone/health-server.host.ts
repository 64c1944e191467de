import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HealthRequestHandler } from '../health-request-handler.js';
import type { OptionsForTransport } from '../transport-options.js';
import { DEEP_HEALTH_OPTIONS } from '../../tokens/deep-health-options.token.js';
import { HealthServer } from './health-server.js';
import { healthRoutes, KUBERNETES_ALIASES } from '../routes.js';
import { statusPagePath } from '../../status-page/status-page-options.js';

/**
 * Runs the standalone health server when `server` is set: listening from the moment the module is
 * instantiated (before any `onModuleInit` of the app, which may wait for a broker or a database),
 * so a worker whose dependencies are down still answers liveness; closed last on shutdown.
 */
@Injectable()
export class HealthServerHost implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeepHealth');
  private server?: HealthServer;
  private readonly listening?: Promise<void>;

  constructor(
    @Inject(DEEP_HEALTH_OPTIONS) private readonly options: OptionsForTransport,
    private readonly handler: HealthRequestHandler,
  ) {
    if (options.server) {
      this.listening = this.listen();
      // The error is reported by onModuleInit (boot fails with it); never an unhandled rejection.
      this.listening.catch(() => undefined);
    }
  }

  /** The bound address once listening (port 0 resolves to a real port). */
  address?: {
    /** The port bound (the real one when `server.port` is `0`). */
    port: number;
    /** The `server.host` it listens on. */
    host: string;
  };

  /** Fails the boot when the port could not be bound (EADDRINUSE...). */
  async onModuleInit(): Promise<void> {
    await this.listening;
  }

  /** From here on the listening server keeps the process alive (until then a failed boot can still exit). */
  onApplicationBootstrap(): void {
    // Until boot completes the server does not hold the process: a boot that fails must still exit.
    this.server?.keepProcessAlive(true);
  }

  /** Closes the server, after the drain and after Nest's own HTTP server, so probes get answers until the end. */
  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }

  private async listen(): Promise<void> {
    const { server: settings, path } = this.options;
    if (!settings) return;
    this.server = new HealthServer(this.handler, path, healthRoutes(statusPagePath(this.options.ui)), this.options.kubernetesAliases ? KUBERNETES_ALIASES : []);
    const bound = await this.server.listen(settings.port, settings.host);
    this.server.keepProcessAlive(false);
    this.address = { port: bound.port, host: settings.host };
    this.logger.log(`health server listening on http://${settings.host}:${bound.port}/${path}`);
  }
}
