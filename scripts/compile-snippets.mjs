#!/usr/bin/env node
// Compiles every ```ts block of README.md and docs/**/*.md the way a user's app would: once in an ES module
// app ("type": "module") and once in a CommonJS app, both `module: nodenext`, strict, isolatedModules, against
// the BUILT package (dist/ through package.json "exports", as after `npm install nestjs-deep-health`).
// Also checks that every relative link and #anchor between these pages resolves, and that every package a
// page's snippets import is one a `nest new` app has, or is named in an `npm install` line of README.md or of
// that page (so a reader following the page installs what its examples need).
//
// Fences: ```ts (or ```typescript) is compiled as a module file of its own. Attributes after the language:
//   fragment        skipped on purpose (counted and listed in the summary), for deliberate excerpts
//   file=NAME.ts    the block's file name, so another block of the same page can import it ('./NAME.js')
//
// Usage: node scripts/compile-snippets.mjs [--json] [--keep] [--typescript RANGE] [--no-skip-lib-check]
//   (run `npm run build` first). --typescript compiles with that TypeScript (fetched once into the cache of
//   scripts/registry-cache.mjs) instead of the project's; --no-skip-lib-check also checks every .d.ts, and
//   counts the errors in this package's own .d.ts (other packages' errors are listed apart, as `foreign`).
// Exit code 1 when a snippet does not compile or a link is broken; each problem is printed as
// `page.md:line: message` with the line in the Markdown page.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedPackage } from './registry-cache.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const args = new Set(argv);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);

/** README.md and every Markdown page under docs/, as paths relative to the repository root. */
export function markdownPages(dir = root) {
  const pages = ['README.md'];
  const walk = (sub) => {
    const abs = join(dir, sub);
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) pages.push(rel);
    }
  };
  walk('docs');
  return pages;
}

/** Fenced blocks of one page: { lang, attrs, line (of the first code line, 1-based), code }. */
export function fencedBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const [lang = '', ...attrs] = info.trim().split(/\s+/);
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).exec(lines[j]);
      if (close) break;
      body.push(indent ? lines[j].replace(new RegExp(`^ {0,${indent.length}}`), '') : lines[j]);
    }
    blocks.push({ lang: lang.toLowerCase(), attrs, line: i + 2, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** GitHub's anchor for a heading text. */
export function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

function headingAnchors(text) {
  const anchors = new Set();
  const seen = new Map();
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative links and #anchors between the pages that do not resolve. */
export function brokenLinks(pages, dir = root) {
  const texts = new Map(pages.map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
  const anchors = new Map([...texts].map(([p, t]) => [p, headingAnchors(t)]));
  const problems = [];
  for (const [page, text] of texts) {
    let inFence = false;
    text.split('\n').forEach((line, i) => {
      if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
      if (inFence) return;
      for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]*)\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [path, anchor] = target.split('#');
        const file = path ? normalize(join(dirname(page), path)) : page;
        if (!existsSync(join(dir, file))) {
          problems.push(`${page}:${i + 1}: link to ${target}: no such file`);
        } else if (anchor !== undefined && file.endsWith('.md')) {
          const known = anchors.get(file) ?? headingAnchors(readFileSync(join(dir, file), 'utf8'));
          if (!known.has(anchor)) problems.push(`${page}:${i + 1}: link to ${target}: no heading #${anchor} in ${file}`);
        }
      }
    });
  }
  return problems;
}

/** Every ts block of the pages, split into the ones to compile and the fragments skipped on purpose. */
export function collectSnippets(pages, dir = root) {
  const snippets = [];
  const fragments = [];
  for (const page of pages) {
    const used = new Set();
    for (const block of fencedBlocks(readFileSync(join(dir, page), 'utf8'))) {
      if (block.lang !== 'ts' && block.lang !== 'typescript') continue;
      const where = `${page}:${block.line - 1}`;
      if (block.attrs.includes('fragment')) {
        fragments.push(where);
        continue;
      }
      const named = block.attrs.find((a) => a.startsWith('file='))?.slice('file='.length);
      const stem = page.replace(/\.md$/, '').replace(/[^\w-]+/g, '_');
      const file = join(stem, named ?? `line-${block.line - 1}.ts`);
      if (used.has(file)) throw new Error(`${where}: two blocks named ${file}`);
      used.add(file);
      snippets.push({ page, line: block.line, file, code: block.code });
    }
  }
  return { snippets, fragments };
}

/** What a `nest new` app already depends on, plus this package and Node's own modules. */
const BASELINE = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs', 'nestjs-deep-health'];

function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Package names in the `npm install` / `npm i` lines of a page's shell blocks. */
function installedBy(text) {
  const names = new Set();
  for (const block of fencedBlocks(text)) {
    if (!['bash', 'sh', 'shell', 'console'].includes(block.lang)) continue;
    for (const line of block.code.split('\n')) {
      const m = /^\s*(?:\$\s*)?npm\s+(?:install|i|add)\s+(.*)$/.exec(line);
      if (!m) continue;
      for (const word of m[1].replace(/#.*$/, '').trim().split(/\s+/)) {
        if (!word || word.startsWith('-')) continue;
        names.add(word.replace(/(.)@[^/]*$/, '$1')); // drop a version range: pkg@^1, @scope/pkg@2
      }
    }
  }
  return names;
}

/** Packages imported by the snippets of a page that neither the baseline nor an install line provides. */
export function uninstalledImports(snippets, dir = root) {
  const readme = installedBy(readFileSync(join(dir, 'README.md'), 'utf8'));
  const problems = [];
  const byPage = new Map();
  for (const s of snippets) byPage.set(s.page, [...(byPage.get(s.page) ?? []), s]);
  for (const [page, list] of byPage) {
    const allowed = new Set([...BASELINE, ...readme, ...installedBy(readFileSync(join(dir, page), 'utf8'))]);
    for (const s of list) {
      s.code.split('\n').forEach((line, i) => {
        for (const m of line.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
          const name = packageOf(m[1]);
          if (name && !allowed.has(name) && !isBuiltin(name)) {
            problems.push(`${page}:${s.line + i}: imports ${name}, which no \`npm install\` line of README.md or of this page names`);
          }
        }
      });
    }
  }
  return problems;
}

const compilerOptions = {
  target: 'ES2022',
  lib: ['ES2022'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  types: ['node'],
  strict: true,
  isolatedModules: true,
  moduleDetection: 'force',
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

/**
 * Symlinks the repository's node_modules into `dir/node_modules`, with `nestjs-deep-health` pointing at the
 * repository itself, so imports resolve through its package.json "exports" to dist/, as for a user.
 */
function linkDependencies(dir) {
  const target = join(dir, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry === '.bin' || entry === 'nestjs-deep-health' || entry.startsWith('.')) continue;
    symlinkSync(join(root, 'node_modules', entry), join(target, entry));
  }
  symlinkSync(root, join(target, 'nestjs-deep-health'));
}

/**
 * Compiles the snippets in one app flavour; returns the problems as `page.md:line: message`, and apart the
 * errors located in other packages' .d.ts files (only reported with skipLibCheck off).
 */
function compileIn(work, flavour, snippets, { tsc, skipLibCheck }) {
  const app = join(work, flavour);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: `snippets-${flavour}`, private: true, type: flavour === 'esm' ? 'module' : 'commonjs' }));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck }, include: ['snippets/**/*.ts'] }, null, 2));
  const byFile = new Map();
  for (const s of snippets) {
    const abs = join(app, 'snippets', s.file);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, s.code + '\n');
    byFile.set(relative(app, abs), s);
  }
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    if (!output.trim()) throw error;
  }
  const problems = [];
  const foreign = [];
  let last = problems;
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const s = m && byFile.get(normalize(m[1]));
    if (s) {
      problems.push(`${s.page}:${s.line + Number(m[2]) - 1}: [${flavour}] ${m[4]}`);
      last = problems;
    } else if (/^\s/.test(line) && last.length) {
      last[last.length - 1] += `\n${line}`;
    } else {
      const file = m ? resolve(app, m[1]) : '';
      // This package's own files resolve to the repository (node_modules/nestjs-deep-health is a link to it).
      last = !m || file.startsWith(root + '/') ? problems : foreign;
      last.push(`[${flavour}] ${m ? `${relative(root, file).startsWith('..') ? file : relative(root, file)}(${m[2]},${m[3]}): ${m[4]}` : line}`);
    }
  }
  return { problems, foreign };
}

