import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { profileNamePattern } from '../config/config.js';
import { KeywardenError, reasonOf, UsageError } from '../errors.js';
import type { CreateRequest, Key } from '../providers/types.js';
import type { StoreKind } from '../secrets/store.js';
import { diskFiles, type Files } from '../util/fs.js';
import { longestDuration } from '../util/time.js';

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
  /**
   * the provider's own rotate (LaunchDarkly's reset): the same key gets a new secret, and the old secret ends when
   * the grace period does, rather than by a revoke
   */
  native?: boolean;
}

/**
 * Everything needed to finish a rotation after a crash, and nothing secret: the new key's secret lives only in
 * the secret store. Written atomically after every finished step, and before the next one begins.
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
  /**
   * set just before the create request, with the moment by which its answer was due: a key of the new key's name
   * created in that window may be the interrupted attempt's, and nothing outside it can be
   */
  create_started_at: string | null;
  create_answer_by?: string | null;
  new: Key | null;
  grace_until: string | null;
  /** keys an interrupted attempt may have created, and whether keywarden revoked them */
  orphans: { id: string; revoked: boolean }[];
  verified_use: boolean | null;
  old_revoked: boolean;
  finished_at: string | null;
  /** set by `rotate --abort`: the rotation ended without finishing */
  aborted_at?: string | null;
  last_error: string | null;
}

