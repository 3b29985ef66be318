import { text } from '../command-spec.js';

/** The flags several commands share, declared once. */

export const deliverOption = text(
  '--deliver <command>',
  'run through the shell with the secret on stdin (KEYWARDEN_KEY_ID, KEYWARDEN_KEY_NAME, KEYWARDEN_PROFILE set)',
);
