#!/usr/bin/env node
// Part of `npm run build`, after tsc: keywarden's start-up in one file. Node 20 spends about a millisecond on each
// ES module it loads, and `keywarden --help` loaded forty-odd (commander among them); now it loads the bin and
// dist/cli.js.
//
// - dist/cli.js: src/main.ts, src/cli.ts and every module they import statically (help, the command index, the
//   output): all that `--help`, `help <command>` and `<command> --help` run. It exports runProcess for the bin.
// - dist/cli/program.js: the command tree and commander, loaded when a command line is more than a request for help.
// - dist/context.js: what every command runs in (settings, services, config, keeper, output) and its outcome.
// - dist/commands/list.js: the list command and all it imports (providers, manifests, HTTP, output), which most
//   commands load too.
// - dist/http/undici.cjs: the three parts of undici keywarden uses, run by src/http/undici.ts on the first request
//   with the code scripts/undici-cache.mjs compiles for it.
//
// Two of Node's modules load only when first used: child_process (commander requires it for subcommands that are
// programs of their own, which keywarden has none of) and http2 (undici requires it for HTTP/2, which keywarden does
// not ask for; its constants, plain strings, are copied in). Each took longer to load than a whole bundle.
//
// A module belongs to one bundle only. Its own file in dist/ is rewritten to re-export it from that bundle, so that
// command code, loaded from dist/ as before, shares the bundle's one instance of it (one KeywardenError class, for
// `instanceof`). A dynamic import stays an import of the module's file in dist/: command code loads only when a
// command runs. A bundled module that reads `import.meta.url` sees its own file's URL, not the bundle's.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** The bundles, in order: a later one reaches the modules of an earlier one through that one's exports. */
const bundles = [
  { out: 'cli.js', roots: ['cli.js', 'main.js'] },
  // commander is CommonJS: its require() calls of Node's modules need a require
  { out: 'cli/program.js', roots: ['cli/program.js'], require: true },
  // what every command runs in: the context (settings, services, config, keeper, output), and its outcome
  { out: 'context.js', roots: ['context.js', 'settings.js', 'outcome.js'] },
  // what listing keys needs, providers to output: the command most run, and the start of most others
  { out: 'commands/list.js', roots: ['commands/list.js'] },
];

/** Node's modules a bundle loads on first use, with the exports copied in at build time (plain data only). */
const lazyBuiltins = { 'node:child_process': [], 'node:http2': ['constants'] };

/**
 * Requires of `lazyBuiltins` become a stand-in that loads the real module when a property not copied is read: in
 * the bundles that have a require (CommonJS, or given one), and there only commander's and undici's code asks.
 */
const lazyBuiltinsPlugin = {
  name: 'keywarden-lazy-builtins',
  setup(b) {
    const names = Object.keys(lazyBuiltins).map((name) => name.slice('node:'.length));
    b.onResolve({ filter: new RegExp(`^(node:)?(${names.join('|')})$`) }, (args) => ({
      path: `node:${args.path.replace(/^node:/, '')}`,
      namespace: 'kw-lazy-builtin',
    }));
    b.onLoad({ filter: /.*/, namespace: 'kw-lazy-builtin' }, (args) => {
      const real = createRequire(import.meta.url)(args.path);
      const copied = Object.fromEntries(lazyBuiltins[args.path].map((name) => [name, real[name]]));
      const copy = JSON.stringify(copied);
      if (JSON.stringify(JSON.parse(copy)) !== JSON.stringify(copied)) throw new Error(`${args.path}: copy only data`);
      return {
        contents: `const copied = ${copy};\nlet real;\nmodule.exports = new Proxy(copied, {\n  get: (target, name) => (name in target ? target[name] : (real ??= require(${JSON.stringify(args.path)}))[name]),\n});\n`,
        loader: 'js',
      };
    });
  },
};

