import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A real npm registry for the tests: Verdaccio 6.8.0 on a free loopback port, in its own process and a fresh
 * folder (see scripts/verdaccio-server.mjs); Verdaccio's default tokens are invalidated at once by a revoke.
 */
export interface Registry {
  url: string;
  /** signs up a user, as `npm adduser` does; its token is a registry token, as `npm login` makes */
  addUser(name: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/** the server, in its own process: scripts/verdaccio-server.mjs, which the bench starts too */
const server = fileURLToPath(new URL('../../scripts/verdaccio-server.mjs', import.meta.url));

export async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-verdaccio-'));
  const child: ChildProcess = spawn(process.execPath, [server, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: process.cwd(),
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`verdaccio exited (${code}) before listening: ${errors}`)));
  });
  return {
    url,
    async addUser(name, password) {
      const answer = await fetch(`${url}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password, type: 'user', roles: [], date: new Date().toISOString() }),
      });
      const body = (await answer.json()) as { token?: string };
      if (answer.status !== 201 || !body.token) throw new Error(`verdaccio did not add ${name}: ${answer.status}`);
      return body.token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Who the registry says a token belongs to; undefined when it does not take the token (Verdaccio answers {} or 403). */
export async function whoami(registry: string, token: string): Promise<string | undefined> {
  const answer = await fetch(`${registry}/-/whoami`, { headers: { authorization: `Bearer ${token}` } });
  if (answer.status !== 200) return undefined;
  return ((await answer.json()) as { username?: string }).username;
}
