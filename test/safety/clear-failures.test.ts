import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';

/** Inputs that once ended in "unexpected error": each is now one clear line and exit 2. */

const home = isolatedEnv({ KEYWARDEN_TOKEN: 'clear-failures-token' });

function withConfig(text: string) {
  const dir = join(home.XDG_CONFIG_HOME!, 'keywarden');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'config.json'), text, { mode: 0o600 });
  return join(dir, 'config.json');
}

describe('one clear line, exit 2', () => {
  test.each([
    ['__proto__', "keywarden: '__proto__' is not a profile name"],
    ['toString', "keywarden: unknown profile 'toString'"],
    ['constructor', "keywarden: unknown profile 'constructor'"],
  ])('--profile %s', async (name, line) => {
    withConfig('{"profiles": {"prod": {"provider": "cobo"}}}');
    const { code, stderr } = await runCli(['--profile', name, 'list'], { env: home });
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(line);
  });

  test.each([
    ['{"profiles": {"prod": {"provider": 42}}}', 'profiles.prod.provider: must be a provider id or a manifest path'],
    [
      '{"profiles": {"prod": {"provider": "cobo", "store": "plaintext"}}}',
      'profiles.prod.store: must be keychain or file',
    ],
    ['{"profiles": {"prod": {"provider": "cobo", "base_url": 5}}}', 'profiles.prod.base_url: must be a URL'],
    ['{"profiles": {"prod": "cobo"}}', 'profiles.prod: must be an object'],
    [
      '{"profiles": {"__proto__": {"provider": "cobo"}}}',
      'profiles.__proto__: is not a profile name (letters, digits, dot, dash and underscore)',
    ],
    ['{"profiles": []}', 'profiles: must be an object of profiles by name'],
    ['{"current": 7, "profiles": {}}', 'current: must be a profile name'],
  ])('a config file with %s', async (text, problem) => {
    const path = withConfig(text);
    const { code, stderr } = await runCli(['list'], { env: home });
    expect(code).toBe(2);
    expect(stderr).toBe(`keywarden: ${path}: ${problem}\nhint: fix or remove the file; it holds only profiles\n`);
  });

  test('sandbox --fail-status outside 400 to 599 is refused before it starts', async () => {
    const { code, stderr } = await runCli(['sandbox', '--fail-every', '2', '--fail-status', '99'], { env: home });
    expect(code).toBe(2);
    expect(stderr).toBe("keywarden: --fail-status: '99' is not a whole number from 400 to 599\n");
  });
});
