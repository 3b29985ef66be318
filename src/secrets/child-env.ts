import type { Redactor } from './redactor.js';

/** keywarden's own credentials: the admin tokens, the file passphrase, the npm password and one-time password, and what manifests read. */
const ownCredential = /^KEYWARDEN_(TOKEN|TOKEN_.*|FILE_PASSPHRASE|NPM_PASSWORD|NPM_OTP|MANIFEST_.*)$/;

/**
 * The environment a child process gets (a --deliver command, the keychain helper): keywarden's own, less every
 * credential keywarden holds, by name and by value (a credential copied into another variable goes too, and so
 * does any value the redactor knows), so a child gets only what it needs.
 */
export function childEnvironment(env: Record<string, string | undefined>, redactor: Redactor): NodeJS.ProcessEnv {
  const credentials = Object.entries(env)
    .filter(([name, value]) => ownCredential.test(name) && value !== undefined && value.length >= 4)
    .map(([, value]) => value!);
  const holdsCredential = (value: string): boolean =>
    credentials.some((credential) => value.includes(credential)) || redactor.redact(value) !== value;
  const safe: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || ownCredential.test(name) || holdsCredential(value)) continue;
    safe[name] = value;
  }
  return safe;
}
