import type { CommandSpec } from '../cli/spec.js';

export const auditCommand: CommandSpec = {
  name: 'audit',
  group: 'keys',
  summary: 'findings about every key, for a security review or a CI gate',
  description:
    'Checks every key against the rules: too old, idle, never used, expired, no expiry, expiring soon, broad scopes, no IP allowlist, duplicate names. Findings alone never fail the run unless --fail-on says so (exit 3). Under GitHub Actions it also writes annotations and a job summary.',
  options: [
    { flags: '--all-profiles', description: 'every profile of the config file, queried at once' },
    { flags: '--max-age <duration>', description: 'keys created longer ago than this need rotating (default 90d)' },
    { flags: '--max-idle <duration>', description: 'keys last used longer ago than this are idle (default 45d)' },
    { flags: '--expiring-within <duration>', description: 'keys expiring within this need rotating soon (default 14d)' },
    { flags: '--policy <file>', description: 'a JSON policy: rules on or off, severities, thresholds, waivers' },
    { flags: '--fail-on <severity>', description: 'exit 3 when a finding is at or above low, medium or high', choices: ['low', 'medium', 'high'] },
  ],
  examples: [
    { note: 'findings for the current profile, grouped by severity', command: 'keywarden audit' },
    { note: 'a CI gate on every profile, as SARIF for code scanning', command: 'keywarden audit --all-profiles --fail-on high -o sarif > keywarden.sarif', exits: 3 },
    { note: 'stricter limits, as markdown for a pull request', command: 'keywarden audit --max-age 60d --max-idle 30d -o markdown' },
  ],
  load: async () => (await import('./audit.js')).run,
};
