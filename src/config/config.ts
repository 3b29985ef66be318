import { join } from 'node:path';
import { KeywardenError, reasonOf, UsageError } from '../errors.js';
import type { StoreKind } from '../secrets/store.js';
import { Redactor } from '../secrets/redactor.js';
import { diskFiles, type Files } from '../util/fs.js';

export interface ProfileConfig {
  /** a built-in provider id, or the path of a provider manifest */
  provider: string;
  base_url?: string;
  /** where created secrets and the admin token go; the OS keychain unless set */
  store?: StoreKind;
  /** the settings its provider declares (an account id, an organisation) */
  settings?: Record<string, string>;
}

export interface ConfigFile {
  current?: string;
  profiles: Record<string, ProfileConfig>;
}

export const profileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const stores: readonly string[] = ['keychain', 'file'] satisfies StoreKind[];

/**
 * The config file's text as profiles, every field checked: a wrong one is exit 2 naming the file and the field.
 * Profiles are kept in an object with no prototype, so a name such as `constructor` is only ever a name.
 */
export function parseConfig(text: string, path: string): ConfigFile {
  const fail = (field: string, problem: string): never => {
    throw new UsageError(
      `${path}: ${field ? `${field}: ` : ''}${problem}`,
      'fix or remove the file; it holds only profiles',
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail('', `is not valid JSON (${(error as Error).message})`);
  }
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(parsed)) return fail('', 'is not a keywarden config (an object with "profiles")');
  const { current, profiles = {} } = parsed;
  if (current !== undefined && typeof current !== 'string') fail('current', 'must be a profile name');
  if (!isObject(profiles)) return fail('profiles', 'must be an object of profiles by name');
  const checked = Object.create(null) as Record<string, ProfileConfig>;
  for (const [name, entry] of Object.entries(profiles)) {
    const at = `profiles.${name}`;
    if (!profileNamePattern.test(name)) fail(at, 'is not a profile name (letters, digits, dot, dash and underscore)');
    if (!isObject(entry)) return fail(at, 'must be an object');
    if (typeof entry.provider !== 'string' || entry.provider === '')
      fail(`${at}.provider`, 'must be a provider id or a manifest path');
    if (entry.base_url !== undefined && typeof entry.base_url !== 'string') fail(`${at}.base_url`, 'must be a URL');
    if (entry.store !== undefined && !stores.includes(entry.store as string))
      fail(`${at}.store`, 'must be keychain or file');
    if (entry.settings !== undefined) {
      if (!isObject(entry.settings)) fail(`${at}.settings`, 'must be an object of settings by name');
      for (const [setting, value] of Object.entries(entry.settings as object)) {
        if (typeof value !== 'string') fail(`${at}.settings.${setting}`, 'must be text');
      }
    }
    checked[name] = entry as unknown as ProfileConfig;
  }
  return { ...parsed, current: current as string | undefined, profiles: checked };
}

/** The config file: profiles only, never a credential. Written atomically with mode 0600. */
export class ConfigStore {
  readonly path: string;

  private readonly redactor: Redactor;
  private readonly files: Files;

  constructor(dir: string, options: { redactor?: Redactor; files?: Files } = {}) {
    this.path = join(dir, 'config.json');
    this.redactor = options.redactor ?? new Redactor();
    this.files = options.files ?? diskFiles;
  }

  async load(): Promise<ConfigFile> {
    let text: string | undefined;
    try {
      text = this.files.readPrivate(this.path);
    } catch (error) {
      if (error instanceof KeywardenError) throw error;
      throw new KeywardenError(`cannot read ${this.path}: ${reasonOf(error)}`);
    }
    if (text === undefined) return { profiles: Object.create(null) as ConfigFile['profiles'] };
    return parseConfig(text, this.path);
  }

  async save(config: ConfigFile): Promise<void> {
    try {
      await this.files.writeAtomic(this.path, this.redactor.redact(`${JSON.stringify(config, null, 2)}\n`));
    } catch (error) {
      throw new KeywardenError(`cannot write ${this.path}: ${reasonOf(error)}; it is as it was`);
    }
  }

  async update(change: (config: ConfigFile) => void): Promise<ConfigFile> {
    const config = await this.load();
    change(config);
    await this.save(config);
    return config;
  }
}
