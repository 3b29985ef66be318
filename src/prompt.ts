import type { Streams } from './util/streams.js';

/** Questions for the person at the terminal. Injected, so tests can drive them through a pseudo-terminal or a fake. */
export interface Prompter {
  /** yes or no; the default is no */
  confirm(message: string): Promise<boolean>;
  /** a line typed without echo, and no way to show it */
  secret(message: string): Promise<string>;
}

/** Prompts from @inquirer on stdin, drawn on stderr so stdout keeps only the result. */
export function terminalPrompter(streams: Streams, signal: AbortSignal): Prompter {
  const context = { input: streams.stdin, output: streams.stderr, signal };
  return {
    async confirm(message) {
      const { default: confirm } = await import('@inquirer/confirm');
      return confirm({ message, default: false }, context);
    },
    async secret(message) {
      const { default: password } = await import('@inquirer/password');
      // no echo, no mask characters that count the length, and no ctrl+t to show what was typed
      return password({ message, mask: false, toggleMask: false }, context);
    },
  };
}
