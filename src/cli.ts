import { Command, CommanderError, Option } from 'commander';
import { Context, type GlobalOptions, type Runtime } from './context.js';
import { ExitCode, KeywardenError } from './errors.js';
import { builtinIds } from './providers/builtin-ids.js';
import { Output, OutputClosedError } from './render/output.js';
import { Redactor } from './secrets/redactor.js';

/**
 * The command tree: names, arguments and flags only. Each action imports its command module when it runs, so
 * `--help` and `--version` load no command code, no HTTP client and no prompts.
 */
type Action = (ctx: Context, ...args: never[]) => Promise<number>;
type Loader = () => Promise<Action>;

const globalOptionSpecs: [flags: string, description: string][] = [
  ['-p, --profile <name>', 'profile from the config file (env KEYWARDEN_PROFILE)'],
  ['--provider <id>', `a built-in provider (${builtinIds().join(', ')}), or a provider manifest's path`],
  ['--base-url <url>', "the provider API's base URL (http:// only for loopback)"],
  ['-o, --output <format>', 'table (default), json, ndjson, csv; audit adds sarif, markdown'],
  ['--wide', "tables show every column and whole cells, whatever the terminal's width"],
  ['--no-color', 'no colour (also NO_COLOR)'],
  ['--no-input', 'never prompt; a needed answer that is missing is an error'],
  ['-y, --yes', 'answer yes to confirmations'],
  ['--debug', 'HTTP trace on stderr, credentials redacted'],
  ['--timeout <duration>', 'per-request timeout, from 1s to 24h (default 30s)'],
  ['--max-response <size>', 'the largest answer read from a provider (default 8MB)'],
  ['--concurrency <n>', 'pages fetched at once where pagination allows (default 8)'],
  ['--config-dir <dir>', 'config directory (env KEYWARDEN_CONFIG_DIR)'],
];

function addGlobalOptions(command: Command, hidden: boolean): Command {
  for (const [flags, description] of globalOptionSpecs) {
    const option = new Option(flags, description);
    if (hidden) option.hideHelp();
    command.addOption(option);
  }
  return command;
}

export interface Program {
  program: Command;
  /** set by the action that ran */
  result: Promise<number> | undefined;
}

