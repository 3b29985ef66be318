import type { Redactor } from './redactor.js';

/** keywarden's own credentials: the admin tokens, the file passphrase, the npm password and one-time password, and what manifests read. */
const ownCredential = /^KEYWARDEN_(TOKEN|TOKEN_.*|FILE_PASSPHRASE|NPM_PASSWORD|NPM_OTP|MANIFEST_.*)$/;

/**
 * The environment a child process gets (a --deliver command, the keychain helper): keywarden's own, less every
 * credential keywarden holds, by name and by value, so a child gets only what it needs.
 */
export function childEnvironment(env: Record<string, string | undefined>, redactor: Redactor): NodeJS.ProcessEnv {
  const safe: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || ownCredential.test(name) || redactor.redact(value) !== value) continue;
    safe[name] = value;
  }
  return safe;
}
