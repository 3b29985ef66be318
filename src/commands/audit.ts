import { appendFile } from 'node:fs/promises';
import { parseAt } from '../audit/at.js';
import { readBaseline } from '../audit/baseline.js';
import type { ProfileKeys } from '../audit/findings.js';
import { expiredWaivers, loadPolicy } from '../audit/policy.js';
import { auditDocument, buildReport, summaryLine, type AuditReport, type ProfileError } from '../audit/report.js';
import { atOrAbove } from '../audit/severity.js';
import { ruleIds } from '../audit/rules.js';
import { day } from '../audit/wording.js';
import type { Context } from '../context.js';
import { reasonOf, UsageError } from '../errors.js';
import type { Key } from '../providers/types.js';
import { connect } from '../credentials.js';
import { allProfiles, resolveProfile, type Profile } from '../profiles.js';
import { profileKeys } from '../providers/listing.js';
import { safeJson } from '../render/inert.js';
import type { Presenter } from '../render/present.js';
import type { Outcome } from '../outcome.js';
import { forEachProfile } from './profiles-at-once.js';
import { choice, command, flag, text, type Input } from '../command-spec.js';

const options = {
  allProfiles: flag('--all-profiles', 'every profile of the config file, queried at once'),
  maxAge: text('--max-age <duration>', 'keys created longer ago than this need rotating (default 90d)'),
  maxIdle: text('--max-idle <duration>', 'keys last used longer ago than this are idle (default 45d)'),
  expiringWithin: text('--expiring-within <duration>', 'keys expiring within this need rotating soon (default 14d)'),
  policy: text('--policy <file>', 'a JSON policy: rules on or off, severities, thresholds, waivers'),
  failOn: choice('--fail-on <severity>', 'exit 3 when a finding is at or above low, medium or high', [
    'high',
    'medium',
    'low',
  ] as const),
  at: text('--at <date>', 'the audit as it stands at this date, past or future: ISO 8601, or +30d / -30d from now'),
  baseline: text(
    '--baseline <file>',
    'an earlier audit -o json: report the keys new and removed, and the findings new, gone and unchanged since then',
  ),
  failOnNew: choice(
    '--fail-on-new <severity>',
    'with --baseline: exit 3 when a finding at or above low, medium or high is new since then',
    ['high', 'medium', 'low'] as const,
  ),
};
export type AuditOptions = Input<{ options: typeof options }>;

export const auditCommand = command({
  name: 'audit',
  group: 'keys',
  summary: 'findings about every key, for a security review or a CI gate',
  description: `Checks every key against the rules (${ruleIds.join(', ')}). Findings alone never fail the run unless --fail-on or --fail-on-new says so (exit 3). Under GitHub Actions it also writes annotations and a job summary.`,
  options,
  examples: [
    { note: 'findings for the current profile, grouped by severity', command: 'keywarden audit' },
    {
      note: 'a CI gate on every profile, as SARIF for code scanning',
      command: 'keywarden audit --all-profiles --fail-on high -o sarif > keywarden.sarif',
      exits: 3,
    },
    {
      note: 'stricter limits, as markdown for a pull request',
      command: 'keywarden audit --max-age 60d --max-idle 30d -o markdown',
    },
    {
      note: 'what changed since the audit saved in last.json (keywarden audit -o json > last.json)',
      command: 'keywarden audit --baseline last.json -o markdown',
    },
    {
      note: 'one page for a review: what we hold, what is wrong, what changed, what comes next',
      command: 'keywarden audit --all-profiles --baseline last.json -o html > review.html',
    },
  ],
  run: audit,
});

const formats = ['table', 'json', 'csv', 'markdown', 'sarif', 'html', 'cyclonedx'] as const;

/**
 * audit: findings about every key of the profile(s). Exit 3 when a finding is at or above --fail-on; that decision
 * wins over exit 1 for a profile that could not be audited, because the findings found are real either way and
 * the profile's error is in the report. --fail-on-new decides the same way, over the findings new since --baseline.
 * Without either, findings alone never fail the run.
 */
