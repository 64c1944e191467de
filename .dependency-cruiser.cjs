/**
 * Import direction of src/ (issue 11), checked by `npm test` (npm run lint:deps):
 * module -> transport -> status-page -> metrics -> layers -> maintenance -> validation -> engine,
 * with identity (who the service is) and tokens at the bottom beside the engine. Every import
 * counts, type-only ones included (tsPreCompilationDeps): a folder that needs a slice of the
 * module's options declares it (`OptionsForLayers`...) and the module's `ResolvedHealthOptions`
 * extends them, so no edge points up and there is no cycle, not even through types.
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
    // Folder order, one rule per step down.
    ...[
      ['identity', ['^src/(?!identity/)']],
      ['validation', ['^src/(?!engine/|validation/)']],
      ['tokens', ['^src/(?!tokens/)']],
      ['maintenance', ['^src/(layers|transport|module|metrics|status-page|stores|indicators)/']],
      ['layers', ['^src/(transport|module|metrics|status-page|stores|indicators)/']],
      ['metrics', ['^src/(transport|module|status-page)/']],
      ['status-page', ['^src/(transport|module)/']],
      ['transport', ['^src/module/']],
      ['indicators', ['^src/(module|layers|transport|maintenance|metrics|status-page)/']],
      ['stores', ['^src/(module|layers|transport|indicators)/']],
      ['connect', ['^src/(?!engine/|validation/|connect/)']],
      ['terminus', ['^src/(?!engine/|terminus/)']],
      ['cli', ['^src/(?!engine/|cli/)']],
    ].map(([folder, above]) => ({
      name: `${folder}-imports-only-below`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: above },
    })),
    {
      name: 'no-cycles',
      comment: 'No import cycle, type-only imports included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'only-module-and-barrel-import-module',
      comment: 'The module is the top of the graph: nothing below it imports it, not even for types.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/module/', '^src/index\\.ts$'] },
      to: { path: '^src/module/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    // Type-only imports are part of the graph (they would vanish from it without this).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
  },
};
