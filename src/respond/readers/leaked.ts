import { Secret } from '../../secrets/secret.js';
import type { Leaked } from '../findings.js';

export function whole(text: string): Leaked {
  return { kind: 'whole', secret: new Secret(text) };
}

export function partial(head: string, tail: string, length: number | null): Leaked {
  return { kind: 'partial', head: new Secret(head), tail: new Secret(tail), length };
}

export function hidden(): Leaked {
  return { kind: 'hidden' };
}
