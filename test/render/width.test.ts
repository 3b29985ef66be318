import { describe, expect, test } from 'vitest';
import { displayWidth, truncateToWidth, wrapToWidth } from '../../src/render/width.js';

describe('display width', () => {
  test('wide characters and emoji take two columns; combining marks and colour codes none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('🔑 deploy')).toBe(9);
    expect(displayWidth('👩‍💻')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
  });

  test('truncation ends in … within the width, never through a character or an emoji sequence', () => {
    expect(truncateToWidth('short', 10)).toBe('short');
    expect(truncateToWidth('Production Server', 10)).toBe('Productio…');
    // a wide character that would cross the edge is left out whole
    expect(truncateToWidth('日本語のキー名', 6)).toBe('日本…');
    expect(displayWidth(truncateToWidth('日本語のキー名', 6))).toBeLessThanOrEqual(6);
    expect(truncateToWidth('👩‍💻👩‍💻👩‍💻', 5)).toBe('👩‍💻👩‍💻…');
    expect(truncateToWidth('abc', 1)).toBe('…');
    expect(truncateToWidth('abc', 0)).toBe('');
  });

  test('wrapping breaks at spaces, and a word wider than a line where it must', () => {
    expect(wrapToWidth('created 120 days ago; rotate keys at least every 90 days', 24).join('\n')).toBe(
      'created 120 days ago;\nrotate keys at least\nevery 90 days',
    );
    expect(wrapToWidth('short', 24)).toEqual(['short']);
    expect(wrapToWidth('a c0b00000-0000-4000-8000-000000000008 b', 10)).toEqual([
      'a',
      'c0b00000-0',
      '000-4000-8',
      '000-000000',
      '000008 b',
    ]);
    for (const line of wrapToWidth('キーの名前はとても長いです 🔑🔑🔑🔑', 7))
      expect(displayWidth(line)).toBeLessThanOrEqual(7);
  });
});
