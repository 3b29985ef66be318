import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { keychainAvailable, secretToolLookup, useRealKeychain } from '../helpers/keychain.js';
import { startRegistry, whoami, type Registry } from '../helpers/verdaccio.js';

// the tokens go to the real keychain, as they would for a person
useRealKeychain();

/**
 * The npm provider against a real registry server, Verdaccio, started by the test: create, list, rotate and revoke
 * access tokens as `npm token` does, with the admin token a registry token as `npm login` makes and the account
 * password for each create from KEYWARDEN_NPM_PASSWORD. Each token is checked where it counts: GET /-/whoami.
 */

const user = 'keywarden-test';
const password = `npm-${Math.random().toString(36).slice(2)}-pw`;
let registry: Registry;
let adminToken: string;
const home = isolatedEnv();
const env = (extra = {}) => ({ ...home, KEYWARDEN_TOKEN_NPM: adminToken, KEYWARDEN_NPM_PASSWORD: password, ...extra });
const captured: string[] = [];
/** every token the tests saw made, looked for in every output at the end */
const secrets: string[] = [];
const cli = async (argv: string[], extra = {}) => {
  const result = await runCli(['-p', 'npm', ...argv], { env: env(extra) });
  captured.push(result.stdout, result.stderr);
  return result;
};

beforeAll(async () => {
  registry = await startRegistry();
  adminToken = await registry.addUser(user, password);
  const added = await runCli(['--provider', 'npm', '--base-url', registry.url, 'profile', 'add', 'npm'], {
    env: env(),
  });
  expect(added.code).toBe(0);
}, 60_000);
afterAll(async () => {
  await registry?.close();
  // neither the password nor a token reached any output
  expect(secrets.length).toBeGreaterThan(1);
  for (const text of captured)
    for (const secret of [password, adminToken, ...secrets]) expect(text.includes(secret)).toBe(false);
});

describe.runIf(keychainAvailable())('npm access tokens on a real registry', () => {
  let tokenKey: string;

  test('create: a token that works, its secret in the keychain and in no output', async () => {
    const { code, stdout, stderr } = await cli(['create', 'ci publish', '-o', 'json']);
    expect(stderr).toContain("npm registry keys have no names; 'ci publish' is not kept by the provider");
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    tokenKey = doc.key.id;
    expect(doc.stored).toBe(`keychain:keywarden/npm/${tokenKey}`);
    const secret = secretToolLookup(`npm/${tokenKey}`)!;
    secrets.push(secret);
    expect(await whoami(registry.url, secret)).toBe(user);
  });

  test('list: the token is there, by its key, shown truncated', async () => {
    const { code, stdout } = await cli(['list', '-o', 'json']);
    expect(code).toBe(0);
    const keys = JSON.parse(stdout) as { id: string; prefix: string | null; created_at: string }[];
    const listed = keys.find((k) => k.id === tokenKey)!;
    expect(listed).toBeDefined();
    expect(listed.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // the registry lists a token masked: a short visible part, never the whole
    expect(listed.prefix!.length).toBeLessThan(secretToolLookup(`npm/${tokenKey}`)!.length);
  });

  test('a wrong password: the registry refuses, exit 1, no token made', async () => {
    const before = JSON.parse((await cli(['list', '-o', 'json'])).stdout).length;
    const { code, stderr } = await cli(['create', 'wrong', '-o', 'json'], {
      KEYWARDEN_NPM_PASSWORD: 'not-the-password',
    });
    expect(code).toBe(4);
    expect(stderr).toContain('keywarden: npm: POST /-/npm/v1/tokens: 401');
    expect(JSON.parse((await cli(['list', '-o', 'json'])).stdout).length).toBe(before);
  });

  test('rotate: the new token works, the old one no longer does', async () => {
    const oldSecret = secretToolLookup(`npm/${tokenKey}`)!;
    const { code, stdout } = await cli(['rotate', tokenKey, '--yes', '-o', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.old_revoked).toBe(true);
    const newSecret = secretToolLookup(`npm/${doc.new.id}`)!;
    secrets.push(newSecret);
    expect(await whoami(registry.url, newSecret)).toBe(user);
    expect(await whoami(registry.url, oldSecret)).toBeUndefined();
    expect(secretToolLookup(`npm/${tokenKey}`)).toBeUndefined();
    tokenKey = doc.new.id;
  });

  test('revoke: the token stops working and its stored secret is deleted', async () => {
    const secret = secretToolLookup(`npm/${tokenKey}`)!;
    const { code } = await cli(['revoke', tokenKey, '--yes']);
    expect(code).toBe(0);
    expect(await whoami(registry.url, secret)).toBeUndefined();
    expect(secretToolLookup(`npm/${tokenKey}`)).toBeUndefined();
    const { stdout } = await cli(['list', '-o', 'json']);
    expect((JSON.parse(stdout) as { id: string }[]).map((k) => k.id)).not.toContain(tokenKey);
  });
});
