import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { keychainAvailable, storedInKeychain } from '../helpers/keychain.js';
import { storeFailingAfterCheck } from '../helpers/stores.js';
import { deliverAndUse } from '../helpers/usage.js';
import { day, rotationRig } from './rotation-rig.js';

const { sandbox, home, env, account, oldKey, idsNow, newKeysSince, oldRevoked, journals } = rotationRig('rotate');

describe.runIf(keychainAvailable())('rotate against every simulator', () => {
  test.each(['dialnexa', 'dakota', 'edgedns', 'cobo'] as const)(
    "%s: new key with the old one's properties, stored, delivered, verified, old revoked",
    async (provider) => {
      const old = oldKey(provider, `${provider} service`);
      const before = idsNow(provider);
      const verify = provider === 'dakota' ? [] : ['--verify-use', '20s'];
      const { code, stdout, stderr } = await runCli(
        [
          ...sandbox.args(provider),
          'rotate',
          old.id,
          '--deliver',
          deliverAndUse(sandbox.current, provider),
          ...verify,
          '--yes',
          '-o',
          'json',
        ],
        { env: env() },
      );
      expect(stderr).not.toContain('keywarden:');
      expect(code).toBe(0);
      const doc = JSON.parse(stdout);
      expect(Object.keys(doc)).toEqual([
        'rotation_id',
        'old',
        'new',
        'stored',
        'delivered',
        'verified_use',
        'old_revoked',
      ]);
      const created = newKeysSince(provider, before, old);
      expect(created.map((k) => k.id)).toEqual([doc.new.id]);
      const fresh = created[0]!;
      expect(doc).toMatchObject({
        delivered: true,
        verified_use: provider === 'dakota' ? null : true,
        old_revoked: true,
      });
      expect(doc.stored).toBe(`keychain:keywarden/${provider}/${fresh.id}`);
      expect(storedInKeychain(`${provider}/${fresh.id}`)).toBe(fresh.secret);
      if (provider !== 'dakota') expect(fresh.name).toBe(old.name);
      expect(fresh.scopes).toEqual(old.scopes);
      if (provider === 'edgedns')
        expect([fresh.environment, fresh.ipAllowlist]).toEqual([old.environment, old.ipAllowlist]);
      if (old.expiresAt !== null) expect(Math.abs(fresh.expiresAt! - fresh.createdAt - 365 * day)).toBeLessThan(5_000);
      if (provider !== 'dakota') expect(fresh.lastUsedAt).not.toBeNull();
      expect(oldRevoked(provider, old)).toBe(true);
      const journal = journals().find((j) => j.id === doc.rotation_id);
      expect(journal.finished_at).not.toBeNull();
      expect(Object.keys(journal.done)).toEqual(
        expect.arrayContaining(['preflight', 'create', 'store', 'deliver', 'revoke']),
      );
    },
  );
});

const refusingStore = storeFailingAfterCheck('the keychain is locked');