/** A module's id: its path under dist/, with forward slashes. */
const idOf = (path) => relative(dist, path).split(sep).join('/');
/** An import specifier for `id`, from a file at `from` (both ids). */
const specifier = (from, id) => {
  const path = relative(dirname(join(dist, from)), join(dist, id))
    .split(sep)
    .join('/');
  return path.startsWith('.') ? path : `./${path}`;
};
/** The name a bundle exports a member's export under, for that member's file in dist/ to re-export. */
const exportName = (id, name) => `${id.replace(/\.js$/, '').replace(/[^A-Za-z0-9]/g, '_')}$${name}`;

/** Which bundle holds each module, and each module's exports. */
const owner = new Map();
const exportsOf = new Map();

/** Resolves and loads the modules of one bundle. */
function modulesOf(bundle) {
  return {
    name: 'keywarden-modules',
    setup(b) {
      b.onResolve({ filter: /^kw-bundle:/ }, (args) => ({
        path: specifier(bundle.out, args.path.slice('kw-bundle:'.length)),
        external: true,
      }));
      // a package loaded when it is needed (a prompt's) stays out of the bundle, as a command's code does
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        args.kind === 'dynamic-import' && !args.path.startsWith('node:') ? { external: true } : undefined,
      );
      b.onResolve({ filter: /^\./ }, (args) => {
        const id = idOf(join(args.resolveDir, args.path));
        if (id.startsWith('..')) return undefined;
        const held = owner.get(id);
        // a module of an earlier bundle: its exports, from that bundle
        if (held && held !== bundle) return { path: id, namespace: 'kw-owned' };
        // loaded when it is needed, from its own file
        if (args.kind === 'dynamic-import') return { path: specifier(bundle.out, id), external: true };
        return undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'kw-owned' }, (args) => ({
        contents: reexports(args.path, `kw-bundle:${owner.get(args.path).out}`),
        loader: 'js',
      }));
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        const id = idOf(args.path);
        if (id.startsWith('..')) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (/^export \*/m.test(text)) throw new Error(`dist/${id}: export * cannot be re-exported from a bundle`);
        const contents = text.replace(
          /\bimport\.meta\.url\b/g,
          `new URL(${JSON.stringify(specifier(bundle.out, id))}, import.meta.url).href`,
        );
        if (/\bimport\.meta\b(?!\.url\b)/.test(contents.replaceAll('import.meta.url', '')))
          throw new Error(`dist/${id}: only import.meta.url is given its own value in a bundle`);
        return { contents, loader: 'js' };
      });
    },
  };
}

/** The re-export of a bundled module's exports from its bundle (`from`), under their own names. */
function reexports(id, from) {
  const names = exportsOf.get(id);
  if (names.length === 0) return `import ${JSON.stringify(from)};\n`;
  const list = names.map((name) => `${exportName(id, name)} as ${name}`).join(', ');
  return `export { ${list} } from ${JSON.stringify(from)};\n`;
}

/** Every export of each module, read by esbuild from the module's file. */
async function readExports(ids) {
  const { metafile } = await build({
    entryPoints: ids,
    absWorkingDir: dist,
    outdir: join(dist, '.exports'),
    bundle: false,
    write: false,
    metafile: true,
    format: 'esm',
    logLevel: 'silent',
  });
  for (const output of Object.values(metafile.outputs)) exportsOf.set(output.entryPoint, output.exports);
}

const options = (bundle, entry) => ({
  stdin: { contents: entry, resolveDir: dist, sourcefile: `bundle:${bundle.out}`, loader: 'js' },
  outfile: join(dist, bundle.out),
  absWorkingDir: dist,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  metafile: true,
  logLevel: 'warning',
  plugins: bundle.require ? [modulesOf(bundle), lazyBuiltinsPlugin] : [modulesOf(bundle)],
  banner: bundle.require
    ? {
        js: "import { createRequire as __kwCreateRequire } from 'node:module';\nconst require = __kwCreateRequire(import.meta.url);",
      }
    : undefined,
});

