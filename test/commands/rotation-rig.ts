import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { SimKey, SimProviderId } from '../../src/sandbox/model.js';
import { isolatedEnv } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { useSandbox } from '../helpers/sandbox.js';

export const day = 86_400_000;

/**
 * What the rotation tests share: a sandbox, a private home, keys worth rotating, and ways to see what the accounts
 * and the journals hold afterwards. Call it at the top of a test file.
 */
export function rotationRig(seed: string) {
  const sandbox = useSandbox({ keys: 4, seed });
  const home = isolatedEnv();
  const env = (extra = {}) => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token, ...extra });
  const account = (provider: SimProviderId) => sandbox.current.accounts[provider];
  const journalDir = join(home.XDG_STATE_HOME!, 'keywarden', 'rotations');

  afterAll(() => expectNoLeaks(sandbox.current, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]));

  /** A key worth rotating: named, with every property its provider keeps, expiring a year after creation. */
  const oldKey = (provider: SimProviderId, name: string): SimKey =>
    account(provider).create({
      name,
      scopes: provider === 'edgedns' ? ['dns:read'] : provider === 'cobo' ? ['wallet:read'] : [],
      environment: 'test',
      ipAllowlist: provider === 'edgedns' ? ['192.0.2.1/32'] : [],
      expiresAt: provider === 'edgedns' || provider === 'cobo' ? Date.now() + 365 * day : null,
    });

  return {
    sandbox,
    home,
    env,
    account,
    journalDir,
    oldKey,
    /** The ids of an account's keys now, to tell new keys from old (Dakota deletes revoked keys from the list). */
    idsNow: (provider: SimProviderId) => new Set(account(provider).keys.map((k) => k.id)),
    /** Keys of the account that were not there before, other than the old one. */
    newKeysSince: (provider: SimProviderId, before: Set<string>, old: SimKey) =>
      account(provider).keys.filter((k) => !before.has(k.id) && k.id !== old.id),
    oldRevoked: (provider: SimProviderId, old: SimKey) =>
      provider === 'dakota'
        ? account(provider).find(old.id) === undefined
        : account(provider).find(old.id)!.revokedAt !== null,
    journals: () =>
      (existsSync(journalDir) ? readdirSync(journalDir).filter((f) => f.endsWith('.json')) : []).map((f) =>
        JSON.parse(readFileSync(join(journalDir, f), 'utf8')),
      ),
  };
}
