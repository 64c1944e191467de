// A TypeDoc plugin (typedoc.config.mjs loads it): each entry point's module is titled by the import path
// users write (`nestjs-deep-health/typeorm`), not by its source folder (`indicators/typeorm`).
// The mapping comes from src/entry-points.json; a module it does not name stops the build.
import { readFileSync } from 'node:fs';
import { Converter, ReflectionKind } from 'typedoc';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const { entries } = JSON.parse(readFileSync(new URL('../src/entry-points.json', import.meta.url), 'utf8'));

/** TypeDoc's own name for an entry module: its path below src/, without `/index.ts` (`index` for src/index.ts). */
const typedocName = (source) => source.replace(/^src\//, '').replace(/(\/index)?\.ts$/, '') || 'index';
const importPath = (subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
const titles = new Map(entries.map(({ source, subpath }) => [typedocName(source), importPath(subpath)]));

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const title = titles.get(module.name);
      if (!title) throw new Error(`typedoc-entry-names: module "${module.name}" is not an entry of src/entry-points.json (known: ${[...titles.keys()].join(', ')})`);
      module.name = title;
    }
  });
}