/** A line naming each package a bundle copies code from, with its licence, which stays in node_modules/. */
function credits(metafile) {
  const packages = new Set(
    Object.keys(metafile.inputs).flatMap((input) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? []),
  );
  return [...packages]
    .map((name) => {
      const manifest = JSON.parse(readFileSync(join(dist, '../node_modules', name, 'package.json'), 'utf8'));
      return `// Bundled: ${name} ${manifest.version} (${manifest.license} licence; see node_modules/${name}/).\n`;
    })
    .join('');
}

/** The note each bundled module's own file starts with, once rewritten. */
const noteOf = (bundle) =>
  `// Bundled into dist/${bundle.out} (see scripts/bundle.mjs): one instance, whoever imports it.\n`;
if (readFileSync(join(dist, 'main.js'), 'utf8').startsWith(noteOf(bundles[0])))
  throw new Error('dist/ is bundled already: npm run build compiles it afresh first');

const written = [];
const taken = new Set();
for (const bundle of bundles) {
  // first the members: the modules its roots reach by static imports, less those of earlier bundles
  const first = await build(options(bundle, bundle.roots.map((root) => `export * from './${root}';\n`).join('')));
  const members = Object.keys(first.metafile.inputs)
    .filter((input) => !input.startsWith('bundle:') && !input.includes('node_modules/') && !input.includes(':'))
    .map((input) => idOf(join(dist, input)));
  await readExports(members);
  for (const id of members) owner.set(id, bundle);
  for (const id of members) {
    for (const name of exportsOf.get(id)) {
      if (taken.has(exportName(id, name))) throw new Error(`two modules' exports are both ${exportName(id, name)}`);
      taken.add(exportName(id, name));
    }
  }

  // the roots' exports as they are (their names may not clash), and every member's under a name of its own
  const plain = bundle.roots.flatMap((root) => exportsOf.get(root));
  const clash = plain.find((name, i) => plain.indexOf(name) !== i);
  if (clash) throw new Error(`${bundle.out}: two of ${bundle.roots.join(', ')} export ${clash}`);
  const entry = [
    ...bundle.roots.map((root) => `export * from './${root}';`),
    ...members
      .filter((id) => exportsOf.get(id).length > 0)
      .map((id) => {
        const names = exportsOf.get(id).map((name) => `${name} as ${exportName(id, name)}`);
        return `export { ${names.join(', ')} } from './${id}';`;
      }),
  ].join('\n');
  const { outputFiles } = await build(options(bundle, entry));
  written.push({ path: join(dist, bundle.out), text: credits(first.metafile) + outputFiles[0].text });
  for (const id of members) {
    if (id === bundle.out) continue;
    written.push({ path: join(dist, id), text: noteOf(bundle) + reexports(id, specifier(id, bundle.out)) });
  }
}
/**
 * Two of undici's files stay out of its bundle, required from node_modules/ if ever: the fetch body, which it loads
 * for FormData and Blob bodies, and the WebAssembly parser for processors without SIMD (the SIMD one is bundled). A
 * third of the bundle's size, read and parsed by every run that sends a request.
 */
const undiciLeftOut = {
  name: 'keywarden-undici-left-out',
  setup(b) {
    b.onResolve({ filter: /\/(web\/fetch\/body|llhttp\/llhttp-wasm)\.js$/ }, (args) => ({
      path: `undici/lib/${relative(join(dist, '../node_modules/undici/lib'), join(args.resolveDir, args.path)).split(sep).join('/')}`,
      external: true,
    }));
  },
};

// undici, as CommonJS (it is), for src/http/undici.ts to run
const undiciParts = [
  "exports.Agent = require('undici/lib/dispatcher/agent.js');",
  "exports.retry = require('undici/lib/interceptor/retry.js');",
  "exports.request = require('undici/lib/api/api-request.js');",
].join('\n');
const undici = await build({
  stdin: { contents: undiciParts, resolveDir: dist, sourcefile: 'bundle:http/undici.cjs', loader: 'js' },
  absWorkingDir: dist,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [lazyBuiltinsPlugin, undiciLeftOut],
});
written.push({ path: join(dist, 'http/undici.cjs'), text: credits(undici.metafile) + undici.outputFiles[0].text });
for (const file of written) writeFileSync(file.path, file.text);
