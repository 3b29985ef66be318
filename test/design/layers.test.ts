import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../helpers/binary.js';

/**
 * The layers of src/, lowest first: a module may import from its own layer and those below, never above, and no
 * modules import each other in a circle. The README's design section draws the same picture.
 */
export const layers: [name: string, modules: RegExp][] = [
  ['foundation', /^(util\/.*|errors|outcome)$/],
  ['values', /^(secrets\/(secret|redactor)|render\/(inert|width|wrap|csv))$/],
  ['http', /^http\/.*$/],
  ['key model', /^providers\/(types|errors|shape|capabilities)$/],
  ['provider engine', /^(providers\/.*|manifest\/.*|sandbox\/.*)$/],
  ['state', /^(secrets\/.*|config\/.*|interrupts)$/],
  ['output', /^render\/.*$/],
  ['context', /^(context|settings|services|prompt|profiles|credentials)$/],
  ['workflows', /^(handover|rotation|audit|respond)\/.*$/],
  ['commands', /^(commands\/.*|command-spec)$/],
  ['cli', /^(cli|cli\/.*|main)$/],
];

const src = join(repoRoot, 'src');

function modules(dir = src): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modules(path);
    return name.endsWith('.ts') ? [relative(src, path).replace(/\.ts$/, '')] : [];
  });
}

/** Every module a module imports (statically, dynamically or for types only), by its path under src/. */
function importsOf(module: string): string[] {
  const text = readFileSync(join(src, `${module}.ts`), 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)\.js'/g)].map((m) => m[1]!);
  return found.map((spec) => normalize(join(dirname(module), spec)));
}

function layerOf(module: string): number {
  const at = layers.findIndex(([, pattern]) => pattern.test(module));
  if (at < 0) throw new Error(`src/${module}.ts is in no layer: add it to one`);
  return at;
}

describe('layers', () => {
  const all = modules();

  test('every import points down or across, never up', () => {
    const upward = all.flatMap((module) =>
      importsOf(module)
        .filter((target) => layerOf(target) > layerOf(module))
        .map(
          (target) => `${module} (${layers[layerOf(module)]![0]}) imports ${target} (${layers[layerOf(target)]![0]})`,
        ),
    );
    expect(upward).toEqual([]);
  });

  test('no modules import each other in a circle', () => {
    const graph = new Map(all.map((module) => [module, importsOf(module)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (module: string, path: string[]): void => {
      if (state.get(module) === 'done') return;
      if (state.get(module) === 'open') {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' -> '));
        return;
      }
      state.set(module, 'open');
      for (const next of graph.get(module) ?? []) visit(next, [...path, module]);
      state.set(module, 'done');
    };
    for (const module of all) visit(module, []);
    expect(cycles).toEqual([]);
  });
});
