import type { CommandSpec } from '../cli/spec.js';

export const sandboxCommand: CommandSpec = {
  name: 'sandbox',
  group: 'more',
  summary: "serve a simulator of every built-in provider's API on loopback",
  description: 'Serves stateful simulators of every built-in provider on one loopback port until Ctrl-C, so keywarden (and a rotation job) can be tried without a real account. The banner gives each base URL and the admin token.',
  options: [
    { flags: '--port <n>', description: 'the port to listen on, 0 for any free one (default 4010)' },
    { flags: '--keys <n>', description: 'keys seeded per provider (default 25)' },
    { flags: '--latency <ms>', description: 'a delay added to every answer' },
    { flags: '--seed <seed>', description: 'the seed of the generated keys' },
    { flags: '--fail-every <n>', description: 'answer every Nth request with --fail-status' },
    { flags: '--fail-status <code>', description: 'the status for --fail-every (default 503)' },
    { flags: '--retry-after <seconds>', description: 'Retry-After sent with those failures' },
    { flags: '--rate-limit-reset <seconds>', description: 'X-RateLimit-Reset sent with those failures, this many seconds ahead' },
    { flags: '--rate-limit-remaining <n>', description: 'X-RateLimit-Remaining sent with those failures' },
    { flags: '--reset-every <n>', description: 'drop the connection of every Nth request' },
    { flags: '--stall-every <n>', description: 'never answer every Nth request' },
    { flags: '--bad-json-every <n>', description: 'answer every Nth request with a body that is not JSON' },
    { flags: '--lose-answer-every <n>', description: 'carry out every Nth request, then drop the connection unanswered' },
  ],
  examples: [
    { note: 'on any free port, 50 keys a provider', command: 'keywarden sandbox --port 0 --keys 50', serves: true },
    { note: 'slow and flaky, to test a rotation job', command: 'keywarden sandbox --port 0 --latency 200 --fail-every 5', serves: true },
  ],
  load: async () => (await import('./sandbox.js')).run,
};
