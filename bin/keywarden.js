#!/usr/bin/env node
// The bin, in CommonJS (bin/package.json), which Node starts faster than an ES module. `--version` answers from
// package.json alone, and help in a pipe is the text the build laid out at 80 columns (scripts/help-pages.mjs);
// everything else, help on a terminal among it, loads the built CLI, dist/cli.js.
'use strict';
const { fstatSync, readFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const argv = process.argv.slice(2);
const version = () => JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;

// process.stdout is not made here: for a pipe it loads Node's streams and net, which took longer than the answer.

/** Whether stdout may be a terminal: a character device (/dev/null is one too, and gets the CLI's own answer). */
function stdoutMayBeTerminal() {
  try {
    return fstatSync(1).isCharacterDevice();
  } catch {
    return true;
  }
}

/** All of `text` on stdout; a reader that stops early (`keywarden --help | head -1`) ends it quietly. */
function writeOut(text) {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length;) {
    try {
      at += writeSync(1, bytes, at);
    } catch (error) {
      if (error.code === 'EPIPE') return;
      if (error.code !== 'EAGAIN') {
        process.stderr.write(`keywarden: cannot write to stdout (${error.code ?? error.message})\n`);
        process.exitCode = 1;
        return;
      }
      // a pipe that does not block: the stream waits for it
      process.stdout.on('error', () => undefined);
      process.stdout.write(bytes.subarray(at));
      return;
    }
  }
}

/** The help this command line asks for, as the build wrote it for a pipe; undefined for anything else. */
function helpForPipe() {
  if (stdoutMayBeTerminal()) return undefined;
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
  writeOut(`${version()}\n`);
} else {
  const help = helpForPipe();
  if (help !== undefined) {
    writeOut(help);
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
