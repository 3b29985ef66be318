import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, repoRoot } from '../helpers/binary.js';
import { runCli } from '../helpers/cli.js';

/**
 * The help pages the build writes for the bin to answer a pipe from (scripts/help-pages.mjs): every line they answer
 * prints, byte for byte, what the CLI itself prints for it in a pipe; and every way of asking for help has a page.
 */

beforeAll(assertBuilt);

interface Pages {
  width: number;
  texts: string[];
  forms: Record<string, number>;
}
const pages = (): Pages => JSON.parse(readFileSync(join(repoRoot, 'dist/cli/help-pages.json'), 'utf8')) as Pages;

describe('help pages for a pipe', () => {
  test('each line a page answers prints that page, as the CLI prints it', async () => {
    const { texts, forms } = pages();
    expect(Object.keys(forms).length).toBeGreaterThan(40);
    for (const [form, page] of Object.entries(forms)) {
      const argv = form === '' ? [] : form.split('\u0000');
      const { code, stdout } = await runCli(argv);
      expect(code, form).toBe(0);
      expect(texts[page], argv.join(' ')).toBe(stdout);
    }
  });

  test('every command has a page for --help, -h and help <command>', () => {
    const { forms } = pages();
    for (const path of [['list'], ['profile', 'add'], ['respond'], ['rotate']]) {
      for (const argv of [
        [...path, '--help'],
        [...path, '-h'],
        ['help', ...path],
      ])
        expect(forms[argv.join('\u0000')], argv.join(' ')).toBeDefined();
    }
    // a command line that runs something has none
    for (const argv of [['list'], ['--no-color', '--help'], ['profile', 'add', 'x', '--help']])
      expect(forms[argv.join('\u0000')], argv.join(' ')).toBeUndefined();
  });
});
