import { Body, Controller, Inject, Delete, Get, Headers, Param, Put, Query, Res, SetMetadata, VERSION_NEUTRAL, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AllowInMaintenance } from '../../maintenance/allow-in-maintenance.decorator.js';
import type { HealthHttpResponse } from '../health-response.js';
import { HealthRequestHandler, type HealthQuery } from '../health-request-handler.js';
import { healthOpenApi } from './health-openapi.js';

/** Metadata set on the health controllers: lets an app's global guard or interceptor recognise them. */
export const DEEP_HEALTH_CONTROLLER = 'nestjs-deep-health:controller';

/** How the module shapes its controllers (the module's "extras", known before any async factory runs). */
export interface HealthControllerSettings {
  path: string;
  decorators: readonly ClassDecorator[];
  versionNeutral: boolean;
  swagger: boolean;
  kubernetesAliases: boolean;
}

/**
 * Builds the health controllers for a base path. The classes are made per module definition
 * because Nest reads controller paths, versions and the app's class decorators from decorators,
 * and all of them are module options.
 */
export function createHealthControllers(settings: HealthControllerSettings): Type<unknown>[] {
  const docs = healthOpenApi(settings.swagger);
  const shape = (controller: Type<unknown>, path: string): Type<unknown> => {
    let target = controller;
    const decorators: ClassDecorator[] = [
      // The health endpoints (including PUT/DELETE maintenance) must work during read-only maintenance.
      AllowInMaintenance(),
      SetMetadata(DEEP_HEALTH_CONTROLLER, true),
      Controller(settings.versionNeutral ? { path, version: VERSION_NEUTRAL } : { path }),
      ...docs.controller,
      // Only functions: anything else is reported by the option validation at boot, with every other problem.
      ...settings.decorators.filter((decorator) => typeof decorator === 'function'),
    ];
    // Applied as TypeScript applies a class decorator list: last first, a returned class replaces the target.
    for (const decorator of decorators.reverse()) target = (decorator(target) as Type<unknown> | void) ?? target;
    return target;
  };

  class HealthController {
    constructor(
      // Explicit tokens: the class decorators are applied by `shape`, so TypeScript emits no parameter types.
      @Inject(HealthRequestHandler) private readonly handler: HealthRequestHandler,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Get()
    @docs.layer('root', 'Liveness (same as /live)')
    async root(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      this.write(res, await this.handler.layer('live', { authorization, query }));
    }

    @Get('live')
    @docs.layer('live', 'Liveness: process-local checks only, never a dependency')
    async live(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      this.write(res, await this.handler.layer('live', { authorization, query }));
    }

    @Get('startup')
    @docs.layer('startup', 'Startup: 503 until boot and the startup checks have passed once')
    async startup(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      this.write(res, await this.handler.layer('startup', { authorization, query }));
    }

    @Get('ready')
    @docs.layer('ready', 'Readiness: critical checks, maintenance and shutdown state')
    async ready(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      this.write(res, await this.handler.layer('ready', { authorization, query }));
    }

    @Get('deep')
    @docs.layer('deep', 'Deep: every check, critical or not')
    async deep(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      this.write(res, await this.handler.layer('deep', { authorization, query }));
    }

    @Get('checks/:name')
    @docs.named('check', 'One check by name', 'check')
    async check(@Param('name') name: string, @Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      this.write(res, await this.handler.check(name, { authorization, query }));
    }

    @Get('groups/:name')
    @docs.named('group', 'A health group: its checks, each counted as critical', 'health group')
    async group(@Param('name') name: string, @Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      this.write(res, await this.handler.group(name, { authorization, query }));
    }

    @Get('metrics')
    @docs.metrics()
    async metrics(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.metrics({ authorization }));
    }

    @Get('maintenance')
    @docs.maintenanceStatus()
    maintenanceStatus(@Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, this.handler.maintenanceStatus({ authorization }));
    }

    @Put('maintenance')
    @docs.enableMaintenance()
    async enableMaintenance(@Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.enableMaintenance(body, { authorization }));
    }

    @Delete('maintenance')
    @docs.disableMaintenance()
    async disableMaintenance(@Query('scope') scope: unknown, @Headers('authorization') authorization: string | undefined, @Res() res: unknown) {
      this.write(res, await this.handler.disableMaintenance({ authorization }, { scope }));
    }

    private write(res: unknown, response: HealthHttpResponse): void {
      writeResponse(this.adapterHost, res, response);
    }
  }

  /** kube-apiserver's names at the app root, when `kubernetesAliases` is on. */
  class KubernetesAliasesController {
    constructor(
      // Explicit tokens: the class decorators are applied by `shape`, so TypeScript emits no parameter types.
      @Inject(HealthRequestHandler) private readonly handler: HealthRequestHandler,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Get('livez')
    @docs.layer('livez', 'Liveness (kube-apiserver alias of /live)')
    async livez(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      writeResponse(this.adapterHost, res, await this.handler.layer('live', { authorization, query }));
    }

    @Get('readyz')
    @docs.layer('readyz', 'Readiness (kube-apiserver alias of /ready)')
    async readyz(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      writeResponse(this.adapterHost, res, await this.handler.layer('ready', { authorization, query }));
    }

    @Get('startupz')
    @docs.layer('startupz', 'Startup (alias of /startup)')
    async startupz(@Headers('authorization') authorization: string | undefined, @Query() query: HealthQuery, @Res() res: unknown) {
      writeResponse(this.adapterHost, res, await this.handler.layer('startup', { authorization, query }));
    }
  }

  const controllers = [shape(HealthController, settings.path)];
  if (settings.kubernetesAliases) controllers.push(shape(KubernetesAliasesController, ''));
  return controllers;
}

function writeResponse(adapterHost: HttpAdapterHost, res: unknown, response: HealthHttpResponse): void {
  const adapter = adapterHost.httpAdapter;
  for (const [name, value] of Object.entries(response.headers)) adapter.setHeader(res, name, value);
  adapter.reply(res, response.body, response.statusCode);
}
