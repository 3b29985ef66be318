const hidden = '[secret]';

/**
 * A new key's secret, tainted from the moment it arrives: it prints as `[secret]` in a template, a concatenation,
 * JSON or a debugger, so no message, trace or document can carry it by accident. The raw value comes out only
 * through `expose()`, which the secret keeper (to a store), --deliver (on a child's stdin) and the one-time reveal
 * call, and nothing else.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  expose(): string {
    return this.#value;
  }

  equals(other: string | undefined): boolean {
    return other === this.#value;
  }

  toString(): string {
    return hidden;
  }

  toJSON(): string {
    return hidden;
  }

  [Symbol.toPrimitive](): string {
    return hidden;
  }

  // util.inspect.custom, by the name Node documents for it: importing node:util costs every run a little
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${hidden})`;
  }
}
