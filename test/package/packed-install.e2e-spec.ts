/**
 * The published package as users get it: `npm pack`, installed into a throwaway app outside the
 * repository, booted from CommonJS on Express and from ESM on Fastify, and probed over HTTP, on the
 * Node running the tests and on Node 22, 24 and 26 (binaries from the npm registry, cached outside the
 * repository by scripts/node-binaries.mjs).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { boot as bootIn, compileIn, installConsumerApp, root, stop } from './consumer-app';
import { CURRENT_NODE, otherNodeLines } from './node-lines';

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Resolved at load time so describe.each can name each line.
const NODES = [CURRENT_NODE, ...otherNodeLines()];
const OPTIONAL_PEERS = ['typeorm', 'ioredis', 'bullmq', 'amqplib', 'prom-client', '@nestjs/terminus', 'pg', '@nestjs/swagger'];
/** The one list of entry points (package.json exports and docs are checked against it too). */
const { entries: ENTRIES } = JSON.parse(readFileSync(join(root, 'src/entry-points.json'), 'utf8')) as {
  entries: Array<{ subpath: string; source: string; typePeers: string[] }>;
};

let appDir: string;

beforeAll(() => {
  const names = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', 'reflect-metadata', 'rxjs'];
  const dependencies = Object.fromEntries(names.map((name) => [name, rootPkg.devDependencies[name] as string]));
  appDir = installConsumerApp('deep-health-consumer-', { name: 'consumer-app', version: '3.2.1' }, dependencies).dir;
}, 240_000);

afterAll(() => rmSync(appDir, { recursive: true, force: true }));

const CJS_APP = `
require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { DeepHealthModule, defineCheck } = require('nestjs-deep-health');
class AppModule {}
Module({ imports: [DeepHealthModule.forRoot({ checks: [defineCheck({ name: 'cjs', run: () => 'pass' })] })] })(AppModule);
NestFactory.create(AppModule, { logger: false }).then(async (app) => {
  await app.listen(0, '127.0.0.1');
  console.log('PORT=' + app.getHttpServer().address().port);
});
`;

const ESM_APP = `
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DeepHealthModule, defineCheck } from 'nestjs-deep-health';
class AppModule {}
Module({ imports: [DeepHealthModule.forRoot({ path: 'ops', checks: [defineCheck({ name: 'esm', run: () => 'pass' })] })] })(AppModule);
const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
await app.listen(0, '127.0.0.1');
console.log('PORT=' + app.getHttpServer().address().port);
`;

function boot(node: string, file: string, source: string) {
  writeFileSync(join(appDir, file), source);
  return bootIn(node, appDir, file);
}

describe.each(NODES.map((n) => [`Node ${n.version}`, n] as const))('the packed package in a separate app on %s', (_, { node }) => {
  it('works from CommonJS on Express', async () => {
    const { child, port } = await boot(node, 'app.cjs', CJS_APP);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      // The version comes from the consumer app's package.json, not from the library's.
      expect(body).toMatchObject({ status: 'pass', serviceId: 'consumer-app', version: '3.2.1' });
      expect(Object.keys(body.checks)).toEqual(['cjs']);
    } finally {
      await stop(child);
    }
  });

  it('works from ESM on Fastify', async () => {
    const { child, port } = await boot(node, 'app.mjs', ESM_APP);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ops/ready`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/health\+json/);
      expect(((await res.json()) as any).checks.esm[0].status).toBe('pass');
    } finally {
      await stop(child);
    }
  });

  it('boots without @nestjs/swagger installed (its decorators are loaded only when it resolves)', () => {
    expect(() => require.resolve('@nestjs/swagger', { paths: [appDir] })).toThrow();
  });

});

describe('the packed package, installed', () => {
  it('compiles a Prisma app without typeorm installed, with skipLibCheck false (issue 11 defect 10)', () => {
    expect(existsSync(join(appDir, 'node_modules', 'typeorm'))).toBe(false);
    const typecheck = (entry: string) => {
      writeFileSync(
        join(appDir, 'prisma-app.ts'),
        `import { prismaMigrationsCheck, type SqlQueryable } from 'nestjs-deep-health/${entry}';
declare const prisma: { $queryRawUnsafe(sql: string, ...params: unknown[]): Promise<unknown> };
const dataSource: SqlQueryable = { query: (sql, params) => prisma.$queryRawUnsafe(sql, ...(params ?? [])) };
export const check = prismaMigrationsCheck({ dataSource });
`,
      );
      return compileIn(appDir, 'prisma-app.ts', { noEmit: true, skipLibCheck: false });
    };
    expect(typecheck('prisma')).toEqual([]);
    // The control: the same app through the TypeORM entry fails as a Prisma user's did before.
    expect(typecheck('typeorm').join('\n')).toMatch(/TS2307: Cannot find module 'typeorm'/);
  });

  it('ships every listed entry point, and each one\'s types import no optional peer but its own', () => {
    const installed = join(appDir, 'node_modules', 'nestjs-deep-health');
    const unresolved = ENTRIES.filter(({ subpath }) => {
      try {
        require.resolve(subpath === '.' ? 'nestjs-deep-health' : `nestjs-deep-health/${subpath.slice(2)}`, { paths: [appDir] });
        return false;
      } catch {
        return true;
      }
    });
    expect(unresolved).toEqual([]);
    // Walk the .d.ts graph from each entry: no file may import an optional peer the entry does not name.
    const offenders: string[] = [];
    for (const { subpath, source, typePeers } of ENTRIES) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const text = readFileSync(file, 'utf8');
        for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
          if (spec!.startsWith('.')) visit(resolve(dirname(file), spec!.replace(/\.js$/, '.d.ts')));
          else if (OPTIONAL_PEERS.some((peer) => (spec === peer || spec!.startsWith(`${peer}/`)) && !typePeers.includes(peer))) offenders.push(`${subpath} ${file}: ${spec}`);
        }
      };
      visit(join(installed, source.replace(/^src\//, 'dist/').replace(/\.ts$/, '.d.ts')));
      expect({ subpath, files: seen.size > 1 }).toEqual({ subpath, files: true });
    }
    expect(offenders).toEqual([]);
    // No test files or sources in the tarball.
    const files = readdirSync(join(installed, 'dist'), { recursive: true }) as string[];
    expect(files.filter((f) => f.includes('.spec.'))).toEqual([]);
  });
});
