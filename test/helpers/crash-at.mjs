// Loaded with `node --import`: kills the process with SIGKILL when a rotation passes the point named in
// $KW_TEST_CRASH_AT (published on the keywarden:rotation diagnostics channel), like a CI runner losing its machine.
import { subscribe } from 'node:diagnostics_channel';

subscribe('keywarden:rotation', ({ point }) => {
  if (point === process.env.KW_TEST_CRASH_AT) process.kill(process.pid, 'SIGKILL');
});
