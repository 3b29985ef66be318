import type { Streams } from './context.js';

/** Questions for the person at the terminal. Injected, so tests can drive them through a pseudo-terminal or a fake. */
export interface Prompter {
  /** yes or no; the default is no */
  confirm(message: string): Promise<boolean>;
  /** a line typed without echo */
  secret(message: string): Promise<string>;
}

/** Prompts from @inquirer/prompts on stdin, drawn on stderr so stdout keeps only the result. */
export function terminalPrompter(streams: Streams, signal: AbortSignal): Prompter {
  const context = { input: streams.stdin, output: streams.stderr, signal };
  return {
    async confirm(message) {
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message, default: false }, context);
    },
    async secret(message) {
      const { password } = await import('@inquirer/prompts');
      return password({ message, mask: false }, context);
    },
  };
}
