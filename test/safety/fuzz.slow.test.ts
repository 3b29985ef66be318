import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

/**
 * Thousands of command lines built from keywarden's own inputs, good and bad: flags, durations, dates, sizes, key
 * references, profile names such as __proto__, provider manifests, config files and planted journals. Each run ends
 * with an exit code the README lists, and each failure with a `keywarden:` line, never an unexpected error or a
 * stack trace.
 */

const sandbox = useSandbox({ keys: 6, seed: 'fuzz' });
const home = isolatedEnv({ KEYWARDEN_FILE_PASSPHRASE: 'fuzz passphrase' });
const configDir = join(home.XDG_CONFIG_HOME!, 'keywarden');
const rotations = join(home.XDG_STATE_HOME!, 'keywarden', 'rotations');
const manifests = join(home.HOME!, 'manifests');
afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

const nasty = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '..',
  '.',
  '/',
  '-',
  '--',
  '\u0000',
  '\u001b[2J',
  '\u202e',
  '💥',
  'a'.repeat(300),
  '%s%n',
  '${HOME}',
  "'; rm -rf /",
  '1e309',
  'NaN',
  'null',
  '{}',
  '[]',
];
const durations = [
  '30s',
  '15m',
  '12h',
  '90d',
  '2w',
  '500ms',
  '0s',
  '1s',
  '24h',
  '25h',
  '999999999w',
  '36500d',
  '36501d',
  '-1d',
  '1.5h',
  '10',
  'ninety',
  '1d2h',
  ...nasty,
];
const dates = [
  '2025-01-31',
  '2025-01-31T12:00:00Z',
  '2099-01-01',
  '1970-01-01',
  '2030-02-30',
  '9999-12-31',
  '0000-01-01',
  '2025-13-01',
  'today',
  ...nasty,
];
const sizes = ['1KB', '8MB', '1GB', '2GB', '512', '0', '1TB', '-1MB', ...nasty];
const profiles = ['prod', 'dialnexa', 'cobo', 'missing', 'p.1', 'Prod_2', ...nasty];
const outputs = ['table', 'json', 'ndjson', 'csv', 'sarif', 'markdown', 'xml', ...nasty];
const word = fc.oneof(
  fc.constantFrom(...nasty),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const pick = <T>(values: readonly T[]) => fc.oneof(fc.constantFrom(...values), word as fc.Arbitrary<T | string>);

const providerArg = fc.oneof(
  { arbitrary: fc.constantFrom('dialnexa', 'dakota', 'edgedns', 'cobo'), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      join(manifests, 'valid.json'),
      join(manifests, 'broken.json'),
      join(manifests, 'wrong-types.json'),
      join(manifests, 'reads-passphrase.json'),
      './nowhere.json',
    ),
    weight: 2,
  },
  { arbitrary: word, weight: 1 },
);

/** A global option and its value, as a list of argv words. */
const globalOption = fc.oneof(
  fc.tuple(fc.constant('--profile'), pick(profiles)),
  fc.tuple(fc.constant('--provider'), providerArg),
  fc.tuple(
    fc.constant('--base-url'),
    fc.oneof(
      { arbitrary: fc.constant('sandbox'), weight: 4 },
      fc.constantFrom('http://example.com', 'ftp://x', 'https://', 'http://a.localhost:1', 'http://[::1]:1/x'),
      word,
    ),
  ),
  fc.tuple(fc.constant('-o'), pick(outputs)),
  fc.tuple(fc.constant('--timeout'), pick(durations)),
  fc.tuple(fc.constant('--concurrency'), pick(['1', '8', '64', '65', '0', 'abc'])),
  fc.tuple(fc.constant('--max-response'), pick(sizes)),
  fc.constant(['--yes']),
  fc.constant(['--no-input']),
  fc.constant(['--no-color']),
);

const command = fc.oneof(
  fc.tuple(
    fc.constant(['list']),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('--status', '--sort', '--search'), word),
        fc.tuple(fc.constantFrom('--created-after', '--created-before'), pick(dates)),
        fc.constant(['--all-profiles']),
      ),
      { maxLength: 3 },
    ),
  ),
  fc
    .tuple(
      fc.constant(['create']),
      fc.array(
        fc.oneof(
          fc.constant([]).map(() => [] as string[]),
          fc.tuple(fc.constant('--expires-in'), pick(durations)),
          fc.tuple(fc.constant('--expires-at'), pick(dates)),
          fc.tuple(
            fc.constantFrom('--scopes', '--environment', '--principal', '--ip-allowlist', '--store', '--deliver'),
            word,
          ),
          fc.constant(['--expire-now']),
          fc.constant(['--reveal']),
        ),
        { maxLength: 3 },
      ),
    )
    .map(([c, flags]) => [[...c, 'fuzzed key'], flags] as [string[], string[][]]),
  fc.tuple(
    fc.constant(['revoke']),
    fc.array(
      fc.oneof(
        word.map((w) => [w]),
        fc.tuple(fc.constant('--unused-for'), pick(durations)),
        fc.constant(['--expired']),
        fc.constant(['--dry-run']),
      ),
      { maxLength: 3 },
    ),
  ),
  fc.tuple(
    fc.constant(['rotate']),
    fc.array(
      fc.oneof(
        word.map((w) => [w]),
        fc.tuple(fc.constantFrom('--grace', '--older-than', '--verify-use'), pick(durations)),
        fc.tuple(fc.constantFrom('--resume', '--abort', '--name', '--store'), word),
        fc.constant(['--list']),
        fc.constant(['--resume']),
        fc.constant(['--dry-run']),
        fc.constant(['--keep-old']),
      ),
      { maxLength: 3 },
    ),
  ),
  fc.tuple(
    fc.constant(['audit']),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('--max-age', '--max-idle', '--expiring-within'), pick(durations)),
        fc.tuple(fc.constantFrom('--fail-on', '--policy'), word),
        fc.constant(['--all-profiles']),
      ),
      { maxLength: 3 },
    ),
  ),
  fc.tuple(
    fc.constantFrom(
      ['profile', 'list'],
      ['profile', 'add'],
      ['profile', 'remove'],
      ['profile', 'use'],
      ['providers'],
      ['providers', 'validate'],
      ['logout'],
      ['login'],
    ),
    fc.array(
      word.map((w) => [w]),
      { maxLength: 2 },
    ),
  ),
);

