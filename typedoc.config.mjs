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
  // No source links: they would need a git remote (a clean clone or a tarball has none), and the reference is read beside the source anyway.
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  // Named by a public signature yet not public themselves: collaborators Nest injects, which no user constructs.
  // The OptionsFor* types are the slices of ResolvedHealthOptions each folder reads (their constructors take them).
  intentionallyNotExported: [
    'CheckHistory',
    'FleetView',
    'WebhookNotifier',
    'GracefulDrain',
    'HealthRequestHandler',
    'OptionsForLayers',
    'OptionsForMaintenance',
    'OptionsForStatusPage',
    'OptionsForTransport',
  ],
  plugin: ['./scripts/typedoc-entry-names.mjs'],
  validation: { notExported: true, invalidLink: true, invalidPath: true, rewrittenLink: true, notDocumented: true, unusedMergeModuleWith: true },
};
