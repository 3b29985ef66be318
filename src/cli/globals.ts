import type { OptionSpec } from '../command-spec.js';
import { outputFormats } from '../render/format.js';

/** The options every command takes, before or after its name. */
export const globalOptions: readonly OptionSpec[] = [
  { flags: '-p, --profile <name>', description: 'the profile from the config file (env KEYWARDEN_PROFILE)' },
  { flags: '--provider <id>', description: "a built-in provider, or a provider manifest's path" },
  { flags: '--base-url <url>', description: "the provider API's base URL (http:// only for loopback)" },
  {
    flags: '-o, --output <format>',
    description: `${outputFormats.join(', ')}: table by default; a command names those it offers if given another`,
    choices: [...outputFormats],
  },
  { flags: '--wide', description: "tables show every column and whole cells, whatever the terminal's width" },
  { flags: '--no-color', description: 'no colour (also NO_COLOR)' },
  { flags: '--no-input', description: 'never prompt; a needed answer that is missing is an error' },
  { flags: '-y, --yes', description: 'answer yes to confirmations' },
  { flags: '--debug', description: 'HTTP trace on stderr, credentials redacted' },
  { flags: '--timeout <duration>', description: 'how long one attempt of a request may take, 1s to 24h (default 30s)' },
  { flags: '--max-response <size>', description: 'the largest answer read from a provider (default 8MB)' },
  { flags: '--concurrency <n>', description: 'pages fetched at once where the pagination allows (default 8)' },
  { flags: '--config-dir <dir>', description: 'the config directory (env KEYWARDEN_CONFIG_DIR)' },
];
