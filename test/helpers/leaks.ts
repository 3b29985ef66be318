import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { capturedOutput } from './cli.js';

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * No issued secret and no admin token in anything the file's runs printed (except runs that were meant to
 * reveal a secret), nor in any file keywarden wrote under the given dirs (config, state: journals and the index).
 */
export function expectNoLeaks(sandbox: Sandbox, dirs: string[] = [], extraSecrets: string[] = []): void {
  const secrets = [
    sandbox.token,
    ...extraSecrets,
    ...Object.values(sandbox.accounts).flatMap((a) => a.keys.map((k) => k.secret)),
  ];
  const texts: [where: string, text: string][] = capturedOutput.map((text, i) => [`output #${i}`, text]);
  for (const dir of dirs) {
    for (const file of filesUnder(dir)) {
      if (file.endsWith('secrets.enc')) continue; // the encrypted store: ciphertext by design
      texts.push([file, readFileSync(file, 'utf8')]);
    }
  }
  expect(texts.length).toBeGreaterThan(0);
  const find = secretFinder(secrets);
  for (const [where, text] of texts) if (find(text)) expect.fail(`a secret appears in ${where}`);
}

/** Secrets are looked up by their first characters, so that a file's output is read once, not once a secret. */
const lookupWidth = 12;

/** Whether a text holds any of the secrets: one pass over the text, however many thousands of secrets there are. */
export function secretFinder(secrets: Iterable<string>): (text: string) => boolean {
  const byStart = new Map<string, string[]>();
  const short: string[] = [];
  for (const secret of secrets) {
    if (secret.length < lookupWidth) short.push(secret);
    else {
      const start = secret.slice(0, lookupWidth);
      byStart.set(start, [...(byStart.get(start) ?? []), secret]);
    }
  }
  return (text) => {
    for (let at = 0; at + lookupWidth <= text.length; at++) {
      const candidates = byStart.get(text.slice(at, at + lookupWidth));
      if (candidates?.some((secret) => text.startsWith(secret, at))) return true;
    }
    return short.some((secret) => text.includes(secret));
  };
}