describe.runIf(keychainAvailable())('a failure half-way leaves the old key active and the rotation resumable', () => {
  test('a failing deliver command', async () => {
    const old = oldKey('cobo', 'deliver fails');
    const gate = join(home.HOME!, 'deliver-ok');
    const target = join(home.HOME!, 'delivered-secret');
    const command = `test -f '${gate}' && cat > '${target}'`;
    const failed = await runCli([...sandbox.args('cobo'), 'rotate', old.id, '--deliver', command, '--yes'], {
      env: env(),
    });
    expect(failed.code).toBe(1);
    const id = /rotation (rot-[\w-]+) stopped at deliver/.exec(failed.stderr)![1]!;
    expect(failed.stderr).toContain(`the old key ${old.id} is still active`);
    expect(failed.stderr).toContain(`hint: fix the cause, then: keywarden rotate --resume ${id}`);
    expect(account('cobo').find(old.id)!.revokedAt).toBeNull();

    writeFileSync(gate, '');
    // the journal's --deliver command runs a program with the live secret: not without a word from the person
    const unconfirmed = await runCli(['rotate', '--resume', '-o', 'json'], { env: env() });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toBe(
      'keywarden: confirmation needed, and there is no terminal to ask on\nhint: pass --yes to confirm\n',
    );
    expect(existsSync(target)).toBe(false);
    const resumed = await runCli(['rotate', '--resume', '--yes', '-o', 'json'], { env: env() });
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(resumed.stdout);
    expect(readFileSync(target, 'utf8').trim()).toBe(account('cobo').find(doc.new.id)!.secret);
    expect(account('cobo').find(old.id)!.revokedAt).not.toBeNull();
  });

  test("a --deliver given again on the command line takes the place of the journal's, without a question", async () => {
    const old = oldKey('edgedns', 'deliver restated');
    const failed = await runCli([...sandbox.args('edgedns'), 'rotate', old.id, '--deliver', 'exit 4', '--yes'], {
      env: env(),
    });
    expect(failed.code).toBe(1);
    const id = /rotation (rot-[\w-]+) stopped at deliver/.exec(failed.stderr)![1]!;
    const target = join(home.HOME!, 'restated-secret');
    const resumed = await runCli(['rotate', '--resume', id, '--deliver', `cat > '${target}'`, '-o', 'json'], {
      env: env(),
    });
    expect(resumed.code).toBe(0);
    expect(readFileSync(target, 'utf8').trim()).toBe(
      account('edgedns').find(JSON.parse(resumed.stdout).new.id)!.secret,
    );
  });

  test('a failing revoke', async () => {
    const old = oldKey('edgedns', 'revoke fails');
    sandbox.current.setFaults({ failEvery: 1, failStatus: 500, methods: ['DELETE'] });
    const failed = await runCli([...sandbox.args('edgedns'), 'rotate', old.id, '--yes'], { env: env() });
    sandbox.current.setFaults({});
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/stopped at revoke: edgedns: DELETE \/keys\/\{id\}: 500/);
    expect(account('edgedns').find(old.id)!.revokedAt).toBeNull();
    const resumed = await runCli(['rotate', '--resume'], { env: env() });
    expect(resumed.code).toBe(0);
    expect(account('edgedns').find(old.id)!.revokedAt).not.toBeNull();
  });

  test('a failing store: the new key is taken back, nothing is lost, resume finishes', async () => {
    const old = oldKey('dialnexa', 'store fails');
    const before = idsNow('dialnexa');
    const failed = await runCli([...sandbox.args('dialnexa'), 'rotate', old.id, '--yes'], {
      env: env(),
      secretStores: { keychain: refusingStore },
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('could not be stored (the keychain is locked)');
    const [takenBack] = newKeysSince('dialnexa', before, old);
    expect(takenBack!.revokedAt).not.toBeNull();
    expect(account('dialnexa').find(old.id)!.revokedAt).toBeNull();

    const resumed = await runCli(['rotate', '--resume', '-o', 'json'], { env: env() });
    expect(resumed.code).toBe(0);
    const active = newKeysSince('dialnexa', before, old).filter((k) => k.revokedAt === null);
    expect(active.map((k) => k.id)).toEqual([JSON.parse(resumed.stdout).new.id]);
    expect(storedInKeychain(`dialnexa/${active[0]!.id}`)).toBe(active[0]!.secret);
  });

  test('the new key not used in time: stops before revoking; resume verifies again', async () => {
    const old = oldKey('cobo', 'never used');
    const failed = await runCli([...sandbox.args('cobo'), 'rotate', old.id, '--verify-use', '2s', '--yes'], {
      env: env(),
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('stopped at verify: the new key was not used within 2s');
    expect(account('cobo').find(old.id)!.revokedAt).toBeNull();
    const id = /rotation (rot-[\w-]+)/.exec(failed.stderr)![1]!;
    const journal = journals().find((j) => j.id === id);
    account('cobo').use(account('cobo').find(journal.new.id)!.secret);
    const resumed = await runCli(['rotate', '--resume', id, '-o', 'json'], { env: env() });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).verified_use).toBe(true);
  });

  test('a second rotation of a key with an unfinished one is refused', async () => {
    const old = oldKey('edgedns', 'twice');
    const first = await runCli([...sandbox.args('edgedns'), 'rotate', old.id, '--deliver', 'exit 1', '--yes'], {
      env: env(),
    });
    expect(first.code).toBe(1);
    const id = /rotation (rot-[\w-]+)/.exec(first.stderr)![1]!;
    const before = account('edgedns').keys.length;
    const second = await runCli([...sandbox.args('edgedns'), 'rotate', old.id, '--yes'], { env: env() });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`has an unfinished rotation (${id})`);
    expect(account('edgedns').keys.length).toBe(before);

    // with two unfinished, --resume without an id lists them and asks for one
    const other = await runCli(
      [...sandbox.args('edgedns'), 'rotate', oldKey('edgedns', 'twice too').id, '--deliver', 'exit 1', '--yes'],
      { env: env() },
    );
    expect(other.code).toBe(1);
    const listed = await runCli(['rotate', '--resume'], { env: env() });
    expect(listed.code).toBe(2);
    expect(listed.stdout).toContain(id);
    expect(listed.stderr).toContain('rotations are unfinished');
  });
});

