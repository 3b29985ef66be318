/** What a registered value becomes in anything keywarden writes. */
export const mask = '***';

/** Values shorter than this are not masked: masking "abc" everywhere would garble output and hide nothing. */
const shortest = 4;

/**
 * Knows every secret value the run has seen (admin tokens, new keys' secrets, the file passphrase, values a
 * manifest reads from the environment) and masks them in every byte keywarden writes: stdout, stderr, journals,
 * the index, the config file, reports and --deliver output. It also masks the forms a value takes when JSON or a
 * URL escapes it.
 */
export class Redactor {
  private readonly values = new Set<string>();
  private longestValue = 0;

  add(value: string | undefined | null): void {
    if (!value || value.length < shortest) return;
    for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
      if (this.values.has(form)) continue;
      this.values.add(form);
      this.longestValue = Math.max(this.longestValue, form.length);
    }
  }

  /** The longest registered form, so a stream knows how much it must hold back. */
  get longest(): number {
    return this.longestValue;
  }

  redact(text: string, except?: string): string {
    let out = text;
    for (const value of this.values) {
      if (value !== except && out.includes(value)) out = out.split(value).join(mask);
    }
    return out;
  }

  /** A redactor for text that arrives in chunks, where a secret may be split across two of them. */
  stream(): StreamRedactor {
    return new StreamRedactor(this);
  }

  /** The length of the longest end of `text` that is the start of a registered value: what a stream holds back. */
  partialTail(text: string): number {
    const longest = Math.min(text.length, this.longestValue - 1);
    for (let length = longest; length > 0; length--) {
      const tail = text.slice(text.length - length);
      for (const value of this.values) if (value.startsWith(tail)) return length;
    }
    return 0;
  }
}

/**
 * Redacts a stream of chunks: each chunk is masked together with what was held back from the one before, and the
 * end of it that could be the start of a secret is held back in turn, until the next chunk or the end.
 */
export class StreamRedactor {
  private held = '';

  constructor(private readonly redactor: Redactor) {}

  push(chunk: string): string {
    const text = this.redactor.redact(this.held + chunk);
    const keep = this.redactor.partialTail(text);
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  end(): string {
    const rest = this.redactor.redact(this.held);
    this.held = '';
    return rest;
  }
}