const configs = [
  undefined,
  '{"profiles": {"prod": {"provider": "cobo", "base_url": "SANDBOX_COBO"}}, "current": "prod"}',
  '{"profiles": {"prod": {"provider": 42}}}',
  '{"profiles": {"prod": {"provider": "cobo", "store": "plaintext"}}}',
  '{"profiles": {"__proto__": {"provider": "cobo"}}}',
  '{"profiles": {"constructor": {"provider": "cobo"}}}',
  '{"profiles": []}',
  '{"current": 7}',
  '[]',
  'not json',
  '{"profiles": {"prod": {"provider": "cobo", "base_url": "http://example.com"}}}',
];

const journals = [
  undefined,
  '{"version": 1, "id": "rot-20260101T000000Z-abcdef"}',
  '{"version": 2}',
  'not json',
  JSON.stringify({
    version: 1,
    id: 'rot-20260101T000000Z-abcdef',
    profile: '__proto__',
    provider: 'cobo',
    provider_ref: 'cobo',
    base_url: 'x',
    started_at: 'x',
    old: {},
    plan: {},
    done: {},
  }),
];

function setUp(config: string | undefined, journal: string | undefined): void {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(configDir, 'config.json'),
    (config ?? '{"profiles": {}}').replace('SANDBOX_COBO', sandbox.current.baseUrl('cobo')),
    { mode: 0o600 },
  );
  mkdirSync(rotations, { recursive: true, mode: 0o700 });
  const path = join(rotations, 'rot-20260101T000000Z-abcdef.json');
  if (journal === undefined) writeFileSync(path, journals[1]!, { mode: 0o600 });
  else writeFileSync(path, journal, { mode: 0o600 });
}

function writeManifests(): void {
  mkdirSync(manifests, { recursive: true });
  const valid = JSON.parse(readManifest('cobo'));
  writeFileSync(join(manifests, 'valid.json'), JSON.stringify(valid));
  writeFileSync(join(manifests, 'broken.json'), '{"manifest_version": 1, "id": ');
  writeFileSync(join(manifests, 'wrong-types.json'), JSON.stringify({ ...valid, list: { path: 7 }, key_fields: [] }));
  writeFileSync(
    join(manifests, 'reads-passphrase.json'),
    JSON.stringify({
      ...valid,
      auth: { ...valid.auth, extra_header: { name: 'x-org', from_env: 'KEYWARDEN_FILE_PASSPHRASE' } },
    }),
  );
}

const readManifest = (id: string) => readFileSync(`manifests/${id}.json`, 'utf8');

const exitCodes = new Set([0, 1, 2, 3, 4, 130]);

/** The first two of a list (a working setup) three times as often as the rest, so runs get past the config. */
const weighted = <T>(values: readonly T[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...values.slice(0, 2)), weight: 3 },
    { arbitrary: fc.constantFrom(...values.slice(2)), weight: 1 },
  );

test(
  'thousands of command lines: each a listed exit code, and each failure one keywarden: line',
  { timeout: 180_000 },
  async () => {
    writeManifests();
    const counts = new Map<number, number>();
    let clock = Date.now();
    const now = () => new Date(clock);
    const sleep = async (ms: number) => void (clock += ms);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(globalOption, { maxLength: 4 }),
        command,
        weighted(configs),
        weighted(journals),
        async (globals, [cmd, flags], config, journal) => {
          setUp(config, journal);
          const argv = [...globals.flat(), ...cmd, ...flags.flat()].map((a) =>
            a === 'sandbox' ? sandbox.current.baseUrl('cobo') : a,
          );
          // a create with --reveal prints the secret on purpose: the leak guard looks at every other run
          const revealsSecret = argv.includes('--reveal');
          const { code, stderr } = await runCli(argv, {
            env: { ...home, KEYWARDEN_TOKEN: sandbox.current.token },
            now,
            sleep,
            revealsSecret,
          });
          runs++;
          counts.set(code, (counts.get(code) ?? 0) + 1);
          const shown = JSON.stringify(argv);
          expect(exitCodes.has(code), `${shown} exited ${code}`).toBe(true);
          expect(stderr, shown).not.toContain('unexpected error');
          expect(stderr, shown).not.toMatch(/\n\s+at /);
          if (code !== 0)
            expect(
              stderr.split('\n').some((line) => line.startsWith('keywarden: ')),
              `${shown}: ${stderr}`,
            ).toBe(true);
        },
      ),
      { numRuns: 3_000 },
    );
    const summary = [...counts]
      .sort(([a], [b]) => a - b)
      .map(([code, n]) => `exit ${code}: ${n}`)
      .join(', ');
    console.log(`fuzz: ${runs} command lines; ${summary}`);
    expect(runs).toBeGreaterThanOrEqual(3_000);
    expect(counts.get(2)).toBeGreaterThan(0);
    expect(counts.get(0)).toBeGreaterThan(0);
  },
);