async function audit(ctx: Context, options: AuditOptions): Promise<Outcome> {
  const out = ctx.presenter(formats);
  const { failOn, failOnNew } = options;
  const now = ctx.now();
  // --at moves the moment every age is measured to; the report is still made now
  const at = options.at === undefined ? undefined : parseAt(options.at, now);
  const measured = at ?? now;
  if (failOnNew !== undefined && options.baseline === undefined)
    throw new UsageError('--fail-on-new needs --baseline, the earlier audit to compare with');
  const policy = await loadPolicy(options);
  const baseline = options.baseline === undefined ? undefined : await readBaseline(options.baseline);
  if (baseline?.keys === null)
    ctx.note(
      `keywarden: warning: --baseline ${baseline.file} lists no keys (an older keywarden wrote it): new and removed keys are not compared`,
    );
  for (const waiver of expiredWaivers(policy, measured)) {
    const expires = day(waiver.expires.toISOString());
    ctx.note(
      waiver.expires.getTime() > now.getTime()
        ? `keywarden: warning: the policy's waiver of ${waiver.rule} for key ${waiver.keyId} expires ${expires}, before --at ${day(measured.toISOString())}, so it does not apply to this audit (${waiver.reason})`
        : `keywarden: warning: the policy's waiver of ${waiver.rule} for key ${waiver.keyId} expired ${expires} and no longer applies (${waiver.reason})`,
    );
  }

  const profiles = options.allProfiles ? await allProfiles(ctx) : [await resolveProfile(ctx)];
  const { scans, errors, outcome } = await scanProfiles(ctx, profiles);
  const report = buildReport({ now, at, policy, scans, errors, baseline });

  await out.text(await render(ctx, out, report, measured, profiles));
  // a terminal table ends with the summary already; elsewhere it goes to stderr, for the person reading the log
  if (!out.forPerson) ctx.note(summaryLine(report));
  if (ctx.env.GITHUB_ACTIONS === 'true') {
    const { workflowAnnotations } = await import('../audit/annotations.js');
    for (const line of workflowAnnotations(report.findings, report.errors)) ctx.note(line);
    // the job summary holds every finding; a run that prints markdown already is writing it there itself
    const summaryFile = ctx.env.GITHUB_STEP_SUMMARY;
    if (summaryFile && out.format !== 'markdown') {
      const { auditMarkdown } = await import('../audit/markdown.js');
      await appendFile(summaryFile, ctx.redact(`${auditMarkdown(report)}\n`)).catch((error: unknown) => {
        ctx.note(`keywarden: warning: the job summary could not be written to ${summaryFile} (${reasonOf(error)})`);
      });
    }
  }

  if (failOn !== undefined && report.findings.some((f) => atOrAbove(f.severity, failOn))) return { kind: 'findings' };
  if (failOnNew !== undefined && report.baseline?.newFindings.some((f) => atOrAbove(f.severity, failOnNew)))
    return { kind: 'findings' };
  return outcome;
}

async function render(
  ctx: Context,
  out: Presenter<(typeof formats)[number]>,
  report: AuditReport,
  now: Date,
  profiles: readonly Profile[],
): Promise<string> {
  switch (out.format) {
    case 'json':
      return `${safeJson(auditDocument(report), 2)}\n`;
    case 'csv':
      return (await import('../audit/csv.js')).auditCsv(report);
    case 'markdown':
      return (await import('../audit/markdown.js')).auditMarkdown(report);
    case 'html':
      return (await import('../audit/html.js')).auditHtml(report, {
        version: ctx.version,
        profiles: profiles.map((p) => p.name),
      });
    case 'sarif':
      return `${safeJson((await import('../audit/sarif.js')).auditSarif(report), 2)}\n`;
    case 'cyclonedx': {
      const { auditCyclonedx } = await import('../audit/cyclonedx.js');
      // the profile's provider names the supplier, a manifest's as much as a built-in's
      const suppliers = new Map(profiles.map((p) => [p.name, p.definition.displayName]));
      const supplier = (key: Key): string => suppliers.get(key.profile) ?? key.provider;
      return `${safeJson(auditCyclonedx(report, { version: ctx.version, supplier }), 2)}\n`;
    }
    case 'table': {
      const { auditLines, auditTable } = await import('../audit/table.js');
      if (!out.forPerson) return auditLines(report);
      return auditTable(report, await ctx.style(), now, (columns, rows) => out.layout(columns, rows));
    }
  }
}

/** Lists every profile's keys at once; a profile that fails is reported and the others are still audited. */
async function scanProfiles(
  ctx: Context,
  profiles: Profile[],
): Promise<{ scans: ProfileKeys[]; errors: ProfileError[]; outcome: Outcome }> {
  const scans: ProfileKeys[] = [];
  const { outcome, failures } = await forEachProfile(ctx, profiles, async (profile) => {
    const provider = await connect(ctx, profile);
    const keys = await profileKeys(provider, profile.name);
    scans.push({
      profile: profile.name,
      provider: profile.definition.id,
      capabilities: profile.definition.capabilities,
      keys,
    });
  });
  // the report lists profiles in the order they were given, whichever answered first
  scans.sort(
    (a, b) => profiles.findIndex((p) => p.name === a.profile) - profiles.findIndex((p) => p.name === b.profile),
  );
  return { scans, errors: failures, outcome };
}
