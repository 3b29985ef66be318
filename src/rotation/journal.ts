import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KeywardenError, UsageError } from '../errors.js';
import type { CreateRequest, Key } from '../providers/types.js';
import type { StoreKind } from '../secrets/store.js';
import { writeFileAtomic } from '../util/fs.js';

/** The steps of a rotation, in order. `create` and `store` finish together: see RotationRunner. */
export const steps = ['preflight', 'create', 'store', 'deliver', 'verify', 'grace', 'revoke'] as const;
export type Step = (typeof steps)[number];

export interface RotationPlan {
  /** what the new key is created with: the old key's name and properties where the provider has them */
  request: CreateRequest;
  store: StoreKind;
  deliver: string | null;
  verify_use_ms: number | null;
  grace_ms: number | null;
  keep_old: boolean;
}

/**
 * Everything needed to finish a rotation after a crash, and nothing secret: the new key's secret lives only in
 * the secret store. Written atomically after every finished step.
 */
export interface Journal {
  version: 1;
  id: string;
  profile: string;
  /** the provider's id, as in the keys */
  provider: string;
  /** how to find the provider again on resume: a built-in id, or a manifest's absolute path */
  provider_ref: string;
  base_url: string;
  started_at: string;
  old: Key;
  plan: RotationPlan;
  /** when each finished step finished */
  done: Partial<Record<Step, string>>;
  /** set just before the create request, so a crash during it can be reconciled */
  create_started_at: string | null;
  new: Key | null;
  grace_until: string | null;
  /** keys created by an interrupted attempt whose secret never arrived, and what became of them */
  orphans: { id: string; revoked: boolean }[];
  verified_use: boolean | null;
  old_revoked: boolean;
  finished_at: string | null;
  last_error: string | null;
}

export function newRotationId(now: Date): string {
  return `rot-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

const lockName = (profile: string, keyId: string): string => `${encodeURIComponent(profile)}--${encodeURIComponent(keyId)}.lock`;

/**
 * The rotation journals of this machine (in the platform state dir), and one lock file per key being rotated so
 * that a second rotation of the same key is refused while one is unfinished.
 */
export class JournalStore {
  constructor(
    readonly dir: string,
    /** masks any registered secret: a journal never holds one, whatever a provider's answer held */
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  private path(id: string): string {
    if (!/^rot-[\w-]+$/.test(id)) throw new UsageError(`'${id}' is not a rotation id`);
    return join(this.dir, `${id}.json`);
  }

  /** Claims the key for a new rotation; refused while another rotation of it is unfinished. */
  async begin(journal: Journal): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const lock = join(this.dir, lockName(journal.profile, journal.old.id));
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(journal.id);
      await handle.close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = (await readFile(lock, 'utf8').catch(() => '')).trim();
      throw new UsageError(
        `${journal.old.id} has an unfinished rotation${holder ? ` (${holder})` : ''}; a second one is refused`,
        holder ? `finish it: keywarden rotate --resume ${holder}` : 'keywarden rotate --resume lists unfinished rotations',
      );
    }
    await this.save(journal);
  }

  async save(journal: Journal): Promise<void> {
    await writeFileAtomic(this.path(journal.id), this.redact(`${JSON.stringify(journal, null, 2)}\n`));
  }

  /** Marks the rotation finished and frees the key for the next one. */
  async finish(journal: Journal): Promise<void> {
    await this.save(journal);
    await rm(join(this.dir, lockName(journal.profile, journal.old.id)), { force: true });
  }

  async load(id: string): Promise<Journal> {
    let text: string;
    try {
      text = await readFile(this.path(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`no rotation ${id}`, 'keywarden rotate --resume lists unfinished rotations');
      throw error;
    }
    try {
      const journal = JSON.parse(text) as Journal;
      if (journal.version !== 1 || journal.id !== id) throw new Error('unknown format');
      return journal;
    } catch (error) {
      throw new KeywardenError(`the journal of rotation ${id} is unreadable: ${(error as Error).message}`);
    }
  }

  async unfinished(): Promise<Journal[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const journals = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => this.load(n.slice(0, -5)).catch(() => undefined)));
    return journals.filter((j): j is Journal => j !== undefined && j.finished_at === null).sort((a, b) => a.started_at.localeCompare(b.started_at));
  }
}
