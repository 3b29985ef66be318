import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, binPath } from '../helpers/binary.js';
import { isolatedEnv } from '../helpers/cli.js';
import { runArgvInTerminal, runInTerminal } from '../helpers/pty.js';
import { useSandbox } from '../helpers/sandbox.js';

/**
 * Key names, ids and error text come from the provider: whatever they hold, nothing keywarden prints executes on a
 * terminal, runs as a spreadsheet formula, or adds a row to tab-separated output. Each format is read back through a
 * real pseudo-terminal, byte for byte.
 */

const hostile: Record<string, string> = {
  'clear screen': 'clear \x1b[2J\x1b[H',
  'window title': 'title \x1b]0;pwned\x07',
  'clipboard (OSC 52)': 'clip \x1b]52;c;ZWNobyBwd25lZA==\x07',
  'hidden text': 'hide \x1b[8mINVISIBLE\x1b[0m',
  hyperlink: 'link \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\',
  'C1 control': 'c1 \x9b2J',
  formula: "=cmd|' /C calc'!A0",
  'formula link': '=HYPERLINK("https://evil.example/","x")',
  'forged row': 'forged\tactive\nkey_forged\tforged',
  'bidi override': 'bidi \u202etxt.exe',
};

const sandbox = useSandbox({ keys: 0, seed: 'hostile' });
const home = isolatedEnv({ NO_COLOR: '1' });
const env = () => ({ ...home, KEYWARDEN_TOKEN: sandbox.current.token });
const dialnexa = () => ['--provider', 'dialnexa', '--base-url', sandbox.current.baseUrl('dialnexa')];

/** Anything a terminal would act on: C0 controls but tab and line breaks, DEL, C1, bidirectional controls. */
const live = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

beforeAll(() => {
  assertBuilt();
  const old = Date.now() - 200 * 86_400_000;
  for (const name of Object.values(hostile))
    Object.assign(sandbox.current.accounts.dialnexa.create({ name }), { createdAt: old });
});

function expectInert(output: string): void {
  const found = live.exec(output);
  expect(
    found,
    found
      ? `a live ${JSON.stringify(found[0])} at ${found.index}: ${JSON.stringify(output.slice(Math.max(0, found.index - 20), found.index + 20))}`
      : '',
  ).toBeNull();
  expect(output).not.toContain('INVISIBLE\x1b');
}

describe('hostile key names, read back through a real terminal', () => {
  test('the table on a terminal shows each as visible escapes, cut to fit or whole with --wide', async () => {
    const cut = await runInTerminal([...dialnexa(), 'list'], env(), []);
    expect(cut.code).toBe(0);
    expectInert(cut.output);
    const { code, output } = await runInTerminal([...dialnexa(), 'list', '--wide'], env(), []);
    expect(code).toBe(0);
    expectInert(output);
    expect(output).toContain('\\x1b]52;c;ZWNobyBwd25lZA==\\x07');
    expect(output).toContain('\\u202etxt.exe');
  });

  test('tab-separated output in a pipe: one line a key, six fields each, whatever a name holds', async () => {
    const { code, output } = await runArgvInTerminal(
      ['sh', '-c', `'${process.execPath}' '${binPath}' ${dialnexa().join(' ')} list | cat`],
      env(),
    );
    expect(code).toBe(0);
    expectInert(output);
    const lines = output.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(Object.keys(hostile).length);
    for (const line of lines) expect(line.split('\t')).toHaveLength(6);
    expect(output).toContain('forged\\tactive\\nkey_forged\\tforged');
  });

  test('csv: inert cells, and formulas defused with a leading quote', async () => {
    const { code, output } = await runInTerminal([...dialnexa(), 'list', '-o', 'csv'], env(), []);
    expect(code).toBe(0);
    expectInert(output);
    expect(output).toContain(`,'=cmd|' /C calc'!A0,`);
    expect(output).toContain(`"'=HYPERLINK(""https://evil.example/"",""x"")"`);
    expect(output.split('\r\n').filter(Boolean)).toHaveLength(1 + Object.keys(hostile).length);
  });

  test('json and ndjson: the same names, escaped as JSON allows, no character live', async () => {
    for (const format of ['json', 'ndjson']) {
      const { code, output } = await runInTerminal([...dialnexa(), 'list', '-o', format], env(), []);
      expect(code).toBe(0);
      expectInert(output);
      const names =
        format === 'json'
          ? (JSON.parse(output) as { name: string }[]).map((k) => k.name)
          : output
              .split('\r\n')
              .filter(Boolean)
              .map((l) => (JSON.parse(l) as { name: string }).name);
      expect(names.sort()).toEqual(Object.values(hostile).sort());
    }
  });

  test('audit as markdown and as a table', async () => {
    for (const format of ['markdown', 'table']) {
      const { code, output } = await runInTerminal([...dialnexa(), 'audit', '-o', format, '--wide'], env(), []);
      expect(code).toBe(0);
      expectInert(output);
      expect(output).toContain('\\x1b]0;pwned\\x07');
    }
  });

  test('what a --deliver command prints is shown inert too', async () => {
    const deliver = "printf 'said \\033]52;c;cHduZWQ=\\007 and \\033[2J\\n'; cat > /dev/null";
    const { code, output } = await runInTerminal(
      [...dialnexa(), 'create', 'deliver hostile', '--store', 'none', '--deliver', deliver, '-o', 'json'],
      env(),
      [],
    );
    expect(code).toBe(0);
    expectInert(output);
    expect(output).toContain('deliver: said \\x1b]52;c;cHduZWQ=\\x07 and \\x1b[2J');
  });
});

describe('a hostile error answer', () => {
  let server: ReturnType<typeof createServer>;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          statusCode: 401,
          message: 'denied \x1b]52;c;cHduZWQ=\x07\x1b[2J\u202eevil',
          error: 'Unauthorized',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('is one inert line naming the provider and endpoint', async () => {
    const { code, output } = await runInTerminal(['--provider', 'dialnexa', '--base-url', url, 'list'], env(), []);
    expect(code).toBe(4);
    expectInert(output);
    expect(output).toContain(
      'keywarden: dialnexa: GET /api-keys: 401 denied \\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\u202eevil',
    );
  });
});
