import { Body, Controller, Delete, Get, Headers, Param, Put, Query, Res, Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AllowInMaintenance } from '../../maintenance/allow-in-maintenance.decorator.js';
import type { HealthHttpResponse } from '../health-response.js';
import { HealthRequestHandler } from '../health-request-handler.js';

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
    async live(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.layer('live', { authorization }));
    }

    @Get('startup')
    async startup(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.layer('startup', { authorization }));
    }

    @Get('ready')
    async ready(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.layer('ready', { authorization }));
    }

    @Get('deep')
    async deep(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.layer('deep', { authorization }));
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

    @Get('history')
    history(@Query() query: Record<string, unknown>, @Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, this.handler.history({ authorization }, { ...query }));
    }

    @Get('fleet')
    async fleet(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.fleet({ authorization }));
    }

    // Last, so every named route above wins (Express matches in order; Fastify prefers static routes).
    @Get(':page')
    page(@Param('page') page: string, @Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      const request = { authorization };
      this.write(res, page === this.handler.uiPath ? this.handler.page(request) : this.handler.notFound('GET', `/${path}/${page}`, request));
    }

    private write(res: unknown, response: HealthHttpResponse): void {
      const adapter = this.adapterHost.httpAdapter;
      for (const [name, value] of Object.entries(response.headers)) adapter.setHeader(res, name, value);
      adapter.reply(res, response.body, response.statusCode);
    }
  }
  return HealthController;
}
