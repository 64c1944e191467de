import { Body, Controller, Delete, Get, Headers, Param, Put, Query, Res, Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AllowInMaintenance } from '../../maintenance/allow-in-maintenance.decorator.js';
import type { ServerResponse } from 'node:http';
import { toWire, type HealthHttpResponse } from '../health-response.js';
import { HealthRequestHandler, type ReportLayer } from '../health-request-handler.js';

/**
 * Builds the health controller for a base path. The class is made per path because Nest reads
 * controller paths from decorators, and the path is a module option.
 */
export function createHealthController(path: string): Type<unknown> {
  // The health endpoints (including PUT/DELETE maintenance) must work during read-only maintenance.
  @AllowInMaintenance()
  @Controller(path)
  class HealthController {
    constructor(
      private readonly handler: HealthRequestHandler,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Get(['', 'live'])
    live(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      return this.answer('live', authorization, res);
    }

    @Get('startup')
    startup(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      return this.answer('startup', authorization, res);
    }

    @Get('ready')
    ready(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      return this.answer('ready', authorization, res);
    }

    @Get('deep')
    deep(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      return this.answer('deep', authorization, res);
    }

    @Get('checks/:name')
    async check(@Param('name') name: string, @Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.check(name, { authorization }));
    }

    @Get('metrics')
    async metrics(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.metrics({ authorization }));
    }

    @Get('maintenance')
    maintenanceStatus(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, this.handler.maintenanceStatus({ authorization }));
    }

    @Put('maintenance')
    async enableMaintenance(@Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.enableMaintenance(body, { authorization }));
    }

    @Delete('maintenance')
    async disableMaintenance(@Query('scope') scope: unknown, @Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.disableMaintenance({ authorization }, { scope }));
    }

    /** Answers from fresh cached results without an await; runs the stale checks otherwise. */
    private answer(layer: ReportLayer, authorization: string | undefined, res: unknown): Promise<void> | undefined {
      const request = { authorization };
      const now = this.handler.layerNow(layer, request);
      if (now) {
        this.write(res, now);
        return undefined;
      }
      return this.handler.layer(layer, request).then((response) => this.write(res, response));
    }

    /**
     * Writes the response in one call. A health answer is never cacheable, so nothing of the
     * adapter's generic reply path is of use to it (Express's ETag hashing, Fastify's content-type
     * parsing and serializer), and under a probe flood that path costs more than the answer.
     */
    private write(res: unknown, response: HealthHttpResponse): void {
      const wire = toWire(response);
      if (isFastifyReply(res)) {
        // Through the reply, not its raw response: the app's onSend hooks and the headers its
        // earlier hooks set (CORS, security headers) still apply.
        res.headers(wire.headers).code(wire.statusCode).send(wire.body);
      } else if (isNodeResponse(res)) {
        // Express (and any adapter handing out node's response): headers the app's middleware
        // set with setHeader are kept; node leaves the body out of a HEAD answer.
        res.writeHead(wire.statusCode, wire.headers).end(wire.body);
      } else {
        const adapter = this.adapterHost.httpAdapter;
        for (const [name, value] of Object.entries(response.headers)) adapter.setHeader(res, name, value);
        adapter.reply(res, response.body, response.statusCode);
      }
    }
  }
  return HealthController;
}

/** The part of a Fastify reply the controller uses (no import: @nestjs/platform-fastify is the app's choice). */
interface FastifyReplyLike {
  headers(values: Readonly<Record<string, string>>): FastifyReplyLike;
  code(statusCode: number): FastifyReplyLike;
  send(payload: Buffer): unknown;
}

function isFastifyReply(res: unknown): res is FastifyReplyLike {
  const reply = res as Partial<Record<keyof FastifyReplyLike, unknown>> | null;
  return typeof reply?.headers === 'function' && typeof reply.code === 'function' && typeof reply.send === 'function';
}

function isNodeResponse(res: unknown): res is ServerResponse {
  const response = res as Partial<Record<'writeHead' | 'end', unknown>> | null;
  return typeof response?.writeHead === 'function' && typeof response.end === 'function';
}
