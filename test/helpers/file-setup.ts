// Loaded before every test file (vitest.config.ts setupFiles). The helpers' modules are shared by the files one
// worker runs, so each file starts from nothing: no captured output, no sandboxes, the in-memory keychain, empty.
// After the file's tests, nothing any run printed (except runs meant to reveal a secret) may hold an admin token or
// a secret of any key any of its sandboxes issued.
import { afterAll, expect } from 'vitest';
import { capturedOutput } from './cli.js';
import { resetTestKeychain } from './keychain.js';
import { secretFinder } from './leaks.js';
import { forgetStartedSandboxes, startedSandboxes } from './sandbox.js';

capturedOutput.length = 0;
forgetStartedSandboxes();
resetTestKeychain();

afterAll(() => {
  const secrets = new Set(
    startedSandboxes().flatMap((sandbox) => [
      sandbox.token,
      ...Object.values(sandbox.accounts).flatMap((a) => a.keys.map((k) => k.secret)),
    ]),
  );
  const find = secretFinder(secrets);
  capturedOutput.forEach((text, i) => {
    if (find(text)) expect.fail(`captured output #${i} of this file holds a secret or token`);
  });
});
