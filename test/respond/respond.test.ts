import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { SimKey, SimProviderId } from '../../src/sandbox/model.js';
import { runCli } from '../helpers/cli.js';
import { storedInKeychain } from '../helpers/keychain.js';
import { rotationRig } from '../commands/rotation-rig.js';
import { formats, type Leak } from './scanner-reports.js';

const { sandbox, env, account, oldKey, idsNow, newKeysSince, oldRevoked, journals } = rotationRig('respond');
const reports = mkdtempSync(join(tmpdir(), 'kw-respond-'));
const profiles: SimProviderId[] = ['dakota', 'edgedns', 'cobo', 'dialnexa'];

beforeAll(async () => {
  for (const provider of profiles) {
    const added = await runCli(['profile', 'add', provider, ...sandbox.args(provider)], { env: env() });
    expect(added.code).toBe(0);
  }
});

interface FindingDoc {
  index: number;
  result: string;
  matched_by: string | null;
  key: { id: string; profile: string } | null;
  candidates: { id: string }[];
  action: string;
  secret: string;
  location: { file: string | null; line: number | null; commit: string | null };
  rotation_id: string | null;
  new_key_id: string | null;
}

function report(name: string, text: string): string {
  const path = join(reports, name);
  writeFileSync(path, text);
  return path;
}

async function respond(args: string[], options: { stdin?: string } = {}) {
  const run = await runCli(['respond', ...args, '-o', 'json'], { env: env(), ...options });
  const doc = run.stdout
    ? (JSON.parse(run.stdout) as { findings: FindingDoc[]; summary: Record<string, number> })
    : undefined;
  return { ...run, doc };
}

/** A fresh secret of a provider's shape that no sandbox account issued. */
const strangerOf = (start: string, length: number): string =>
  start +
  Array.from(
    { length },
    () => 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'[Math.floor(Math.random() * 57)],
  ).join('');

/** Two Dakota keys whose secrets end alike, as the listing shows them, and a leaked third secret that ends so too. */
function lookalikes(): { keys: SimKey[]; leaked: string } {
  const tail = strangerOf('', 6);
  const keys = [oldKey('dakota', 'twin a'), oldKey('dakota', 'twin b')];
  for (const key of keys) key.secret = `${key.secret.slice(0, -6)}${tail}`;
  return { keys, leaked: `${strangerOf('dk_live_', 26)}${tail}` };
}

describe('respond: every scanner format', () => {
  test.each(Object.keys(formats) as (keyof typeof formats)[])(
    '%s: our keys matched, a twin ambiguous, a foreign secret not ours, a secret of our shape unknown',
    async (format) => {
      const dakota = oldKey('dakota', `leaked in ${format}`);
      const edgedns = oldKey('edgedns', `leaked in ${format}`);
      const cobo = oldKey('cobo', `leaked in ${format}`);
      const twins = lookalikes();
      const leaks: Leak[] = [
        { secret: dakota.secret, file: 'config/prod.env', line: 3 },
        { secret: edgedns.secret, file: 'deploy/dns.yml', line: 14, commit: 'c'.repeat(40) },
        { secret: cobo.secret, file: 'wallet.ts', line: 7 },
        { secret: twins.leaked, file: 'notes.md', line: 1 },
        { secret: strangerOf('ghp_', 36), file: 'ci.yml', line: 2 },
        { secret: strangerOf('sk_live_', 24), file: 'billing.py', line: 9 },
      ];
      const { code, doc, stderr } = await respond([report(`scan-${format}`, formats[format](leaks))]);
      expect(stderr).toBe('');
      // a leaked key still active: what a CI step fails on
      expect(code).toBe(3);
      const findings = doc!.findings;
      expect(findings.map((f) => f.result)).toEqual([
        'matched',
        'matched',
        'matched',
        'ambiguous',
        'not_ours',
        'unknown',
      ]);
      expect(findings.slice(0, 3).map((f) => f.key?.id)).toEqual([dakota.id, edgedns.id, cobo.id]);
      expect(findings.slice(0, 3).map((f) => f.matched_by)).toEqual(['hint', 'prefix and hint', 'prefix']);
      expect(findings[3]!.candidates.map((k) => k.id).sort()).toEqual(twins.keys.map((k) => k.id).sort());
      expect(findings.every((f) => f.action === 'none')).toBe(true);
      if (format === 'text') expect(findings[1]!.location).toMatchObject({ line: 2, commit: null });
      else
        expect(findings[1]!.location).toMatchObject({
          file: 'deploy/dns.yml',
          line: 14,
          ...(format === 'ggshield' ? {} : { commit: 'c'.repeat(40) }),
        });
      // shown as a fingerprint: the provider's start, the last 4 characters, a short hash; never the secret
      expect(findings[0]!.secret).toMatch(new RegExp(`^dk_…${dakota.secret.slice(-4)} #[0-9a-f]{8}$`));
    },
  );

  test('a secret keywarden stored itself is matched by it, where the listing shows nothing of the secret', async () => {
    const created = await runCli(['-p', 'dialnexa', 'create', 'stored and leaked', '-o', 'json'], { env: env() });
    expect(created.code).toBe(0);
    const key = (JSON.parse(created.stdout) as { key: { id: string } }).key;
    const secret = account('dialnexa').find(key.id)!.secret;
    expect(storedInKeychain(`dialnexa/${key.id}`)).toBe(secret);
    const { doc } = await respond(['-'], { stdin: `${secret}\n${strangerOf('sk_live_', 24)}\n` });
    expect(doc!.findings.map((f) => [f.result, f.matched_by, f.key?.id ?? null])).toEqual([
      ['matched', 'stored secret', key.id],
      ['unknown', null, null],
    ]);
  });

  test('-p limits the match to one profile: a secret of another profile is then not ours', async () => {
    const dakota = oldKey('dakota', 'only dakota asked');
    const { doc } = await respond(['-p', 'edgedns', report('one-profile.txt', `${dakota.secret}\n`)]);
    expect(doc!.findings[0]!.result).toBe('not_ours');
  });
});