export function newRotationId(now: Date): string {
  return `rot-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export const isOpen = (journal: Journal): boolean => journal.finished_at === null && !journal.aborted_at;

/** Where a rotation stands: the step it goes on with, or, once ended, the last it finished (or `aborted`). */
export function currentStep(journal: Journal): Step | 'aborted' {
  if (journal.aborted_at) return 'aborted';
  const finished = steps.filter((step) => journal.done[step] !== undefined);
  if (!isOpen(journal)) return finished.at(-1) ?? 'preflight';
  return steps.find((step) => journal.done[step] === undefined) ?? 'revoke';
}

const lockName = (profile: string, keyId: string): string =>
  `${encodeURIComponent(profile)}--${encodeURIComponent(keyId)}.lock`;

interface LockOwner {
  rotation: string;
  pid: number;
  host: string;
}

/**
 * The rotation journals of this machine (in the platform state dir), and one lock file per key being rotated so
 * that a second rotation of the same key is refused while one is unfinished. A journal is trusted only when it and
 * its folder are the user's own, and only when it reads back whole and consistent.
 */
export class JournalStore {
  private readonly files: Files;
  /** masks any registered secret: a journal never holds one, whatever a provider's answer held */
  private readonly redact: (text: string) => string;

  constructor(
    readonly dir: string,
    options: { files?: Files; redact?: (text: string) => string } = {},
  ) {
    this.files = options.files ?? diskFiles;
    this.redact = options.redact ?? ((text) => text);
  }

  private path(id: string): string {
    if (!/^rot-[\w-]{1,64}$/.test(id))
      throw new UsageError(`'${id}' is not a rotation id`, 'keywarden rotate --list shows them');
    return join(this.dir, `${id}.json`);
  }

  private lockPath(journal: Journal): string {
    return join(this.dir, lockName(journal.profile, journal.old.id));
  }

  /**
   * Claims the key for a new rotation; refused while another rotation of it is unfinished. A lock whose rotation
   * is gone, finished or aborted is left over from a crash, and cleared.
   */
  async begin(journal: Journal): Promise<void> {
    const lock = this.lockPath(journal);
    const owner: LockOwner = { rotation: journal.id, pid: process.pid, host: hostname() };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.files.createExclusive(lock, JSON.stringify(owner));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0)
          throw this.cannotLock(journal, lock, error as NodeJS.ErrnoException);
        const holder = this.lockHolder(lock);
        const held = holder === undefined ? undefined : await this.load(holder).catch(() => undefined);
        if (held && isOpen(held)) {
          throw new UsageError(
            `${journal.old.id} has an unfinished rotation (${held.id}); a second one is refused`,
            `finish it: keywarden rotate --resume ${held.id}, or end it: keywarden rotate --abort ${held.id}`,
          );
        }
        await rm(lock, { force: true });
      }
    }
    await this.save(journal);
  }

  private cannotLock(journal: Journal, lock: string, error: NodeJS.ErrnoException): KeywardenError {
    if (error.code === 'EEXIST')
      return new UsageError(
        `${journal.old.id} is being rotated by another keywarden right now`,
        `if none is running, remove ${lock}`,
      );
    return new KeywardenError(
      `cannot start the rotation of ${journal.old.id}: ${lock}: ${error.code ?? error.message}; nothing was changed`,
    );
  }

  /** The rotation a lock names: its JSON owner, or the bare id older locks held. */
  private lockHolder(lock: string): string | undefined {
    let text: string | undefined;
    try {
      text = this.files.readPrivate(lock)?.trim();
    } catch {
      return undefined;
    }
    if (!text) return undefined;
    try {
      return (JSON.parse(text) as Partial<LockOwner>).rotation;
    } catch {
      return text;
    }
  }

  async save(journal: Journal): Promise<void> {
    const path = this.path(journal.id);
    try {
      await this.files.writeAtomic(path, this.redact(`${JSON.stringify(journal, null, 2)}\n`));
    } catch (error) {
      throw new KeywardenError(`cannot write the journal of rotation ${journal.id} (${path}): ${reasonOf(error)}`);
    }
  }

  /** Marks the rotation finished and frees the key for the next one. */
  async finish(journal: Journal): Promise<void> {
    await this.save(journal);
    await rm(this.lockPath(journal), { force: true });
  }

  async load(id: string): Promise<Journal> {
    const path = this.path(id);
    let text: string | undefined;
    try {
      text = this.files.readPrivate(path);
    } catch (error) {
      if (error instanceof KeywardenError) throw error;
      throw new KeywardenError(`cannot read the journal of rotation ${id}: ${reasonOf(error)}`);
    }
    if (text === undefined) throw new UsageError(`no rotation ${id}`, 'keywarden rotate --list shows the rotations');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new UsageError(
        `${path} is not a rotation journal (not JSON)`,
        'keywarden wrote none like it: remove it if nobody else did',
      );
    }
    return checkedJournal(data, id, path);
  }

  /** Every journal, newest first. */
  async all(): Promise<Journal[]> {
    this.files.checkPrivateDir(this.dir);
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const ids = names.filter((n) => /^rot-[\w-]+\.json$/.test(n)).map((n) => n.slice(0, -5));
    const journals = await Promise.all(ids.map((id) => this.load(id)));
    return journals.sort((a, b) => b.started_at.localeCompare(a.started_at));
  }

  /** The unfinished ones, oldest first. */
  async unfinished(): Promise<Journal[]> {
    return (await this.all()).filter(isOpen).reverse();
  }
}

/** A journal as read from disk, every field checked: anything else is refused, naming the file and the field. */
export function checkedJournal(data: unknown, id: string, path: string): Journal {
  const fail = (field: string, problem: string): never => {
    throw new UsageError(
      `${path}: ${field}: ${problem}; keywarden will not act on it`,
      'keywarden wrote none like it: remove it if nobody else did',
    );
  };
  const object = (value: unknown, field: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : fail(field, 'must be an object');
  const text = (value: unknown, field: string): string =>
    typeof value === 'string' && value !== '' ? value : fail(field, 'must be text');
  const time = (value: unknown, field: string): string =>
    typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : fail(field, 'must be a time');
  const orNull =
    <T>(check: (value: unknown, field: string) => T) =>
    (value: unknown, field: string): T | null =>
      value === null || value === undefined ? null : check(value, field);
  const flag = (value: unknown, field: string): boolean =>
    typeof value === 'boolean' ? value : fail(field, 'must be true or false');
  const span = (value: unknown, field: string): number =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= longestDuration
      ? value
      : fail(field, 'must be a duration in milliseconds');

  const journal = object(data, 'the journal');
  if (journal.version !== 1) fail('version', 'must be 1');
  if (journal.id !== id) fail('id', `must be ${id}, the file's name`);
  const profile = text(journal.profile, 'profile');
  if (!profileNamePattern.test(profile)) fail('profile', 'is not a profile name');
  const provider = text(journal.provider, 'provider');
  text(journal.provider_ref, 'provider_ref');
  text(journal.base_url, 'base_url');
  time(journal.started_at, 'started_at');
  const key = (value: unknown, field: string): Key => {
    const k = object(value, field);
    text(k.id, `${field}.id`);
    if (k.profile !== profile) fail(`${field}.profile`, `must be the journal's profile, ${profile}`);
    if (k.provider !== provider) fail(`${field}.provider`, `must be the journal's provider, ${provider}`);
    return k as unknown as Key;
  };
  key(journal.old, 'old');
  orNull(key)(journal.new, 'new');
  const plan = object(journal.plan, 'plan');
  text(object(plan.request, 'plan.request').name, 'plan.request.name');
  if (plan.store !== 'keychain' && plan.store !== 'file') fail('plan.store', 'must be keychain or file');
  orNull(text)(plan.deliver, 'plan.deliver');
  orNull(span)(plan.verify_use_ms, 'plan.verify_use_ms');
  orNull(span)(plan.grace_ms, 'plan.grace_ms');
  flag(plan.keep_old, 'plan.keep_old');
  orNull(flag)(plan.native, 'plan.native');
  const done = object(journal.done, 'done');
  for (const [step, at] of Object.entries(done)) {
    if (!(steps as readonly string[]).includes(step)) fail(`done.${step}`, 'is not a step');
    time(at, `done.${step}`);
  }
  for (const field of ['create_started_at', 'create_answer_by', 'grace_until', 'finished_at', 'aborted_at'] as const)
    orNull(time)(journal[field], field);
  if (!Array.isArray(journal.orphans)) fail('orphans', 'must be a list');
  (journal.orphans as unknown[]).forEach((orphan, i) => {
    const o = object(orphan, `orphans[${i}]`);
    text(o.id, `orphans[${i}].id`);
    flag(o.revoked, `orphans[${i}].revoked`);
  });
  orNull(flag)(journal.verified_use, 'verified_use');
  flag(journal.old_revoked, 'old_revoked');
  orNull(text)(journal.last_error, 'last_error');
  return journal as unknown as Journal;
}
