#!/usr/bin/env node
// Part of `npm run build`, after the command index: every help page as a pipe shows it (80 columns), and every
// command line that asks for one, in dist/cli/help-pages.json, which the bin answers from without loading the CLI.
// Which lines ask for help is decided by the CLI's own helpRequest, so the bin never answers one the CLI would not.
import { writeFileSync } from 'node:fs';
import { rootExamples } from '../dist/cli.js';
import { commandDeclarations } from '../dist/cli/commands.js';
import { helpFor, helpRequest } from '../dist/cli/help.js';

const width = 80; // what help is laid out at when stdout is not a terminal
const commands = await commandDeclarations();
const style = { heading: (text) => text };

/** Every command's path of names, the root's first. */
const paths = [[]];
const walk = (list, above) => {
  for (const command of list) {
    const path = [...above, command.name];
    paths.push(path);
    walk(command.subcommands ?? [], path);
  }
};
walk(commands, []);

const texts = [];
const forms = {};
for (const path of paths) {
  const page = texts.push(helpFor(path, commands, rootExamples, width, style)) - 1;
  for (const argv of [path, [...path, '--help'], [...path, '-h'], ['help', ...path]]) {
    const asked = helpRequest(argv, commands);
    if (asked && asked.path.join(' ') === path.join(' ')) forms[argv.join('\u0000')] = page;
    // the bin looks a line up only where it may ask for help (see bin/keywarden.js): a page it would never find is a bug
    if (argv.length > 2 && argv[0] !== 'help' && !argv.at(-1).startsWith('-'))
      throw new Error(`help for ${argv.join(' ')} would be missed`);
  }
}
writeFileSync(new URL('../dist/cli/help-pages.json', import.meta.url), `${JSON.stringify({ width, texts, forms })}\n`);
