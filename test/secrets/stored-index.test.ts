import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { StoredIndex } from '../../src/secrets/stored-index.js';
import { SecretStoreError } from '../../src/secrets/store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function newIndex(): StoredIndex {
  const dir = mkdtempSync(join(tmpdir(), 'kw-index-'));
  dirs.push(dir);
  return new StoredIndex(join(dir, 'state', 'stored-secrets.json'));
}

describe('StoredIndex', () => {
  test('add, lookup, list and remove, in a 0600 JSON file', async () => {
    const index = newIndex();
    expect(index.lookup('prod/k1')).toBeUndefined();
    expect(index.list()).toEqual([]);

    const at = new Date('2025-01-31T12:00:00Z');
    await index.add('prod/k2', 'file', at);
    await index.add('prod/k1', 'keychain', at);
    expect(index.lookup('prod/k1')).toEqual({ store: 'keychain', stored_at: '2025-01-31T12:00:00.000Z' });
    expect(index.list()).toEqual([
      { account: 'prod/k1', store: 'keychain', stored_at: '2025-01-31T12:00:00.000Z' },
      { account: 'prod/k2', store: 'file', stored_at: '2025-01-31T12:00:00.000Z' },
    ]);
    expect(statSync(index.path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(index.path, 'utf8')).secrets['prod/k2']).toEqual({
      store: 'file',
      stored_at: '2025-01-31T12:00:00.000Z',
    });

    expect(await index.remove('prod/k1')).toBe(true);
    expect(await index.remove('prod/k1')).toBe(false);
    expect(new StoredIndex(index.path).list().map((entry) => entry.account)).toEqual(['prod/k2']);
    expect(readdirSync(join(index.path, '..'))).toEqual(['stored-secrets.json']);
  });

  test('adds at once lose nothing', async () => {
    const index = newIndex();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        new StoredIndex(index.path).add(`p/k${String(i).padStart(2, '0')}`, 'keychain'),
      ),
    );
    expect(index.list()).toHaveLength(12);
  });

  test('a damaged index is a clear error', async () => {
    const index = newIndex();
    await index.add('p/k', 'keychain');
    writeFileSync(index.path, '{"secrets": {"p/k": {"store": "paper"}}}');
    expect(() => index.lookup('p/k')).toThrow(SecretStoreError);
    expect(() => index.lookup('p/k')).toThrow(`${index.path} is not a valid index of stored secrets`);
  });
});
