import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { commandModules, declarationsFromModules } from '../../src/cli/commands.js';
import { assertBuilt, repoRoot } from '../helpers/binary.js';

describe('command declarations', () => {
  test('the index the build wrote is what the command modules declare', async () => {
    assertBuilt();
    const index = JSON.parse(readFileSync(join(repoRoot, 'dist/cli/commands.json'), 'utf8')) as unknown;
    expect(index).toEqual(JSON.parse(JSON.stringify(await declarationsFromModules())));
  });

  test('every command that runs has code, every group has commands, names are unique at each level', async () => {
    for (const module of commandModules) {
      const spec = await module.load();
      expect(spec.name).toBe(module.name);
      const walk = (s: typeof spec): void => {
        expect(s.run !== undefined || (s.subcommands ?? []).length > 0, s.name).toBe(true);
        const names = (s.subcommands ?? []).map((c) => c.name);
        expect(new Set(names).size).toBe(names.length);
        for (const sub of s.subcommands ?? []) walk(sub);
      };
      walk(spec);
    }
    expect(new Set(commandModules.map((m) => m.name)).size).toBe(commandModules.length);
  });
});
