// revoke's confirmation at a real terminal: the built binary in a pseudo-terminal, answered as a person would.
import { describe, expect, test } from 'vitest';
import { assertBuilt } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { runInTerminal } from '../helpers/pty.js';
import { useSandbox } from '../helpers/sandbox.js';

const sandbox = useSandbox({ keys: 20, seed: 'revoke-terminal' });
const home = isolatedEnv();
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token });
const account = () => sandbox.current.accounts.cobo;

describe('confirmation on a terminal', () => {
  test('on a real terminal the prompt lists the keys; yes revokes, no does not, Ctrl-C is 130', async () => {
    assertBuilt();
    const [yes, no, interrupted] = ['say yes', 'say no', 'ctrl c'].map((name) => account().create({ name }));
    const args = (id: string) => ['--provider', 'cobo', '--base-url', sandbox.current.baseUrl('cobo'), 'revoke', id];

    const confirmed = await runInTerminal(args(yes!.id), env(), [['Revoke this key?', 'y\r']]);
    expect(confirmed.unanswered).toEqual([]);
    expect(confirmed.output).toContain(`${yes!.id} (say yes)`);
    expect(confirmed.code).toBe(0);
    expect(yes!.revokedAt).not.toBeNull();

    const declined = await runInTerminal(args(no!.id), env(), [['Revoke this key?', 'n\r']]);
    expect(declined.code).toBe(1);
    expect(declined.output).toContain('nothing was revoked');
    expect(no!.revokedAt).toBeNull();

    const cancelled = await runInTerminal(args(interrupted!.id), env(), [['Revoke this key?', '\u0003']]);
    expect(cancelled.code).toBe(130);
    expect(interrupted!.revokedAt).toBeNull();
  });
});
