import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

/** keywarden trusts only state that is the user's own and that others cannot change, as ssh and gpg do. */

const sandbox = useSandbox({ keys: 2, seed: 'private' });
const home = isolatedEnv({ KEYWARDEN_FILE_PASSPHRASE: 'private tests' });
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token });
const configDir = join(home.XDG_CONFIG_HOME!, 'keywarden');
const rotations = join(home.XDG_STATE_HOME!, 'keywarden', 'rotations');

afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

async function withProfile(): Promise<void> {
  const added = await runCli(
    ['profile', 'add', 'prod', '--provider', 'cobo', '--base-url', sandbox.current.baseUrl('cobo')],
    { env: env() },
  );
  expect(added.code).toBe(0);
}

describe('config, state and store files must be private', () => {
  test('a config folder anyone may write to is refused, naming it and the chmod that fixes it', async () => {
    await withProfile();
    chmodSync(configDir, 0o777);
    try {
      const before = sandbox.current.requests.length;
      const { code, stderr } = await runCli(['-p', 'prod', 'list'], { env: env() });
      expect(code).toBe(2);
      expect(stderr).toBe(
        `keywarden: ${configDir} may be changed by other users, so keywarden does not trust the folder\nhint: make it private: chmod 700 '${configDir}'\n`,
      );
      expect(sandbox.current.requests.length).toBe(before);
    } finally {
      chmodSync(configDir, 0o700);
    }
  });

  test('a config file others may write to is refused', async () => {
    const file = join(configDir, 'config.json');
    chmodSync(file, 0o666);
    try {
      const { code, stderr } = await runCli(['-p', 'prod', 'list'], { env: env() });
      expect(code).toBe(2);
      expect(stderr).toContain(
        `keywarden: ${file} may be changed by other users, so keywarden does not trust the file\nhint: make it private: chmod 600 '${file}'`,
      );
    } finally {
      chmodSync(file, 0o600);
    }
  });

  test('a config that belongs to another user is refused (seen as a user it does not belong to)', async () => {
    const { code, stderr } = await runCli(['-p', 'prod', 'list'], { env: env(), uid: 4242 });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^keywarden: \S+ belongs to another user \(uid \d+\), so keywarden does not trust the (file|folder)\nhint: if it is yours: chown 4242 /,
    );
  });

  test('the same holds for the state folder, where journals and the index live', async () => {
    const created = await runCli(['-p', 'prod', 'create', 'private state', '--store', 'file', '-o', 'json'], {
      env: env(),
    });
    expect(created.code).toBe(0);
    const state = join(home.XDG_STATE_HOME!, 'keywarden');
    chmodSync(state, 0o777);
    try {
      const { code, stderr } = await runCli(['-p', 'prod', 'revoke', JSON.parse(created.stdout).key.id, '--yes'], {
        env: env(),
      });
      expect(code).toBe(2);
      expect(stderr).toContain(`keywarden: ${state} may be changed by other users`);
    } finally {
      chmodSync(state, 0o700);
    }
  });
});

describe('a planted journal', () => {
  let target: ReturnType<typeof sandbox.current.accounts.cobo.create> | undefined;
  const victim = () => (target ??= sandbox.current.accounts.cobo.create({ name: 'victim' }));
  /** A rotation journal as keywarden writes one, for a key of profile prod. */
  function journal(overrides: Record<string, unknown> = {}) {
    const old = { provider: 'cobo', profile: 'prod', id: victim().id, name: 'victim', status: 'active' };
    return {
      version: 1,
      id: 'rot-20260101T000000Z-abcdef',
      profile: 'prod',
      provider: 'cobo',
      provider_ref: 'cobo',
      base_url: sandbox.current.baseUrl('cobo'),
      started_at: '2026-01-01T00:00:00.000Z',
      old,
      plan: {
        request: { name: 'victim' },
        store: 'file',
        deliver: `echo stolen > '${join(home.HOME!, 'planted-ran')}'`,
        verify_use_ms: null,
        grace_ms: null,
        keep_old: false,
      },
      done: { preflight: '2026-01-01T00:00:00.000Z' },
      create_started_at: null,
      new: null,
      grace_until: null,
      orphans: [],
      verified_use: null,
      old_revoked: false,
      finished_at: null,
      last_error: null,
      ...overrides,
    };
  }
  const plant = (content: object, mode = 0o600, dirMode = 0o700) => {
    mkdirSync(rotations, { recursive: true });
    chmodSync(rotations, dirMode);
    const path = join(rotations, 'rot-20260101T000000Z-abcdef.json');
    writeFileSync(path, JSON.stringify(content));
    chmodSync(path, mode);
    return path;
  };

  test('in a folder anyone may write to: refused, nothing run, nothing revoked', async () => {
    plant(journal(), 0o600, 0o777);
    try {
      const { code, stderr } = await runCli(['rotate', '--resume', '--yes'], { env: env() });
      expect(code).toBe(2);
      expect(stderr).toContain(`keywarden: ${rotations} may be changed by other users`);
      expect(victim().revokedAt).toBeNull();
    } finally {
      chmodSync(rotations, 0o700);
    }
  });

  test('a journal file others may write to: refused', async () => {
    const path = plant(journal(), 0o646);
    const { code, stderr } = await runCli(['rotate', '--resume', 'rot-20260101T000000Z-abcdef', '--yes'], {
      env: env(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`keywarden: ${path} may be changed by other users`);
    expect(victim().revokedAt).toBeNull();
  });

  test.each([
    [
      'a key of another profile',
      { old: { provider: 'cobo', profile: 'other', id: 'k', name: null } },
      "old.profile: must be the journal's profile, prod",
    ],
    [
      'a plan without a store',
      {
        plan: {
          request: { name: 'x' },
          store: 'nowhere',
          deliver: null,
          verify_use_ms: null,
          grace_ms: null,
          keep_old: false,
        },
      },
      'plan.store: must be keychain or file',
    ],
    [
      'a grace no date can hold',
      {
        plan: {
          request: { name: 'x' },
          store: 'file',
          deliver: null,
          verify_use_ms: null,
          grace_ms: 1e20,
          keep_old: false,
        },
      },
      'plan.grace_ms: must be a duration in milliseconds',
    ],
    ['a step that does not exist', { done: { hijack: '2026-01-01T00:00:00Z' } }, 'done.hijack: is not a step'],
  ])('one that does not hold together (%s): refused, naming the field', async (_, overrides, problem) => {
    const path = plant(journal(overrides));
    const { code, stderr } = await runCli(['rotate', '--resume', 'rot-20260101T000000Z-abcdef', '--yes'], {
      env: env(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`keywarden: ${path}: ${problem}; keywarden will not act on it`);
    expect(victim().revokedAt).toBeNull();
  });

  test('a well-formed one still runs its --deliver command only when the person says so', async () => {
    plant(journal());
    const { code, stderr } = await runCli(['rotate', '--resume', 'rot-20260101T000000Z-abcdef'], { env: env() });
    expect(code).toBe(2);
    expect(stderr).toContain('confirmation needed');
    expect(() => readFileSync(join(home.HOME!, 'planted-ran'))).toThrow();
    expect(victim().revokedAt).toBeNull();
  });
});
