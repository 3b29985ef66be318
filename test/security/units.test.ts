import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { Interrupts } from '../../src/interrupts.js';
import { csvCell, inert, safeJson, safeJsonLines, tsvField } from '../../src/render/inert.js';
import { childEnvironment } from '../../src/secrets/child-env.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { Secret } from '../../src/secrets/secret.js';
import { recordWithoutSecret } from '../../src/providers/without-secret.js';
import type { KeyRecord } from '../../src/providers/types.js';

const secret = 'sk_live_4f9a1c2b7d4e5f60a1b2c3d4';

describe('a Secret', () => {
  test('never shows its value by accident: template, concatenation, JSON, inspect', () => {
    const value = new Secret(secret);
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions, @typescript-eslint/restrict-plus-operands -- the coercions under test
    for (const shown of [`${value}`, 'x' + value, JSON.stringify({ value }), inspect(value), String(value)])
      expect(shown).not.toContain(secret);
    expect(value.expose()).toBe(secret);
  });
});

describe('the redactor', () => {
  test('masks a value, its JSON-escaped and its URL-encoded forms', () => {
    const redactor = new Redactor();
    const odd = 'ab"c/d e\\f&g';
    redactor.add(odd);
    for (const form of [odd, JSON.stringify(odd).slice(1, -1), encodeURIComponent(odd)])
      expect(redactor.redact(`<${form}>`)).toBe('<***>');
  });

  test('values shorter than four characters are not masked', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    expect(redactor.redact('abc')).toBe('abc');
  });

  test('a stream is masked across chunk boundaries, wherever the secret is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 6 }),
        fc.string(),
        fc.string(),
        (cuts, before, after) => {
          const redactor = new Redactor();
          redactor.add(secret);
          const text = `${before}${secret}${after}${secret}`;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points, text.length]
            .slice(1)
            .map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));
          const stream = redactor.stream();
          const out = chunks.map((chunk) => stream.push(chunk)).join('') + stream.end();
          expect(out).not.toContain(secret);
          expect(out).toBe(redactor.redact(text));
        },
      ),
    );
  });
});

describe('a key record from a create answer', () => {
  const record: KeyRecord = {
    id: 'key_1',
    name: null,
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
    usage_tracked: true,
  };
  test('holds the secret in no field: a field that is the secret or holds it is cut, or dropped', () => {
    const cut = recordWithoutSecret(
      {
        ...record,
        name: `billing (${secret})`,
        prefix: secret,
        hint: `…${secret.slice(-6)}`,
        owner: secret,
        environment: 'live',
        scopes: ['a', secret],
        ip_allowlist: [secret],
      },
      secret,
    );
    expect(JSON.stringify(cut)).not.toContain(secret);
    expect(cut).toMatchObject({
      name: null,
      prefix: 'sk_live_',
      hint: `…${secret.slice(-6)}`,
      owner: null,
      environment: 'live',
      scopes: ['a'],
      ip_allowlist: [],
    });
  });
});

describe('inert text', () => {
  test('controls, escape sequences, bidi and invisible characters become visible escapes', () => {
    expect(inert('a\x1b]52;c;eA==\x07b')).toBe('a\\x1b]52;c;eA==\\x07b');
    expect(inert('\x9b2J \u202e \u200b \t\n\r')).toBe('\\x9b2J \\u202e \\u200b \\t\\n\\r');
    expect(inert('👩‍👩‍👧 日本語 café')).toBe('👩‍👩‍👧 日本語 café');
  });

  test('tsv fields can add no column or row; csv cells run no formula', () => {
    expect(tsvField('a\tb\nc\\')).toBe('a\\tb\\nc\\\\');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2+3,x')).toBe(`"'-2+3,x"`);
    expect(csvCell('plain')).toBe('plain');
  });

  test('JSON keeps the data and escapes what JSON.stringify leaves live', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const json = safeJson({ text });
        expect(JSON.parse(json)).toEqual({ text });
        expect(json).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      }),
    );
  });

  test('JSON lines of a batch are the lines safeJson writes for each value', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ unit: 'binary' }), n: fc.integer() })), (values) => {
        expect(safeJsonLines(values)).toBe(values.map((value) => `${safeJson(value)}\n`).join(''));
      }),
    );
  });
});

describe("a child process's environment", () => {
  test('has no keywarden credential, by name or by value', () => {
    const redactor = new Redactor();
    redactor.add('registered-secret-value');
    const env = childEnvironment(
      {
        PATH: '/bin',
        KEYWARDEN_TOKEN: 'tok-1234',
        KEYWARDEN_TOKEN_PROD_EU: 'tok-5678',
        KEYWARDEN_FILE_PASSPHRASE: 'passphrase',
        KEYWARDEN_MANIFEST_ORG: 'org-1',
        KEYWARDEN_PROFILE: 'prod',
        COPY: 'Bearer tok-1234',
        OTHER: 'has registered-secret-value inside',
      },
      redactor,
    );
    expect(env).toEqual({ PATH: '/bin', KEYWARDEN_PROFILE: 'prod' });
  });
});

describe('interrupts', () => {
  test('outside guarded steps the first one stops the run; a second is the person insisting', () => {
    const interrupts = new Interrupts();
    expect(interrupts.interrupt()).toBe('stopping');
    expect(interrupts.signal.reason).toBeInstanceOf(InterruptedError);
    expect(interrupts.interrupt()).toBe('insisting');
  });

  test('during a guarded step: deferred, then said what is waited for, then forced after its last action; the run stops after the step', async () => {
    const said: string[] = [];
    const interrupts = new Interrupts();
    interrupts.speakThrough((line) => said.push(line));
    let release!: () => void;
    let shown = false;
    const step = interrupts.guard('the create', async (guarded) => {
      guarded.waitingFor('the answer');
      guarded.beforeForcedStop(() => (shown = true));
      await new Promise<void>((resolve) => {
        release = resolve;
        guarded.signal.addEventListener('abort', () => resolve());
      });
      return guarded.signal.aborted;
    });
    expect(interrupts.interrupt()).toBe('waiting');
    expect(interrupts.interrupt()).toBe('waiting');
    expect(interrupts.signal.aborted).toBe(false);
    expect(said).toEqual([
      'keywarden: interrupted; finishing the create first, so that no secret is lost',
      'keywarden: still waiting for the answer; interrupt once more to stop without waiting',
    ]);
    expect(interrupts.interrupt()).toBe('forced');
    expect(shown).toBe(true);
    expect(await step).toBe(true);
    expect(interrupts.signal.aborted).toBe(true);
    release();
  });

  test('a step that ends after an interrupt stops the run then; no new step begins once stopping', async () => {
    const interrupts = new Interrupts();
    let finish!: () => void;
    const step = interrupts.guard('x', () => new Promise<void>((resolve) => (finish = resolve)));
    interrupts.interrupt();
    expect(interrupts.signal.aborted).toBe(false);
    finish();
    await step;
    expect(interrupts.signal.aborted).toBe(true);
    await expect(interrupts.guard('y', async () => 1)).rejects.toBeInstanceOf(InterruptedError);
  });
});