describe('rotate input and plans', () => {
  test('--dry-run prints the plan and changes nothing', async () => {
    const old = oldKey('edgedns', 'dry run');
    const before = account('edgedns').keys.length;
    const count = journals().length;
    const { code, stdout } = await runCli(
      [
        ...sandbox.args('edgedns'),
        'rotate',
        old.id,
        '--dry-run',
        '--verify-use',
        '5m',
        '--grace',
        '1h',
        '--deliver',
        'cat > /dev/null',
      ],
      { env: env() },
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`rotate ${old.id} (dry run) on profile edgedns (edgedns):`);
    expect(stdout).toContain(
      'create a new key "dry run" (scopes dns:read; environment test; allowlist 192.0.2.1/32; expires ',
    );
    expect(stdout).toContain('wait until the new key is used, up to 5m');
    expect(stdout).toContain('wait 1h before revoking');
    expect(stdout).toContain(`revoke ${old.id} and delete its stored secret`);
    expect(account('edgedns').keys.length).toBe(before);
    expect(journals().length).toBe(count);
  });

  test('usage errors are exit 2 and create nothing', async () => {
    const old = oldKey('dakota', 'usage');
    const before = Object.values(sandbox.current.accounts).reduce((n, a) => n + a.keys.length, 0);
    for (const [argv, message] of [
      [
        [...sandbox.args('dakota'), 'rotate', old.id, '--verify-use', '--yes'],
        'dakota does not report when a key was last used',
      ],
      [
        [...sandbox.args('cobo'), 'rotate', 'x', '--store', 'none', '--yes'],
        'rotate keeps the new secret in a secret store',
      ],
      [[...sandbox.args('cobo'), 'rotate', '--yes'], 'name the key to rotate'],
      [[...sandbox.args('cobo'), 'rotate', 'x', '--older-than', '90d'], 'not both'],
      [[...sandbox.args('cobo'), 'rotate', old.id], 'no key matches'],
      [[...sandbox.args('dakota'), 'rotate', old.id], 'confirmation needed'],
      [[...sandbox.args('cobo'), 'rotate', '--older-than', 'ninety'], 'is not a duration'],
    ] as const) {
      const { code, stderr } = await runCli([...argv], { env: env() });
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr, argv.join(' ')).toContain(message);
    }
    expect(Object.values(sandbox.current.accounts).reduce((n, a) => n + a.keys.length, 0)).toBe(before);
  });

  test.runIf(keychainAvailable())(
    'bulk --older-than rotates every matching key, one journal each, with a summary',
    async () => {
      const stale = [oldKey('cobo', 'stale one'), oldKey('cobo', 'stale two')];
      for (const key of stale) key.createdAt = Date.now() - 400 * day;
      const candidates = account('cobo').keys.filter(
        (k) => k.revokedAt === null && k.createdAt <= Date.now() - 365 * day,
      );
      const { code, stdout, stderr } = await runCli(
        [...sandbox.args('cobo'), 'rotate', '--older-than', '365d', '--yes', '-o', 'json'],
        { env: env() },
      );
      expect(code).toBe(0);
      const doc = JSON.parse(stdout);
      expect(doc.failed).toEqual([]);
      expect(doc.rotations.map((r: { old: { id: string } }) => r.old.id).sort()).toEqual(
        candidates.map((k) => k.id).sort(),
      );
      expect(new Set(doc.rotations.map((r: { rotation_id: string }) => r.rotation_id)).size).toBe(candidates.length);
      expect(stderr).toContain(`${candidates.length} rotated, 0 failed`);
      for (const key of candidates) expect(key.revokedAt).not.toBeNull();
    },
  );
});
