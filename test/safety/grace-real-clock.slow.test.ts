// A grace period longer than a Node timer can hold, on the real clock: the built binary waits without a timer
// warning, and Ctrl-C during the wait leaves the old key active.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { assertBuilt, spawnBin } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { startTestSandbox } from '../helpers/sandbox.js';

const home = isolatedEnv({ KEYWARDEN_FILE_PASSPHRASE: 'grace tests' });
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ keys: 1, token: `tok-${process.pid}-grace-real` });
});
afterAll(async () => sandbox.close());
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.token });
const args = () => ['--provider', 'cobo', '--base-url', sandbox.baseUrl('cobo')];

describe('a grace period longer than a timer can hold, on the real clock', () => {
  test('on the real clock: no timer warning, and Ctrl-C during the wait leaves the old key active', async () => {
    assertBuilt();
    const old = sandbox.accounts.cobo.create({ name: 'grace real clock' });
    const run = spawnBin([...args(), 'rotate', old.id, '--grace', '25d', '--store', 'file', '--yes'], { env: env() });
    while (!run.stderr().includes('waiting out the grace period')) await sleep(20);
    await sleep(300);
    expect(old.revokedAt).toBeNull();
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.stderr()).not.toContain('TimeoutOverflowWarning');
    expect(old.revokedAt).toBeNull();
  });
});
