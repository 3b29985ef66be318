// Loaded with `node --import`: writes the process's peak resident memory (in bytes) to $KW_MAX_RSS_FILE as it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => writeFileSync(process.env.KW_MAX_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));