describe('respond --revoke', () => {
  test('--revoke --yes revokes exactly the matched keys; ambiguous and unknown ones are left alone', async () => {
    const dakota = oldKey('dakota', 'revoke me');
    const edgedns = oldKey('edgedns', 'revoke me too');
    const bystander = oldKey('edgedns', 'not leaked');
    const twins = lookalikes();
    const file = report(
      'revoke.json',
      formats.gitleaks([
        { secret: dakota.secret, file: 'a', line: 1 },
        { secret: edgedns.secret, file: 'b', line: 2 },
        { secret: edgedns.secret, file: 'c', line: 5 },
        { secret: twins.leaked, file: 'd', line: 1 },
      ]),
    );
    const before = {
      dakota: account('dakota').keys.length,
      edgedns: account('edgedns').keys.filter((k) => k.revokedAt !== null).length,
    };
    const { code, doc } = await respond([file, '--revoke', '--yes']);
    expect(code).toBe(0);
    expect(doc!.findings.map((f) => f.action)).toEqual(['revoked', 'revoked', 'revoked', 'none']);
    expect(oldRevoked('dakota', dakota)).toBe(true);
    expect(oldRevoked('edgedns', edgedns)).toBe(true);
    expect(oldRevoked('edgedns', bystander)).toBe(false);
    for (const twin of twins.keys) expect(oldRevoked('dakota', twin)).toBe(false);
    expect(account('dakota').keys.length).toBe(before.dakota - 1);
    expect(account('edgedns').keys.filter((k) => k.revokedAt !== null).length).toBe(before.edgedns + 1);
    expect(doc!.summary).toMatchObject({ matched: 3, ambiguous: 1, revoked: 3 });
  });

  test('without a terminal, --revoke needs --yes: exit 2 and nothing revoked; --dry-run changes nothing and exits 3', async () => {
    const edgedns = oldKey('edgedns', 'asked first');
    const file = report('ask.txt', `${edgedns.secret}\n`);
    const refused = await runCli(['respond', file, '--revoke'], { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('keywarden: confirmation needed');
    const dry = await respond([file, '--revoke', '--dry-run']);
    expect(dry.code).toBe(3);
    expect(dry.doc!.findings[0]!.action).toBe('would revoke');
    expect(oldRevoked('edgedns', edgedns)).toBe(false);
  });

  test('a key revoked already is reported so, and nothing is left to do: exit 0', async () => {
    const edgedns = oldKey('edgedns', 'gone before');
    edgedns.revokedAt = Date.now() - 1000;
    const file = report('before.txt', `${edgedns.secret}\n`);
    // the EdgeDNS listing leaves revoked keys out: a secret of its shape that no listed key shows is unknown
    const { code, doc } = await respond([file, '--revoke', '--yes']);
    expect(code).toBe(0);
    expect(doc!.findings[0]!.result).toBe('unknown');
  });
});

describe('respond --rotate', () => {
  test('--rotate --yes: one new active key per matched key, its secret stored, the old one revoked', async () => {
    const olds = [oldKey('edgedns', 'rotate after leak'), oldKey('dakota', 'rotate after leak')];
    const before = { edgedns: idsNow('edgedns'), dakota: idsNow('dakota') };
    const file = report(
      'rotate.jsonl',
      formats.trufflehog(olds.map((old, i) => ({ secret: old.secret, file: 'x', line: i + 1 }))),
    );
    const { code, doc, stderr } = await respond([file, '--rotate', '--yes']);
    expect(stderr).not.toContain('keywarden:');
    expect(code).toBe(0);
    for (const [i, old] of olds.entries()) {
      const provider = i === 0 ? 'edgedns' : 'dakota';
      const fresh = newKeysSince(provider, before[provider], old);
      expect(fresh).toHaveLength(1);
      expect(fresh[0]!.revokedAt).toBeNull();
      expect(storedInKeychain(`${provider}/${fresh[0]!.id}`)).toBe(fresh[0]!.secret);
      expect(oldRevoked(provider, old)).toBe(true);
      expect(doc!.findings[i]).toMatchObject({ action: 'rotated', new_key_id: fresh[0]!.id });
      expect(journals().find((j) => j.id === doc!.findings[i]!.rotation_id)?.finished_at).not.toBeNull();
    }
  });

  test('--deliver goes with --rotate only; --revoke and --rotate together are refused', async () => {
    const file = report('flags.txt', `${strangerOf('dk_live_', 32)}\n`);
    for (const args of [
      [file, '--revoke', '--deliver', 'cat'],
      [file, '--revoke', '--rotate'],
    ]) {
      const { code, stderr } = await runCli(['respond', ...args], { env: env() });
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toMatch(/^keywarden: /);
    }
  });
});

describe('respond: input', () => {
  test('a secret given on the command line is refused and never repeated back', async () => {
    const dakota = oldKey('dakota', 'pasted on argv');
    for (const secret of [dakota.secret, strangerOf('', 40)]) {
      const { code, stdout, stderr } = await runCli(['respond', secret], { env: env() });
      expect(code).toBe(2);
      expect(stderr).toContain('never from the command line');
      expect(stderr).toContain('shell history');
      expect(stdout + stderr).not.toContain(secret);
    }
  });

  test('a missing report file is named; a malformed report is one line; no file at all is usage', async () => {
    const missing = await runCli(['respond', join(reports, 'nowhere.json')], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.json');
    const broken = await runCli(['respond', report('broken.json', '{"entities_with_incidents": 3}')], { env: env() });
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    const none = await runCli(['respond'], { env: env() });
    expect(none.code).toBe(2);
  });

  test('markdown and SARIF: a row and a result a finding, with the scanner location, never the secret', async () => {
    const edgedns = oldKey('edgedns', 'reported');
    const file = report('formats.json', formats.gitleaks([{ secret: edgedns.secret, file: 'src/app.ts', line: 42 }]));
    const markdown = await runCli(['respond', file, '-o', 'markdown'], { env: env() });
    expect(markdown.stdout).toContain('| matched |');
    expect(markdown.stdout).toContain('`src/app.ts:42 @a1b2c3d4e5f6`');
    const sarif = await runCli(['respond', file, '-o', 'sarif'], { env: env() });
    const run = (
      JSON.parse(sarif.stdout) as {
        runs: {
          results: {
            ruleId: string;
            level: string;
            locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
          }[];
        }[];
      }
    ).runs[0]!;
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ ruleId: 'leaked-key', level: 'error' });
    expect(run.results[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'src/app.ts' },
      region: { startLine: 42 },
    });
    for (const text of [markdown.stdout, sarif.stdout]) expect(text).not.toContain(edgedns.secret);
  });
});

