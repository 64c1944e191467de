/**
 * Import direction of src/ (issue 11), checked by `npm test` (npm run lint:deps):
 * module -> transport -> layers -> maintenance -> validation -> engine, and no runtime import cycle.
 * Type-only imports of the module's aggregate options type (`ResolvedHealthOptions`) are allowed
 * upwards: they vanish at runtime; every runtime edge points down.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-imports-nothing-else',
      comment: 'The engine runs checks; it depends on nothing else in src/.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/engine/' },
    },
    // Folder order, one rule per step down (runtime imports; a folder-scoped cycle rule cannot leave type-only edges out).
    ...[
      ['validation', ['^src/(?!engine/|validation/)']],
      ['tokens', ['^src/(?!tokens/)']],
      ['maintenance', ['^src/(layers|transport|module|metrics|status-page|stores|indicators)/']],
      ['layers', ['^src/(transport|module|metrics|status-page|stores|indicators)/']],
      ['metrics', ['^src/(transport|module|status-page)/']],
      ['status-page', ['^src/(transport|module)/']],
      ['transport', ['^src/module/']],
      ['indicators', ['^src/(module|layers|transport|maintenance|metrics|status-page)/']],
      ['stores', ['^src/(module|layers|transport|indicators)/']],
    ].map(([folder, above]) => ({
      name: `${folder}-imports-only-below`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: above, dependencyTypesNot: ['type-only'] },
    })),
    {
      name: 'no-runtime-cycles',
      comment: 'No runtime import cycle: every edge of a forbidden cycle is a runtime import.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'only-module-and-barrel-import-module',
      comment: 'The module is the top of the graph: below it, only type-only imports of its options types.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/module/', '^src/index\\.ts$'] },
      to: { path: '^src/module/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
  },
};
