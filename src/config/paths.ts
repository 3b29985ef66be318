import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Dirs {
  /** profiles: config.json */
  config: string;
  /** rotation journals, the index of stored secrets */
  state: string;
  /** the encrypted secrets file */
  data: string;
}

type Env = Record<string, string | undefined>;

/** The platform's directories for keywarden (XDG on Linux), with `--config-dir` / KEYWARDEN_CONFIG_DIR for config. */
export function platformDirs(env: Env, platform: NodeJS.Platform = process.platform, configDir?: string): Dirs {
  const home = env.HOME || homedir();
  let dirs: Dirs;
  if (platform === 'darwin') {
    const support = join(home, 'Library', 'Application Support', 'keywarden');
    dirs = { config: join(home, 'Library', 'Preferences', 'keywarden'), state: join(support, 'state'), data: support };
  } else if (platform === 'win32') {
    const roaming = env.APPDATA || join(home, 'AppData', 'Roaming');
    const local = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
    dirs = {
      config: join(roaming, 'keywarden', 'Config'),
      state: join(local, 'keywarden', 'State'),
      data: join(local, 'keywarden', 'Data'),
    };
  } else {
    dirs = {
      config: join(env.XDG_CONFIG_HOME || join(home, '.config'), 'keywarden'),
      state: join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'keywarden'),
      data: join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'keywarden'),
    };
  }
  const override = configDir || env.KEYWARDEN_CONFIG_DIR;
  return override ? { ...dirs, config: override } : dirs;
}