describe('respond: profiles of one account', () => {
  test('a key two profiles list is one key: matched through the first profile, not ambiguous', async () => {
    const added = await runCli(['profile', 'add', 'edgedns-again', ...sandbox.args('edgedns')], { env: env() });
    expect(added.code).toBe(0);
    const edgedns = oldKey('edgedns', 'listed twice');
    const { doc } = await respond([report('twice.txt', `${edgedns.secret}\n`)]);
    expect(doc!.findings[0]).toMatchObject({ result: 'matched', key: { id: edgedns.id, profile: 'edgedns' } });
  });
});

describe('respond: the leaked secrets are kept out of every output', () => {
  test('a leaked secret that a provider shows back (as a key name) is masked wherever it would appear', async () => {
    const leaked = strangerOf('edns_live_', 32);
    const named = oldKey('edgedns', leaked);
    const file = report('echoed.txt', `${leaked}\n${named.secret}\n`);
    for (const format of ['table', 'json', 'markdown', 'sarif']) {
      const { stdout, stderr } = await runCli(['respond', file, '-o', format], { env: env() });
      // markdown escapes the underscore of an id
      expect(stdout).toContain(format === 'markdown' ? named.id.replace(/_/g, '\\_') : named.id);
      expect(stdout + stderr, format).not.toContain(leaked);
    }
  });
});
