import { once } from 'node:events';
import type { Context } from '../context.js';
import { codeOf, UsageError } from '../errors.js';
import { done, type Outcome } from '../outcome.js';
import { safeJson } from '../render/inert.js';
import { sandboxGithubOrg } from '../sandbox/github-org.js';
import { npmSandboxAccount } from '../sandbox/npm.js';
import {
  defaultSandboxToken,
  sandboxProviders,
  simulatedProviders,
  startSandbox,
  vendorSimulators,
} from '../sandbox/server.js';
import { sandboxTwilioAccountSid } from '../sandbox/twilio.js';
import { command, text, type Input } from '../command-spec.js';

const flags = {
  port: text('--port <n>', 'the port to listen on, 0 for any free one (default 4010)'),
  keys: text('--keys <n>', 'keys seeded per provider (default 25)'),
  latency: text('--latency <ms>', 'a delay added to every answer'),
  seed: text('--seed <seed>', 'the seed of the generated keys'),
  failEvery: text('--fail-every <n>', 'answer every Nth request with --fail-status'),
  failStatus: text('--fail-status <code>', 'the status for --fail-every (default 503)'),
  retryAfter: text('--retry-after <seconds>', 'Retry-After sent with those failures'),
  rateLimitReset: text(
    '--rate-limit-reset <seconds>',
    'X-RateLimit-Reset sent with those failures, this many seconds ahead',
  ),
  rateLimitRemaining: text('--rate-limit-remaining <n>', 'X-RateLimit-Remaining sent with those failures'),
  resetEvery: text('--reset-every <n>', 'drop the connection of every Nth request'),
  stallEvery: text('--stall-every <n>', 'never answer every Nth request'),
  badJsonEvery: text('--bad-json-every <n>', 'answer every Nth request with a body that is not JSON'),
  loseAnswerEvery: text('--lose-answer-every <n>', 'carry out every Nth request, then drop the connection unanswered'),
};

export const sandboxCommand = command({
  name: 'sandbox',
  group: 'more',
  summary: "serve a simulator of every built-in provider's API on loopback",
  description:
    'Serves stateful simulators of every built-in provider on one loopback port until Ctrl-C, so keywarden (and a rotation job) can be tried without a real account. The banner gives each base URL and the admin token.',
  options: flags,
  examples: [
    { note: 'on any free port, 50 keys a provider', command: 'keywarden sandbox --port 0 --keys 50', serves: true },
    {
      note: 'slow and flaky, to test a rotation job',
      command: 'keywarden sandbox --port 0 --latency 200 --fail-every 5',
      serves: true,
    },
  ],
  run: sandbox,
});

function count(text: string | undefined, flag: string, max = 1_000_000, min = 0): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > max || Number(text) < min)
    throw new UsageError(`${flag}: '${text}' is not a whole number from ${min} to ${max}`);
  return Number(text);
}

/** sandbox: serves a simulator of every built-in provider on loopback until interrupted. */
async function sandbox(ctx: Context, options: Input<{ options: typeof flags }>): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json'] as const);
  const token = ctx.env.KEYWARDEN_TOKEN || defaultSandboxToken;
  const sandbox = await startSandbox({
    port: count(options.port, '--port', 65535) ?? 4010,
    keys: count(options.keys, '--keys'),
    latencyMs: count(options.latency, '--latency', 60_000),
    seed: options.seed,
    token,
    faults: {
      failEvery: count(options.failEvery, '--fail-every'),
      failStatus: count(options.failStatus, '--fail-status', 599, 400),
      retryAfterSeconds: count(options.retryAfter, '--retry-after', 3600),
      rateLimitResetSeconds: count(options.rateLimitReset, '--rate-limit-reset', 3600),
      rateLimitRemaining: count(options.rateLimitRemaining, '--rate-limit-remaining'),
      resetEvery: count(options.resetEvery, '--reset-every'),
      stallEvery: count(options.stallEvery, '--stall-every'),
      badJsonEvery: count(options.badJsonEvery, '--bad-json-every'),
      loseAnswerEvery: count(options.loseAnswerEvery, '--lose-answer-every'),
    },
  }).catch((error: unknown) => {
    if (codeOf(error) === 'EADDRINUSE')
      throw new UsageError(
        `--port: ${options.port ?? 4010} is in use`,
        'pick another with --port, or --port 0 for any free one',
      );
    throw error;
  });

  const baseUrls = Object.fromEntries(sandboxProviders.map((p) => [p, sandbox.baseUrl(p)]));
  // what a profile of these providers needs besides the base URL and the admin token
  const settings = { twilio: { account_sid: sandboxTwilioAccountSid }, 'github-org': { org: sandboxGithubOrg } };
  const muxToken = '<any id>:<admin token>';
  if (out.format === 'json') {
    // one line, so a script can read it while the sandbox serves on
    await out.text(
      `${safeJson({ url: sandbox.url, base_urls: baseUrls, settings, npm_account: npmSandboxAccount, mux_token: muxToken })}\n`,
    );
  } else {
    const lines = [
      `keywarden sandbox: a simulator of each built-in provider on ${sandbox.url}`,
      ...simulatedProviders.map((p) => `  ${p.padEnd(12)} ${baseUrls[p]}`),
      ...vendorSimulators.map((p) => `  ${p.padEnd(12)} ${baseUrls[p]}`),
      `profile settings: twilio account_sid=${sandboxTwilioAccountSid}; github-org org=${sandboxGithubOrg}`,
      `npm account: ${npmSandboxAccount.username}, password ${npmSandboxAccount.password}; mux takes the admin token as ${muxToken}`,
      ctx.env.KEYWARDEN_TOKEN
        ? 'admin token: the value of KEYWARDEN_TOKEN'
        : `admin token: ${defaultSandboxToken} (the sandbox's well-known default; set KEYWARDEN_TOKEN to choose one)`,
      `try: KEYWARDEN_TOKEN=${ctx.env.KEYWARDEN_TOKEN ? '...' : defaultSandboxToken} keywarden --provider dialnexa --base-url ${baseUrls.dialnexa} list`,
      'Ctrl-C stops it.',
    ];
    for (const line of lines) ctx.note(line);
  }
  try {
    if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
  } finally {
    await sandbox.close();
  }
  return done;
}