export function buildProgram(runtime: Runtime, version: string, output: Output, redactor: Redactor): Program {
  const state: Program = { program: new Command('keywarden'), result: undefined };
  const { program } = state;

  program
    .description('List, create, revoke, rotate and audit API keys across SaaS providers.')
    .version(version, '-V, --version')
    .helpOption('-h, --help', 'show help')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void output.result(text).catch(() => undefined),
      writeErr: (text) => {
        for (const line of text.replace(/\n$/, '').split('\n')) output.message(line);
      },
      outputError: (text, write) => write(commanderErrorLines(text)),
    });
  addGlobalOptions(program, false);

  // subcommands made with .command() inherit the error and output settings above
  const subcommand = (parent: Command, name: string, description: string): Command =>
    addGlobalOptions(parent.command(name).description(description), true);
  const command = (name: string, description: string): Command => subcommand(program, name, description);

  const act =
    (load: Loader) =>
    (...parsed: unknown[]): void => {
      const cmd = parsed[parsed.length - 1] as Command;
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      const args = parsed.slice(0, -1);
      state.result = (async () => {
        const ctx = new Context(runtime, globals, output, redactor);
        try {
          const action = await load();
          return await action(ctx, ...(args as never[]));
        } finally {
          await ctx.close();
        }
      })();
    };

  command('list', 'every key of the profile(s), all pages, normalised')
    .option('--search <text>', 'keys whose name contains the text, or whose id starts with it')
    .option('--status <status>', 'active, expired, revoked or all (default: every key not revoked)')
    .option('--created-after <date>', 'created on or after this ISO 8601 date')
    .option('--created-before <date>', 'created on or before this ISO 8601 date')
    .option('--sort <field>', 'created, name or last-used')
    .option('--all-profiles', 'every profile of the config file, queried concurrently')
    .action(act(async () => (await import('./commands/list.js')).run));

  command('audit', 'findings about every key, for a security review or a CI gate')
    .option('--all-profiles', 'every profile of the config file, queried concurrently')
    .option('--max-age <duration>', 'keys created longer ago than this need rotating (default 90d)')
    .option('--max-idle <duration>', 'keys last used longer ago than this are idle (default 45d)')
    .option('--expiring-within <duration>', 'keys expiring within this need rotating soon (default 14d)')
    .option('--policy <file>', 'JSON policy: rules on or off, severities, thresholds, waivers')
    .option('--fail-on <severity>', 'exit 3 when a finding is at or above low, medium or high')
    .action(act(async () => (await import('./commands/audit.js')).run));

  const destinationOptions = (cmd: Command): Command =>
    cmd
      .option('--store <store>', 'where the secret goes: keychain (default), file or none')
      .option('--deliver <command>', "run through the shell with the secret on stdin (KEYWARDEN_KEY_ID, KEYWARDEN_KEY_NAME, KEYWARDEN_PROFILE set)")
      .option('--reveal', 'print the secret even when stdout is not a terminal');

  destinationOptions(
    command('create', 'create a key; its secret goes to the secret store before anything is printed')
      .argument('<name>', 'name of the new key')
      .option('--scopes <list>', 'comma-separated scopes or permissions')
      .option('--environment <env>', 'live or test')
      .option('--expires-in <duration>', 'expire after this long, e.g. 90d')
      .option('--expires-at <date>', 'expire at this ISO 8601 date')
      .option('--expire-now', 'create the key already expired (DialNexa)')
      .option('--principal <id>', 'the principal the key belongs to (Cobo)')
      .option('--ip-allowlist <list>', 'comma-separated IPs or CIDRs allowed to use the key'),
  ).action(act(async () => (await import('./commands/create.js')).run));

  command('revoke', 'revoke keys; asks first unless --yes; the stored secret of each is deleted')
    .argument('[keys...]', 'key ids, unique id prefixes (4+ characters) or unique names')
    .option('--unused-for <duration>', 'every key not used for this long (or never used and this old)')
    .option('--expired', 'every expired key')
    .option('--dry-run', 'show what would be revoked, change nothing')
    .action(act(async () => (await import('./commands/revoke.js')).run));

  command('rotate', 'new key, stored, delivered, optionally verified in use, then the old one revoked; journaled and resumable')
    .argument('[key]', 'the key to rotate: id, unique id prefix or unique name')
    .option('--deliver <command>', 'run through the shell with the new secret on stdin')
    .option('--verify-use [timeout]', `wait until the new key is used before revoking the old one (default ${'10m'})`)
    .option('--grace <duration>', 'wait this long before revoking the old key')
    .option('--keep-old', 'do not revoke the old key')
    .option('--name <name>', 'name of the new key (default: the old key name)')
    .option('--store <store>', 'where the new secret goes: keychain (default) or file')
    .option('--older-than <duration>', 'rotate every key older than this, one journal each')
    .option('--resume [id]', 'finish an interrupted rotation; without an id, the only unfinished one')
    .option('--list', 'the rotations on record, newest first, with the step each is at')
    .option('--abort <id>', 'end an unfinished rotation: an undelivered new key is revoked, the old key left as it is')
    .option('--dry-run', 'show the plan, change nothing')
    .action(act(async () => (await import('./commands/rotate.js')).run));

  command('login', "store the profile's admin token (read hidden from a terminal, or from stdin)").action(
    act(async () => (await import('./commands/login.js')).login),
  );
  command('logout', "remove the profile's stored admin token").action(act(async () => (await import('./commands/login.js')).logout));

  const providers = command('providers', 'built-in providers, their default base URLs and capabilities').action(
    act(async () => (await import('./commands/providers.js')).run),
  );
  subcommand(providers, 'validate', 'check a provider manifest and show the requests it would send, sending none')
    .argument('<file>', 'the manifest, e.g. ./acme.json')
    .action(act(async () => (await import('./commands/providers-validate.js')).run));

  const profile = command('profile', 'profiles in the config file');
  const profileCommand = (name: string, description: string): Command => subcommand(profile, name, description);
  profileCommand('list', 'the profiles, the current one marked').action(act(async () => (await import('./commands/profile.js')).list));
  const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
  profileCommand('add', 'add a profile: keywarden profile add <name> --provider <id> [--base-url <url>]')
    .argument('<name>')
    .option('--store <store>', 'where its secrets go: keychain (default) or file')
    .option('--set <name=value>', 'a setting its provider needs, e.g. account_sid=AC...; repeat for more', collect)
    .action(act(async () => (await import('./commands/profile.js')).add));
  profileCommand('set', 'change a profile in place: its base URL, store or settings; its stored admin token stays')
    .argument('<name>')
    .option('--store <store>', 'where its secrets go: keychain or file')
    .option('--set <name=value>', 'a setting its provider needs; repeat for more', collect)
    .action(act(async () => (await import('./commands/profile.js')).set));
  profileCommand('remove', 'remove a profile').argument('<name>').action(act(async () => (await import('./commands/profile.js')).remove));
  profileCommand('use', 'make a profile the current one').argument('<name>').action(act(async () => (await import('./commands/profile.js')).use));

  command('sandbox', 'serve simulators of the built-in provider APIs on loopback')
    .option('--port <n>', 'port to listen on (0: any free port)', '4010')
    .option('--keys <n>', 'keys seeded per provider', '25')
    .option('--latency <ms>', 'delay added to every answer')
    .option('--seed <seed>', 'seed of the generated keys')
    .option('--fail-every <n>', 'answer every Nth request with --fail-status')
    .option('--fail-status <code>', 'status for --fail-every (default 503)')
    .option('--retry-after <seconds>', 'Retry-After sent with those failures')
    .option('--rate-limit-reset <seconds>', 'X-RateLimit-Reset sent with those failures, this many seconds ahead')
    .option('--rate-limit-remaining <n>', 'X-RateLimit-Remaining sent with those failures')
    .option('--reset-every <n>', 'drop the connection of every Nth request')
    .option('--stall-every <n>', 'never answer every Nth request')
    .option('--bad-json-every <n>', 'answer every Nth request with a body that is not JSON')
    .option('--lose-answer-every <n>', 'carry out every Nth request, then drop the connection unanswered')
    .action(act(async () => (await import('./commands/sandbox.js')).run));

  return state;
}

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as the contract's one line plus a hint. */
function commanderErrorLines(text: string): string {
  const [first = '', ...rest] = text.trim().split('\n');
  const message = first.replace(/^error: /, '');
  const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/);
  return `keywarden: ${message}\n${suggestion ? `hint: did you mean ${suggestion[1]}?\n` : ''}`;
}

