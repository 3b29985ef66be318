import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeywardenError, UsageError } from '../errors.js';
import type { StoreKind } from '../secrets/store.js';
import { Redactor } from '../secrets/redactor.js';
import { writeFileAtomic } from '../util/fs.js';

export interface ProfileConfig {
  /** a built-in provider id, or the path of a provider manifest */
  provider: string;
  base_url?: string;
  /** where created secrets and the admin token go; the OS keychain unless set */
  store?: StoreKind;
}

export interface ConfigFile {
  current?: string;
  profiles: Record<string, ProfileConfig>;
}

export const profileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The config file: profiles only, never a credential. Written atomically with mode 0600. */
export class ConfigStore {
  readonly path: string;

  constructor(
    dir: string,
    private readonly redactor = new Redactor(),
  ) {
    this.path = join(dir, 'config.json');
  }

  async load(): Promise<ConfigFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
      throw new KeywardenError(`cannot read ${this.path}: ${(error as Error).message}`);
    }
    try {
      const parsed = JSON.parse(text) as Partial<ConfigFile>;
      if (typeof parsed !== 'object' || parsed === null || (parsed.profiles !== undefined && typeof parsed.profiles !== 'object')) throw new Error('not a keywarden config');
      return { ...parsed, profiles: parsed.profiles ?? {} };
    } catch (error) {
      throw new UsageError(`${this.path} is not valid: ${(error as Error).message}`, 'fix or remove the file; it holds only profiles');
    }
  }

  async save(config: ConfigFile): Promise<void> {
    await writeFileAtomic(this.path, this.redactor.redact(`${JSON.stringify(config, null, 2)}\n`));
  }

  async update(change: (config: ConfigFile) => void): Promise<ConfigFile> {
    const config = await this.load();
    change(config);
    await this.save(config);
    return config;
  }
}
