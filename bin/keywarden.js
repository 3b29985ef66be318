#!/usr/bin/env node
// Thin shim: `--version` answers from package.json alone; everything else loads the built CLI.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const version = () => JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

if (argv.length === 1 && ['--version', '-v', '-V'].includes(argv[0])) {
  process.stdout.write(`${version()}\n`);
} else {
  const { runProcess } = await import('../dist/main.js');
  process.exitCode = await runProcess(argv, version());
}
