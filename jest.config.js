/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/** What every project shares: the swc transform, the ESM-only @nestjs packages, the source mappings. */
const shared = {
  testEnvironment: 'node',
  rootDir: '.',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // @nestjs/* 12 ship as ES modules only; Jest on Node 20 needs them transformed to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleNameMapper: {
    '^nestjs-deep-health$': '<rootDir>/src/index.ts',
    '^nestjs-deep-health/(.*)$': '<rootDir>/src/indicators/$1/index.ts',
    // Source files import siblings with the ".js" suffix (NodeNext); map them back to the .ts files.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
const TESTS = '**/*.{spec,e2e-spec,test}.ts';

/**
 * Four tiers, each runnable alone (`npm run test:unit`, `test:e2e`, `test:services`,
 * `test:processes`); `npm test` runs them all. Every test file belongs to exactly one tier
 * (compare `jest --listTests` with and without `--selectProjects` after adding a folder).
 */
const projects = [
  // No I/O beyond loopback in the same process: specs beside the code, and static checks of the repository.
  { displayName: 'unit', testMatch: [`<rootDir>/src/${TESTS}`, '<rootDir>/test/package/entry-points.test.ts', '<rootDir>/test/package/peer-ranges.test.ts'] },
  // In-process Nest apps (@nestjs/testing or NestFactory) over HTTP on Express, Fastify and the standalone server.
  { displayName: 'e2e', testMatch: [`<rootDir>/test/e2e/${TESTS}`, `<rootDir>/test/bad-input/${TESTS}`] },
  // Real Postgres, Redis, RabbitMQ (and PGlite), loopback vendor servers.
  // Also the conformance suite that every check factory runs through (test/conformance).
  { displayName: 'services', testMatch: [`<rootDir>/test/integration/!(cli)/${TESTS}`, `<rootDir>/test/reliability/${TESTS}`, `<rootDir>/test/conformance/${TESTS}`] },
  // Child processes: built CLI, packed package, sample app, fleets of replicas, browsers, the docs compiler.
  {
    displayName: 'processes',
    testMatch: [
      `<rootDir>/test/integration/cli/${TESTS}`,
      `<rootDir>/test/fleet/${TESTS}`,
      `<rootDir>/test/sample-app/${TESTS}`,
      `<rootDir>/test/status-page/${TESTS}`,
      `<rootDir>/test/docs/${TESTS}`,
      `<rootDir>/test/package/!(entry-points|peer-ranges).{spec,e2e-spec,test}.ts`,
    ],
  },
].map((project) => ({ ...shared, ...project }));

module.exports = { projects, testTimeout: 30000 };
