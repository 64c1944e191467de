// TypeDoc: the API reference, generated from the TSDoc of the public entry points (`npm run docs:api`,
// written to api-docs/, gitignored). The entry points come from src/entry-points.json, the one list of them.
import { readFileSync } from 'node:fs';

const { entries } = JSON.parse(readFileSync(new URL('./src/entry-points.json', import.meta.url), 'utf8'));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'nestjs-deep-health',
  entryPoints: entries.map((entry) => entry.source),
  tsconfig: 'tsconfig.build.json',
  out: 'api-docs',
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  // Named by a public signature yet not public themselves: collaborators Nest injects, which no user constructs.
  intentionallyNotExported: ['CheckHistory', 'FleetView', 'WebhookNotifier', 'GracefulDrain', 'HealthRequestHandler'],
  plugin: ['./scripts/typedoc-entry-names.mjs'],
  validation: { notExported: true, invalidLink: true, invalidPath: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true },
};
