// respond --rotate killed part-way, as a CI runner losing its machine would be: `rotate --resume` finishes the
// rotation it was in, and the leaked key still ends revoked with a working new key stored in its place.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, runBin } from '../helpers/binary.js';
import { keychainAvailable, secretToolLookup } from '../helpers/keychain.js';
import { rotationRig } from '../commands/rotation-rig.js';
import { formats } from './scanner-reports.js';

const { sandbox, env, oldKey, idsNow, newKeysSince, oldRevoked, journals } = rotationRig('respond-crash');
const crashHook = fileURLToPath(new URL('../helpers/crash-at.mjs', import.meta.url));
const reports = mkdtempSync(join(tmpdir(), 'kw-respond-crash-'));

beforeAll(async () => {
  assertBuilt();
  const added = await runBin(['profile', 'add', 'edgedns', ...sandbox.args('edgedns')], { env: env() });
  expect(added.code).toBe(0);
});

describe.runIf(keychainAvailable())('respond --rotate, killed, then rotate --resume', () => {
  test.each(['after-create', 'after-deliver'])(
    'killed %s: the rotation resumes to one active new key, the secret stored, the leaked key revoked',
    async (point) => {
      const leaked = oldKey('edgedns', `leaked, killed ${point}`);
      const before = idsNow('edgedns');
      const file = join(reports, `${point}.json`);
      writeFileSync(file, formats.gitleaks([{ secret: leaked.secret, file: 'app.env', line: 1 }]));
      const killed = await runBin(['respond', file, '--rotate', '--deliver', 'cat > /dev/null', '--yes'], {
        env: env({ KW_TEST_CRASH_AT: point }),
        nodeArgs: ['--import', crashHook],
      });
      expect(killed.code).toBeNull(); // killed by a signal, not exited
      expect(oldRevoked('edgedns', leaked)).toBe(false);

      const unfinished = journals().filter((j) => j.finished_at === null && j.old.id === leaked.id);
      expect(unfinished).toHaveLength(1);
      const resumed = await runBin(['rotate', '--resume', '--yes', '-o', 'json'], { env: env() });
      expect(resumed.code).toBe(0);
      const doc = JSON.parse(resumed.stdout) as { new: { id: string } };
      const created = newKeysSince('edgedns', before, leaked);
      expect(created.map((k) => k.id)).toEqual([doc.new.id]);
      expect(created[0]!.revokedAt).toBeNull();
      expect(secretToolLookup(`edgedns/${created[0]!.id}`)).toBe(created[0]!.secret);
      expect(oldRevoked('edgedns', leaked)).toBe(true);

      // and a second look at the report finds no leaked key live: exit 0
      const after = await runBin(['respond', file, '-o', 'json'], { env: env() });
      expect(after.code).toBe(0);
    },
  );
});
