/**
 * The app's own routes under the health path: the module serves its endpoints and the status page
 * at their real paths (`ui.path` included, even when only a `forRootAsync` factory gives it) and
 * answers nothing else, so an app's `GET /health/custom` is the app's whatever the registration
 * order, and the OpenAPI document lists the page at its path.
 */
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DeepHealthModule } from '../../src/index';
import { ADAPTERS, startHealthApp, type RunningApp } from '../support/health-app';

@Controller('health')
class CustomHealthController {
  @Get('custom')
  custom() {
    return { custom: true };
  }
}

/** The same route in a feature module imported after DeepHealthModule (its controllers register later). */
@Module({ controllers: [CustomHealthController] })
class CustomHealthModule {}

const SETUPS: Array<[string, () => DynamicModule, 'root' | 'feature']> = [
  ['forRoot, app controller in the root module', () => DeepHealthModule.forRoot({ ui: { path: 'status' } }), 'root'],
  ['forRoot, app controller in a module imported after', () => DeepHealthModule.forRoot({ ui: { path: 'status' } }), 'feature'],
  ['forRootAsync, ui.path from the factory', () => DeepHealthModule.forRootAsync({ useFactory: () => ({ ui: { path: 'status' } }) }), 'feature'],
];

describe.each(ADAPTERS)('app routes under the health path on %s', (adapter) => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it.each(SETUPS)('%s: the app answers its own route, the module its page at ui.path', async (_name, module, where) => {
    running = await startHealthApp(adapter, { module: module() }, where === 'root' ? { controllers: [CustomHealthController] } : { imports: [CustomHealthModule] });
    const custom = await running.get('/health/custom');
    expect([custom.status, custom.json]).toEqual([200, { custom: true }]);
    const page = await running.get('/health/status');
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    // Not the page: the default path when ui.path moved it, and any other name, are the app's own 404.
    const others = await Promise.all(['/health/ui', '/health/nothing-here'].map(async (path) => `${path} ${(await running!.get(path)).status}`));
    expect(others).toEqual(['/health/ui 404', '/health/nothing-here 404']);

    const document = SwaggerModule.createDocument(running.app, new DocumentBuilder().build());
    const paths = Object.keys(document.paths);
    expect(paths.filter((path) => path.includes('{page}'))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['/health/status', '/health/custom']));
    expect(paths).not.toContain('/health/ui');
  });
});
