import { randomBytes } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { diskFiles, type Files } from '../util/fs.js';
import { SecretStoreError } from './store.js';

export interface LockOptions {
  files?: Files;
  /** how long to wait for another process to let go; default 10 s */
  waitMs?: number;
  /** a lock older than this is taken to be left behind by a crashed process; default 30 s */
  staleMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

/**
 * Runs `work` while holding `<target>.lock`, so read-modify-write cycles of several processes on one file never
 * lose each other's changes. The lock file is created with O_EXCL; a lock whose process is gone (same host) or that
 * is older than `staleMs` is removed; waiting is bounded.
 */
export async function withFileLock<T>(target: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${target}.lock`;
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  await acquire(lockPath, owner, options.waitMs ?? 10_000, options.staleMs ?? 30_000, options.files ?? diskFiles);
  try {
    return await work();
  } finally {
    await release(lockPath, owner);
  }
}

async function acquire(
  lockPath: string,
  owner: LockOwner,
  waitMs: number,
  staleMs: number,
  files: Files,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await files.createExclusive(lockPath, JSON.stringify(owner));
      return;
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      if (code !== 'EEXIST') throw new SecretStoreError(`cannot create ${lockPath}: ${code ?? 'error'}`);
    }
    const holder = await readLock(lockPath);
    if (holder && (await isStale(lockPath, holder.owner, staleMs))) {
      // remove it only if it is still the same lock, not one a quicker waiter has taken meanwhile
      if ((await readLock(lockPath))?.text === holder.text) {
        await rm(lockPath, { force: true });
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new SecretStoreError(
        `${lockPath} is held by another keywarden process`,
        `if no keywarden is running, remove ${lockPath}`,
      );
    }
    await sleep(10 + Math.random() * 40);
  }
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  const held = await readLock(lockPath);
  if (held?.owner?.token === owner.token) await rm(lockPath, { force: true });
}

async function readLock(lockPath: string): Promise<{ text: string; owner: LockOwner | undefined } | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return { text, owner: JSON.parse(text) as LockOwner };
  } catch {
    return { text, owner: undefined }; // being written right now, or damaged: only its age can tell
  }
}

/** A lock an owner writes in microseconds: one still without an owner after this was left by a crash. */
const unwrittenMs = 2_000;

async function isStale(lockPath: string, owner: LockOwner | undefined, staleMs: number): Promise<boolean> {
  let age: number;
  try {
    age = Date.now() - (await stat(lockPath)).mtimeMs;
  } catch {
    return false; // gone already: the next attempt takes it
  }
  if (age > staleMs || (owner === undefined && age > unwrittenMs)) return true;
  return owner !== undefined && owner.host === hostname() && !processExists(owner.pid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
