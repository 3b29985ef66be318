import { describe, expect, test } from 'vitest';
import { nestedDeeperThan } from '../../src/providers/api.js';

/** A provider's answer nested `depth` levels deep: lists and objects by turns. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { inner: value };
  return value;
}

describe('how deep an answer nests', () => {
  test('up to the limit is fine; one level more is not, however it nests', () => {
    expect(nestedDeeperThan(nested(64), 64)).toBe(false);
    expect(nestedDeeperThan(nested(65), 64)).toBe(true);
    expect(nestedDeeperThan({ data: [{ id: 'a' }, { id: 'b', scopes: [] }], meta: { total: 2 } }, 4)).toBe(false);
    expect(nestedDeeperThan({ data: [{ id: 'a' }, { id: 'b', scopes: [[]] }] }, 4)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
  });

  test('an answer far too deep for recursion is walked without overflowing the stack', () => {
    expect(nestedDeeperThan(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), 64)).toBe(true);
  });
});
