import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { assertBuilt, binPath } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { keychainAvailable } from '../helpers/keychain.js';
import { runArgvInTerminal, runInTerminal } from '../helpers/pty.js';
import { startTestSandbox } from '../helpers/sandbox.js';

/**
 * Progress on stderr, read back through a real pseudo-terminal: pages counted while a slow listing runs, retries
 * said as they happen, the time left while a rotation waits for the new key to be used. In a pipe, none of it.
 */

let slow: Sandbox;
let flaky: Sandbox;
const home = isolatedEnv();
const env = () => ({ ...home, KEYWARDEN_TOKEN: slow.token, KEYWARDEN_FILE_PASSPHRASE: 'progress tests' });
const listSlowly = () => [
  '--provider',
  'dialnexa',
  '--base-url',
  slow.baseUrl('dialnexa'),
  '--concurrency',
  '1',
  'list',
];

beforeAll(async () => {
  assertBuilt();
  slow = await startTestSandbox({
    keys: 700,
    seed: 'progress',
    latencyMs: 120,
    token: `tok-${Math.random().toString(36).slice(2)}`,
  });
  flaky = await startTestSandbox({
    keys: 400,
    seed: 'progress-flaky',
    latencyMs: 80,
    token: slow.token,
    faults: { failEvery: 2, failStatus: 503 },
  });
});
afterAll(async () => {
  await slow?.close();
  await flaky?.close();
});

describe('progress on a terminal', () => {
  test('a slow listing counts its pages, and the line is gone before the table', async () => {
    const { code, output } = await runInTerminal(listSlowly(), env(), []);
    expect(code).toBe(0);
    expect(output).toMatch(/listing DialNexa: [1-6]00 keys so far, [1-6] pages?/);
    // the status line is erased (carriage return, erase line) before the table is drawn
    expect(output.indexOf('\r\u001b[2K┌')).toBeGreaterThan(0);
    expect(output).toContain('700 keys (');
  });

  test('in a pipe, or with --no-input, no progress at all', async () => {
    const piped = await runArgvInTerminal(
      ['sh', '-c', `'${process.execPath}' '${binPath}' ${listSlowly().join(' ')} | cat`],
      env(),
    );
    expect(piped.code).toBe(0);
    expect(piped.output).not.toContain('keys so far');
    expect(piped.output).not.toContain('\u001b[2K');
    const noInput = await runInTerminal([...listSlowly(), '--no-input'], env(), []);
    expect(noInput.code).toBe(0);
    expect(noInput.output).not.toContain('keys so far');
  });

  test('each retry is said as it happens', async () => {
    const { code, output } = await runInTerminal(
      ['--provider', 'cobo', '--base-url', flaky.baseUrl('cobo'), '--concurrency', '1', 'list'],
      env(),
      [],
      { columns: 200 },
    );
    expect(code).toBe(0);
    expect(output).toMatch(/127\.0\.0\.1:\d+ answered 503; trying again in [\d.]+s \(attempt 2 of 5\)/);
  });

  test.runIf(keychainAvailable())('--verify-use counts down, and Ctrl-C says how to carry on', async () => {
    const account = slow.accounts.edgedns;
    const old = account.create({ name: 'progress rotation', scopes: ['dns:read'] });
    const args = [
      '--provider',
      'edgedns',
      '--base-url',
      slow.baseUrl('edgedns'),
      'rotate',
      old.id,
      '--store',
      'file',
      '--verify-use',
      '10m',
      '--yes',
    ];
    const { code, output, unanswered } = await runInTerminal(args, env(), [['left (Ctrl-C stops', '\u0003']], {
      columns: 200,
    });
    expect(unanswered).toEqual([]);
    expect(code).toBe(130);
    expect(output).toMatch(
      /waiting for \S+ to be used: (10m 0s|9m [0-9]+s) left \(Ctrl-C stops; keywarden rotate --resume (rot-[\w-]+) goes on\)/,
    );
    const id = /keywarden rotate --resume (rot-[\w-]+) goes on/.exec(output)![1]!;
    expect(output).toContain(
      `interrupted at verify; the old key ${old.id} is still active; finish it: keywarden rotate --resume ${id}`,
    );
    expect(account.find(old.id)!.revokedAt).toBeNull();
  });
});
