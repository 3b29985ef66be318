import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { EncryptedFileStore } from '../../src/secrets/file.js';
import { assertBuilt, binPath } from '../helpers/binary.js';
import { capturedOutput, isolatedEnv } from '../helpers/cli.js';
import { expectNoLeaks } from '../helpers/leaks.js';
import { startTestSandbox } from '../helpers/sandbox.js';

/** A closed stdout ends the run quietly; a secret bound for a stdout that goes nowhere still reaches the person. */

const home = isolatedEnv();
let sandbox: Sandbox;

beforeAll(async () => {
  assertBuilt();
  sandbox = await startTestSandbox({ keys: 3_000, token: `tok-${process.pid}-pipes`, seed: 'pipes' });
});
afterAll(async () => {
  await sandbox.close();
  expectNoLeaks(sandbox, [home.XDG_CONFIG_HOME!, home.XDG_STATE_HOME!]);
});

const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.token, KEYWARDEN_FILE_PASSPHRASE: 'pipe tests' });

/** Runs a shell line in a real bash with `set -o pipefail`, keywarden as `kw`. */
function shell(
  line: string,
  options: { revealsSecret?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -o pipefail; kw() { '${process.execPath}' '${binPath}' "$@"; }; ${line}`], {
      env: env(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (!options.revealsSecret) capturedOutput.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('keywarden list | head -1', () => {
  test.each(['table', 'json', 'ndjson', 'csv'])('-o %s with 3,000 keys: exit 0, nothing on stderr', async (format) => {
    for (const provider of ['dialnexa', 'cobo'] as const) {
      const { code, stdout, stderr } = await shell(
        `kw --provider ${provider} --base-url '${sandbox.baseUrl(provider)}' list --status all -o ${format} | head -1`,
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout.split('\n')).toHaveLength(2);
    }
  });

  test('the listing stops at once: far fewer pages are fetched than the whole listing needs', async () => {
    const before = sandbox.requests.length;
    const { code } = await shell(
      `kw --provider cobo --base-url '${sandbox.baseUrl('cobo')}' list --status all -o ndjson | head -1`,
    );
    expect(code).toBe(0);
    // 3,000 keys are 15 pages of 200; the reader went away after the first line
    expect(sandbox.requests.length - before).toBeLessThan(5);
  });
});

describe('a secret bound for a stdout that goes nowhere', () => {
  const stored = (id: string) =>
    new EncryptedFileStore({
      path: join(home.XDG_DATA_HOME!, 'keywarden', 'secrets.enc'),
      passphrase: async () => 'pipe tests',
    }).get(`edgedns/${id}`);
  const created = (name: string) => sandbox.accounts.edgedns.keys.find((k) => k.name === name)!;

  test('stored in the secret store as well: nothing is lost, exit 0', async () => {
    const { code, stderr } = await shell(
      `kw --provider edgedns --base-url '${sandbox.baseUrl('edgedns')}' create 'closed but stored' --store file --reveal >&-`,
    );
    expect(code).toBe(0);
    const key = created('closed but stored');
    expect(await stored(key.id)).toBe(key.secret);
    expect(stderr).not.toContain(key.secret);
  });

  test('stored nowhere: it is printed on stderr with why, and the run fails', async () => {
    const { code, stderr } = await shell(
      `kw --provider edgedns --base-url '${sandbox.baseUrl('edgedns')}' create 'closed and nowhere' --store none --reveal >&-`,
      { revealsSecret: true },
    );
    expect(code).toBe(1);
    const key = created('closed and nowhere');
    expect(stderr).toContain(
      `keywarden: stdout was closed, and the secret is stored nowhere; the secret of ${key.id} (closed and nowhere) follows, and will not be shown again:`,
    );
    expect(stderr.split(key.secret)).toHaveLength(2);
  });
});
