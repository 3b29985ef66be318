import { describe, expect, test } from 'vitest';
import { renderTable, type TableColumn } from '../../src/render/table.js';
import { displayWidth } from '../../src/render/width.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { useSandbox } from '../helpers/sandbox.js';

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (text: string): string => text.replace(ansi, '');
const widest = (text: string): number => Math.max(...plain(text).split('\n').map(displayWidth));

const sandbox = useSandbox({ keys: 0, seed: 'tables' });
const home = isolatedEnv();

const names = [
  'Production billing worker for the European region, eu-west-1, with a very long name indeed',
  '日本語のキー名前：本番環境の請求ワーカー',
  '🔑 deploy bot 👩‍💻 on-call 🚀',
  'short',
];

describe('tables fit the terminal', () => {
  test.each([40, 60, 80, 200])(
    'list at %i columns: no line wider, every key identifiable by what is shown',
    async (columns) => {
      const account = sandbox.current.accounts.edgedns;
      if (account.keys.length === 0) {
        for (const name of names)
          account.create({
            name,
            scopes: ['dns:read', 'dns:write', 'zones:admin'],
            environment: 'live',
            ipAllowlist: [],
          });
      }
      const { code, stdout, stderr } = await runCli(
        ['--provider', 'edgedns', '--base-url', sandbox.current.baseUrl('edgedns'), 'list'],
        {
          env: { ...home, KEYWARDEN_TOKEN: sandbox.current.token },
          tty: true,
          columns,
        },
      );
      expect(stderr).toContain('4 keys');
      expect(code).toBe(0);
      expect(widest(stdout)).toBeLessThanOrEqual(columns);
      const rows = plain(stdout)
        .split('\n')
        .filter((line) => line.startsWith('│ '));
      expect(rows).toHaveLength(5);
      // the first column is the id, whole or cut to a prefix that is unique and a valid key reference
      const shownIds = rows.slice(1).map((row) => row.split('│')[1]!.trim().replace(/…$/, ''));
      const ids = account.keys.map((k) => k.id);
      for (const shown of shownIds) {
        expect(shown.length).toBeGreaterThanOrEqual(4);
        expect(ids.filter((id) => id.startsWith(shown))).toHaveLength(1);
      }
      if (columns === 200) {
        expect(stdout).toContain(names[1]);
        expect(stdout).toContain(names[2]);
      }
      expect(stderr).toContain('--wide shows every column in full');
    },
  );

  test('--wide shows every column and whole cells whatever the width; a pipe shows every key whole, one a line', async () => {
    const args = ['--provider', 'edgedns', '--base-url', sandbox.current.baseUrl('edgedns'), 'list'];
    const env = { ...home, KEYWARDEN_TOKEN: sandbox.current.token };
    const wide = await runCli([...args, '--wide'], { env, tty: true, columns: 40 });
    for (const name of names) expect(wide.stdout).toContain(name);
    expect(plain(wide.stdout)).toContain('SCOPES');
    const piped = await runCli(args, { env });
    const lines = piped.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const name of names) expect(lines.some((line) => line.split('\t')[1] === name)).toBe(true);
  });
});

describe('the layout', () => {
  const columns: TableColumn[] = [
    { header: 'ID', fit: 'id' },
    { header: 'NAME', fit: 'truncate' },
    { header: 'STATUS', fit: 'fixed', drop: 1 },
    { header: 'NOTE', fit: 'wrap', drop: 2 },
  ];
  const bold = (text: string): string => text;
  const rows = [
    [
      { text: 'key_aaaa1111' },
      { text: '日本語のキー名前' },
      { text: 'active' },
      { text: 'a note long enough to be wrapped over lines' },
    ],
    [{ text: 'key_aaab2222' }, { text: 'short' }, { text: 'expired' }, { text: 'short note' }],
  ];

  test('as wide as its content without a width; the columns that give way shrink first, ids to a unique prefix', () => {
    const full = renderTable(columns, rows, { bold });
    expect(full.clipped).toBe(false);
    expect(full.text).toContain('a note long enough to be wrapped over lines');
    const narrow = renderTable(columns, rows, { width: 50, bold });
    expect(widest(narrow.text)).toBeLessThanOrEqual(50);
    expect(narrow.clipped).toBe(true);
    expect(narrow.text).toContain('key_aaaa1111');
    const narrower = renderTable(columns, rows, { width: 24, bold });
    expect(widest(narrower.text)).toBeLessThanOrEqual(24);
    // the dropped columns go first, the highest drop first; the ids keep their unique part
    expect(narrower.text).not.toContain('NOTE');
    expect(narrower.text).not.toContain('STATUS');
    expect(narrower.text).toMatch(/key_aaaa…|key_aaaa1111/);
    expect(narrower.text).toMatch(/key_aaab…|key_aaab2222/);
  });

  test('a wrapped column breaks its lines at spaces and keeps the rows aligned', () => {
    const wrapped = renderTable(columns, rows, { width: 60, bold });
    const lines = plain(wrapped.text).split('\n').filter(Boolean);
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
  });
});