export function compileSnippets({ keep = false, typescript, skipLibCheck = true } = {}) {
  for (const entry of ['dist/index.d.ts', 'node_modules/typescript/bin/tsc']) {
    if (!existsSync(join(root, entry))) throw new Error(`${entry} is missing: run npm install and npm run build first`);
  }
  const ts = typescript ? cachedPackage('typescript', typescript) : { dir: join(root, 'node_modules', 'typescript') };
  const tsVersion = JSON.parse(readFileSync(join(ts.dir, 'package.json'), 'utf8')).version;
  const settings = { tsc: join(ts.dir, 'bin', 'tsc'), skipLibCheck };
  const pages = markdownPages();
  const links = brokenLinks(pages);
  const { snippets, fragments } = collectSnippets(pages);
  const work = mkdtempSync(join(tmpdir(), 'deep-health-snippets-'));
  try {
    linkDependencies(work);
    const esm = compileIn(work, 'esm', snippets, settings);
    const cjs = compileIn(work, 'cjs', snippets, settings);
    const imports = uninstalledImports(snippets);
    return {
      typescript: tsVersion,
      skipLibCheck,
      pages,
      compiled: snippets.map((s) => `${s.page}:${s.line - 1}`),
      fragments,
      problems: [...links, ...imports, ...esm.problems, ...cjs.problems],
      foreign: [...esm.foreign, ...cjs.foreign],
      work: keep ? work : undefined,
    };
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = compileSnippets({ keep: args.has('--keep'), typescript: option('--typescript'), skipLibCheck: !args.has('--no-skip-lib-check') });
  if (args.has('--json')) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    for (const p of result.problems) console.error(p);
    for (const p of result.foreign) console.error(`(another package) ${p}`);
    console.log(
      `snippets: ${result.compiled.length} ts blocks from ${result.pages.length} pages compiled as ESM and as CommonJS ` +
        `with TypeScript ${result.typescript}${result.skipLibCheck ? '' : ', skipLibCheck off'}; ` +
        `${result.fragments.length} fragment(s) skipped on purpose${result.fragments.length ? ` (${result.fragments.join(', ')})` : ''}; ` +
        `${result.problems.length} problem(s)` +
        (result.foreign.length ? `; ${result.foreign.length} error(s) in other packages' .d.ts` : '') +
        (result.work ? `; kept in ${result.work}` : ''),
    );
  }
  process.exitCode = result.problems.length ? 1 : 0;
}


