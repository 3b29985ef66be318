#!/usr/bin/env node
// Part of `npm run build`: every command's declaration (flags, help, examples) written to dist/cli/commands.json,
// which help, completion and the command tree read, so that they load no command code.
import { writeFileSync } from 'node:fs';
import { declarationsFromModules, indexUrl } from '../dist/cli/commands.js';

writeFileSync(indexUrl, `${JSON.stringify(await declarationsFromModules())}\n`);