/**
 * Runs one command line and returns the exit code; the one place errors become exit codes. Every byte it writes
 * goes through one Output, past one redactor. An interrupt the run took in (finishing a guarded step first) is exit
 * 130 whatever the command returned.
 */
export async function main(argv: string[], runtime: Runtime, version: string): Promise<number> {
  const redactor = new Redactor();
  const { interrupts } = runtime;
  const output = new Output({
    stdout: runtime.streams.stdout,
    stderr: runtime.streams.stderr,
    redactor,
    githubActions: runtime.env.GITHUB_ACTIONS === 'true',
    onStdoutClosed: () => interrupts.stop(new OutputClosedError()),
    stdoutDiscarded: runtime.stdoutDiscarded,
  });
  interrupts.speakThrough((line) => output.message(line));
  const state = buildProgram(runtime, version, output, redactor);
  const debug = argv.includes('--debug');
  let code: number;
  try {
    await state.program.parseAsync(argv, { from: 'user' });
    if (!state.result) {
      // a command group without its subcommand, or no command at all
      state.program.outputHelp({ error: true });
      return ExitCode.usage;
    }
    code = await state.result;
  } catch (error) {
    code = reportError(error, output, debug);
  }
  return interrupts.interrupted ? ExitCode.interrupted : code;
}

function reportError(error: unknown, output: Output, debug: boolean): number {
  const write = (line: string): void => output.message(line);
  // the reader of stdout went away: stop quietly, as `head` expects
  if (error instanceof OutputClosedError || (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return ExitCode.ok;
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof KeywardenError) {
    write(`keywarden: ${error.message}`);
    if (error.hint) write(`hint: ${error.hint}`);
    if (debug && error.stack) for (const line of error.stack.split('\n').slice(1)) write(line);
    return error.exitCode;
  }
  // a prompt cancelled with Ctrl-C, or a request aborted by it
  const name = (error as Error | undefined)?.name;
  if (name === 'ExitPromptError' || name === 'AbortError') {
    write('keywarden: interrupted');
    return ExitCode.interrupted;
  }
  write(`keywarden: unexpected error: ${(error as Error)?.message ?? String(error)}`);
  if (debug) for (const line of String((error as Error)?.stack).split('\n')) write(line);
  else write('hint: run again with --debug for details, and report it if it persists');
  return ExitCode.failure;
}
