import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { runInTerminal } from '../helpers/pty.js';
import { useSandbox } from '../helpers/sandbox.js';

/** Hidden prompts, typed at a real terminal: a new passphrase is asked twice, and nothing typed can be shown. */

const sandbox = useSandbox({ keys: 1, seed: 'prompts' });
const home = isolatedEnv({ NO_COLOR: '1' });
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token });
const secretsFile = join(home.XDG_DATA_HOME!, 'keywarden', 'secrets.enc');
const edgedns = () => ['--provider', 'edgedns', '--base-url', sandbox.current.baseUrl('edgedns')];
const keyCount = () => sandbox.current.accounts.edgedns.keys.length;

beforeAll(assertBuilt);

describe('the passphrase of a new encrypted-file store', () => {
  test('two different answers: exit 2, no file and no key', async () => {
    const before = keyCount();
    const result = await runInTerminal([...edgedns(), 'create', 'typo', '--store', 'file'], env(), [
      ['Passphrase for the new keywarden secrets file', 'first-answer\r'],
      ['The same passphrase again', 'second-answer\r'],
    ]);
    expect(result.unanswered).toEqual([]);
    expect(result.code).toBe(2);
    expect(result.output).toContain('keywarden: the two passphrases differ; nothing was written');
    expect(result.output).not.toContain('first-answer');
    expect(existsSync(secretsFile)).toBe(false);
    expect(keyCount()).toBe(before);
  });

  test('the same answer twice makes the file; a later run asks once, for the file that exists', async () => {
    const made = await runInTerminal([...edgedns(), 'create', 'first in file', '--store', 'file'], env(), [
      ['Passphrase for the new keywarden secrets file', 'same-answer\r'],
      ['The same passphrase again', 'same-answer\r'],
    ]);
    expect(made.code).toBe(0);
    expect(existsSync(secretsFile)).toBe(true);
    const again = await runInTerminal([...edgedns(), 'create', 'second in file', '--store', 'file'], env(), [
      ['Passphrase of the keywarden secrets file', 'same-answer\r'],
    ]);
    expect(again.unanswered).toEqual([]);
    expect(again.code).toBe(0);
    expect(again.output).not.toContain('The same passphrase again');
    expect(again.output).not.toContain('same-answer');
  });
});

describe('a hidden prompt offers no way to show what was typed', () => {
  test('ctrl+t while typing a token shows nothing of it, and no toggle is offered', async () => {
    const result = await runInTerminal(['--profile', 'hidden', ...edgedns(), 'login'], { ...home }, [
      ['Admin token', 'typed-part-one\x14typed-part-two\r'],
    ]);
    expect(result.unanswered).toEqual([]);
    expect(result.output).not.toContain('typed-part');
    expect(result.output).not.toContain('toggle');
    expect(result.output).toContain('keywarden: the token was not accepted, so it was not stored');
  });
});
