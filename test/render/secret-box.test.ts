import { describe, expect, test } from 'vitest';
import { secretBox } from '../../src/handover/reveal.js';
import type { Key } from '../../src/providers/types.js';
import { Style } from '../../src/render/style.js';
import { displayWidth } from '../../src/render/width.js';
import { Secret } from '../../src/secrets/secret.js';

const key = (name: string): Key => ({
  provider: 'edgedns',
  profile: 'edgedns',
  id: 'key_0123456789abcdef',
  name,
  status: 'active',
  created_at: null,
  last_used_at: null,
  expires_at: null,
  revoked_at: null,
  prefix: null,
  hint: null,
  environment: null,
  scopes: [],
  owner: null,
  ip_allowlist: null,
  usage_tracked: false,
});
const style = new Style(0, () => new Date());
const handover = {
  stored: 'keychain:keywarden/edgedns/key_0123456789abcdef',
  delivered: false,
  mustShow: false,
  problems: [],
};

describe('the one-time secret box', () => {
  test.each(['本番環境の請求ワーカー', '🔑 deploy bot 👩‍💻', 'plain name'])('lines up whatever the name (%s)', (name) => {
    const text = secretBox(style, key(name), new Secret('edns_live_0123456789abcdefghij'), handover);
    const lines = text.split('\n').filter(Boolean);
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
    expect(text).toContain('edns_live_0123456789abcdefghij');
  });

  test('too narrow for a box: the same lines without it, the secret whole on a line of its own, where it went whole', () => {
    const secret = `mux_${'k'.repeat(120)}`;
    const lines = secretBox(style, key('a long name for a narrow terminal'), new Secret(secret), handover, 40).split(
      '\n',
    );
    expect(lines).toContain(secret);
    expect(lines).toContain(`Stored in ${handover.stored}`);
    expect(lines.some((line) => line.includes('│'))).toBe(false);
  });
});
