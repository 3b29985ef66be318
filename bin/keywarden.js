#!/usr/bin/env node
// The bin, in CommonJS (bin/package.json), which Node starts faster than an ES module. `--version` answers from
// package.json alone, and help in a pipe is the text the build laid out at 80 columns (scripts/help-pages.mjs);
// everything else, help on a terminal among it, loads the built CLI, dist/cli.js.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const argv = process.argv.slice(2);
const version = () => JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;

/** The help this command line asks for, as the build wrote it for a pipe; undefined for anything else. */
function helpForPipe() {
  if (process.stdout.isTTY) return undefined;
  // what can ask for help: nothing, `help ...`, `... --help`, or a group's names alone (no flag)
  const last = argv[argv.length - 1];
  const mayAsk =
    argv.length === 0 ||
    argv[0] === 'help' ||
    last === '--help' ||
    last === '-h' ||
    (argv.length <= 2 && argv.every((word) => !word.startsWith('-')));
  if (!mayAsk) return undefined;
  let pages;
  try {
    pages = JSON.parse(readFileSync(join(__dirname, '..', 'dist', 'cli', 'help-pages.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const page = pages.forms[argv.join('\u0000')];
  return page === undefined ? undefined : pages.texts[page];
}

if (argv.length === 1 && ['--version', '-v', '-V'].includes(argv[0])) {
  process.stdout.write(`${version()}\n`);
} else {
  const help = helpForPipe();
  if (help !== undefined) {
    // a reader that stops early (`keywarden --help | head -1`) ends the help quietly
    process.stdout.on('error', () => undefined);
    process.stdout.write(help);
  } else {
    import('../dist/cli.js').then(
      async ({ runProcess }) => (process.exitCode = await runProcess(argv, version())),
      (error) => {
        process.stderr.write(`keywarden: cannot load dist/cli.js (${error.message}); run npm run build\n`);
        process.exitCode = 1;
      },
    );
  }
}
