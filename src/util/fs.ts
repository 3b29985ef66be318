import { readFileSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * How keywarden reads and writes its own files: config, journals, the index, the encrypted store and their locks.
 * Injected (tests fill the disk at any write, or run as another user). Every write lands whole or fails, leaving
 * what was there; every read first checks that the file and its folder are the user's own.
 */
export interface Files {
  /** a file's text, or undefined when there is none; refused (exit 2) when it or its folder is not private */
  readPrivate(path: string): string | undefined;
  /** refused (exit 2) when the folder exists and belongs to another user or others may write to it */
  checkPrivateDir(path: string): void;
  /** replaces a file's content, or fails and leaves the old content */
  writeAtomic(path: string, data: string | Uint8Array, mode?: number): Promise<void>;
  /** creates a file that must not exist yet (a lock), with its content; a failure leaves no file */
  createExclusive(path: string, data: string, mode?: number): Promise<void>;
}

/** The files of the user with this uid (undefined where there are no uids, on Windows: nothing to check). */
export function userFiles(uid: number | undefined): Files {
  const trusted = (path: string, what: 'file' | 'folder'): void => {
    let status;
    try {
      status = statSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (uid === undefined) return;
    if (status.uid !== uid) {
      throw new UsageError(
        `${path} belongs to another user (uid ${status.uid}), so keywarden does not trust the ${what}`,
        `if it is yours: chown ${uid} '${path}'`,
      );
    }
    if ((status.mode & 0o022) !== 0) {
      throw new UsageError(
        `${path} may be changed by other users, so keywarden does not trust the ${what}`,
        `make it private: chmod ${what === 'folder' ? '700' : '600'} '${path}'`,
      );
    }
  };
  return {
    readPrivate(path) {
      trusted(dirname(path), 'folder');
      trusted(path, 'file');
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    checkPrivateDir: (path) => trusted(path, 'folder'),
    writeAtomic: writeFileAtomic,
    createExclusive,
  };
}

/** The files of the user running keywarden. */
export const diskFiles: Files = userFiles(process.getuid?.());

/**
 * Writes a file so that readers see the old content or the new, never half of either: a private temp file beside
 * it, flushed to disk, renamed over it, and the rename itself flushed. The file is created with `mode` (0600
 * unless told), its folder 0700.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** O_EXCL creation; if the content cannot be written (a full disk), the empty file is removed again. */
async function createExclusive(path: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
