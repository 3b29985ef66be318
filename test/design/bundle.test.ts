import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, repoRoot } from '../helpers/binary.js';

/**
 * The start-up bundles the build writes (scripts/bundle.mjs): dist/cli.js, all that help runs, and
 * dist/cli/program.js, the command tree with commander. Each module is in one bundle only; its own file in dist/
 * re-exports it from there, so command code, which loads from dist/ as before, shares the one instance.
 */

const dist = join(repoRoot, 'dist');

/** What an async function body returns, run as an ES module by Node, in a process of its own. */
function nodeEval(body: string): unknown {
  const script = `process.stdout.write(JSON.stringify(await (async () => {${body}})()));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

function files(dir = dist): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.js') ? [relative(dist, path).split('\\').join('/')] : [];
  });
}

/** A module's file that re-exports it from a bundle: which bundle, and each name with the bundle's name for it. */
function reexported(id: string): { bundle: string; names: [own: string, bundled: string][] } | undefined {
  const match = readFileSync(join(dist, id), 'utf8').match(/^export \{ (.*) \} from "(\.[^"]+)";$/m);
  if (!match) return undefined;
  const names = match[1]!.split(', ').map((pair): [string, string] => {
    const [bundled, own] = pair.split(' as ');
    return [own!, bundled!];
  });
  return { bundle: join(id, '..', match[2]!).split('\\').join('/'), names };
}

beforeAll(assertBuilt);

describe('the start-up bundles', () => {
  test('dist/cli.js imports none of keywarden or its dependencies before it runs: only the modules of Node', () => {
    const text = readFileSync(join(dist, 'cli.js'), 'utf8');
    const statics = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    expect(statics.length).toBeGreaterThan(0);
    expect(statics.filter((from) => !from.startsWith('node:'))).toEqual([]);
    expect(text).not.toMatch(/^import ["'](?!node:)/m);
    // commander is the other bundle's
    expect(text).not.toContain('class CommanderError');
  });

  test('what the bundle loads later, it loads from dist/: command code, the context, the command tree', () => {
    const text = readFileSync(join(dist, 'cli.js'), 'utf8');
    const later = [...text.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(later).toContain('./cli/program.js');
    expect(later).toContain('./commands/list.js');
    for (const from of later) expect(files(), from).toContain(from.replace(/^\.\//, ''));
  });

  test('the own file of a bundled module re-exports the one instance the bundle holds', () => {
    const facades = files()
      .map((id) => ({ id, of: reexported(id) }))
      .filter((f) => f.of !== undefined);
    expect(facades.map((f) => f.id)).toEqual(
      expect.arrayContaining(['main.js', 'errors.js', 'render/output.js', 'cli/commands.js', 'cli/suggest.js']),
    );
    for (const { id, of } of facades)
      expect(['cli.js', 'cli/program.js', 'context.js', 'commands/list.js'], id).toContain(of!.bundle);
    // compared in Node itself, as the package runs (the test runner loads modules its own way)
    const pairs = facades.flatMap(({ id, of }) => of!.names.map(([own, bundled]) => [id, own, of!.bundle, bundled]));
    const differ = nodeEval(`
      const load = (id) => import(${JSON.stringify(pathToFileURL(dist).href)} + '/' + id);
      const differ = [];
      for (const [id, own, bundle, bundled] of ${JSON.stringify(pairs)}) {
        const [a, b] = [(await load(id))[own], (await load(bundle))[bundled]];
        if (a === undefined || a !== b) differ.push(id + ' ' + own);
      }
      // an error a command throws is one that the error reporting of help knows
      const [errors, providers] = [await load('errors.js'), await load('providers/errors.js')];
      if (Object.getPrototypeOf(providers.ProviderError) !== errors.KeywardenError) differ.push('ProviderError');
      return differ;
    `);
    expect(differ).toEqual([]);
  });

  test('a bundled module that finds files beside itself still finds them beside its own file', () => {
    const href = nodeEval(
      `return (await import(${JSON.stringify(pathToFileURL(join(dist, 'cli/commands.js')).href)})).indexUrl.href;`,
    );
    expect(href).toBe(pathToFileURL(join(dist, 'cli/commands.json')).href);
  });

  test('a package loaded when needed (the prompts) stays out of the bundles; commander is in the one of the tree', () => {
    const bundled = (id: string): string[] => [
      ...new Set(
        [...readFileSync(join(dist, id), 'utf8').matchAll(/^\/\/ \.\.\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map(
          (m) => m[1]!,
        ),
      ),
    ];
    expect(bundled('cli.js')).toEqual([]);
    expect(bundled('cli/program.js')).toEqual(['commander']);
    expect(bundled('context.js')).toEqual([]);
    expect(bundled('commands/list.js')).toEqual([]);
    expect(readFileSync(join(dist, 'context.js'), 'utf8')).toMatch(/import\("@inquirer\/confirm"\)/);
  });

  test('undici is one CommonJS file that loads neither http2 nor child_process, whose stand-in keeps the constants', () => {
    const loaded = nodeEval(`
      const { createRequire } = await import('node:module');
      const require = createRequire(${JSON.stringify(join(dist, 'http/undici.cjs'))});
      const undici = require('./undici.cjs');
      const kinds = [typeof undici.Agent, typeof undici.retry, typeof undici.request];
      const before = process.moduleLoadList.filter((m) => /\b(http2|child_process)$/.test(m));
      const agent = new undici.Agent();
      await agent.close();
      return { kinds, before, after: process.moduleLoadList.filter((m) => /\bhttp2$/.test(m)) };
    `) as { kinds: string[]; before: string[]; after: string[] };
    expect(loaded.kinds).toEqual(['function', 'function', 'function']);
    expect(loaded.before).toEqual([]);
    expect(loaded.after).toEqual([]);
    // the constants undici reads of http2 at load are the real ones
    const text = readFileSync(join(dist, 'http/undici.cjs'), 'utf8');
    const copied = JSON.parse(text.match(/copied = (\{ "constants".*\});$/m)![1]!) as {
      constants: Record<string, unknown>;
    };
    expect(copied.constants).toEqual({ ...(nodeEval(`return (await import('node:http2')).constants;`) as object) });
  });

  test("V8 takes the code the build laid beside undici's bundle, once the run's V8 setting is made", () => {
    const rejected = nodeEval(`
      const { setFlagsFromString } = await import('node:v8');
      const { readFileSync } = await import('node:fs');
      const { runBundle, bundleCachePath } = await import(${JSON.stringify(pathToFileURL(join(dist, 'http/undici.js')).href)});
      setFlagsFromString('--liftoff-only');
      const bundle = runBundle(readFileSync(bundleCachePath));
      return [bundle.script.cachedDataRejected, typeof bundle.parts.Agent];
    `);
    expect(rejected).toEqual([false, 'function']);
  });

  test('the bin runs the bundle', () => {
    expect(readFileSync(join(repoRoot, 'bin/keywarden.js'), 'utf8')).toContain("import('../dist/cli.js')");
  });
});
