// Loaded by the bench with `node --import`: at exit, writes this process's peak RSS in kilobytes to fd 3.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS}\n`);
  } catch {
    // fd 3 is not open: not run by the bench
  }
});
