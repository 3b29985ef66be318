import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { secretService, SecretStoreError } from './store.js';

export type KeyringStep =
  { op: 'set'; account: string; secret: string } | { op: 'get'; account: string } | { op: 'delete'; account: string };

/** set gives null, get the secret or null, delete whether an entry was removed */
export type KeyringResult = string | boolean | null;

/**
 * What the child answers on stdout: every step's result, or the first step that failed with the keyring's own
 * message. That message stays in the parent, which only classifies it, so nothing the child says reaches a person.
 */
export type KeyringReply =
  | { ok: true; results: KeyringResult[] }
  | { ok: false; failure: 'no-native-binary' }
  | { ok: false; failure: 'keyring'; step: number; message: string };

/**
 * The child: CommonJS run by `node -e`, argv = [keyring module path, service]. It reads the steps as JSON on stdin,
 * runs them in order against entries pinned to the Secret Service on Linux (auto mode silently falls back to the
 * kernel keyring, which forgets everything at reboot), and writes one JSON reply on stdout.
 */
const childScript = `'use strict';
const [keyringPath, service] = process.argv.slice(1);
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const reply = run(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  process.stdout.write(JSON.stringify(reply), () => process.exit(0));
});
function run(steps) {
  let Entry;
  try {
    Entry = require(keyringPath).Entry;
  } catch {
    return { ok: false, failure: 'no-native-binary' };
  }
  const options = { linux: { store: 'secret-service' } };
  const results = [];
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    try {
      const entry = new Entry(service, step.account, options);
      if (step.op === 'set') {
        entry.setPassword(step.secret);
        results.push(null);
      } else if (step.op === 'get') {
        results.push(entry.getPassword());
      } else if (step.op === 'delete') {
        results.push(entry.deleteCredential());
      } else {
        throw new Error('unknown step');
      }
    } catch (error) {
      return { ok: false, failure: 'keyring', step: index, message: String(error && error.message) };
    }
  }
  return { ok: true, results };
}
`;

export const keychainAlternatives = 'use --store file (an encrypted file), --deliver CMD or --reveal instead';

let keyringModulePath: string | undefined;

/** Resolved in the parent, so the child finds the module from any cwd, from src/ under vitest as from dist/. */
function keyringModule(): string {
  if (keyringModulePath === undefined) {
    try {
      keyringModulePath = createRequire(import.meta.url).resolve('@napi-rs/keyring');
    } catch {
      throw new SecretStoreError(
        'the OS keychain module @napi-rs/keyring is not installed',
        `reinstall keywarden, or ${keychainAlternatives}`,
      );
    }
  }
  return keyringModulePath;
}

export interface ChildOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
}

/**
 * Runs keyring steps in a short-lived child process. A keyring call stuck on a dead D-Bus daemon cannot be
 * aborted in process, but a child can be killed. Secrets travel only over the child's stdin and stdout.
 */
export function runKeyringSteps(steps: KeyringStep[], options: ChildOptions): Promise<KeyringReply> {
  const modulePath = keyringModule();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', childScript, '--', modulePath, secretService], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      settle(() =>
        reject(
          new SecretStoreError(
            `the OS keychain did not answer in time (${seconds}s)`,
            `its daemon may be hung (on Linux: the Secret Service on DBUS_SESSION_BUS_ADDRESS); or ${keychainAlternatives}`,
          ),
        ),
      );
    }, options.timeoutMs);

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    // never shown: it could hold anything, even a secret from a crashed child's stack
    child.stderr.resume();
    child.stdin.on('error', () => undefined); // a child that died early closes the pipe; 'close' reports it
    child.on('error', () =>
      settle(() =>
        reject(new SecretStoreError('could not start the OS keychain helper process', keychainAlternatives)),
      ),
    );
    child.on('close', (code, signal) =>
      settle(() => {
        const reply = parseReply(stdout);
        if (reply) resolve(reply);
        else
          reject(
            new SecretStoreError(
              `the OS keychain helper process failed (${signal ?? `exit code ${code}`})`,
              keychainAlternatives,
            ),
          );
      }),
    );
    child.stdin.end(JSON.stringify(steps));
  });
}

function parseReply(text: string): KeyringReply | undefined {
  try {
    const reply = JSON.parse(text) as unknown;
    return typeof reply === 'object' && reply !== null && typeof (reply as { ok?: unknown }).ok === 'boolean'
      ? (reply as KeyringReply)
      : undefined;
  } catch {
    return undefined;
  }
}
