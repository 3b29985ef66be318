import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ExitCode, UsageError } from '../../src/errors.js';
import type { Finding, Leaked, ReadResult } from '../../src/respond/findings.js';
import { maxInputBytes, readFindings } from '../../src/respond/readers/index.js';

/**
 * The readers of secret-scanner reports for `keywarden respond`: every format's findings, told apart by content, and
 * every malformed report refused with a message that names the place and never the secret. The reports are built
 * here, after the formats' sources (research notes, section B); no assertion prints a secret when it fails: secrets
 * are compared as booleans, and a failing property reports its seed, not its example.
 */

const fake = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;
const sha = (n: number): string => String(n).repeat(40).slice(0, 40);

type ExpectedLeak =
  | { kind: 'whole'; secret: string }
  | { kind: 'partial'; head: string; tail: string; length: number | null }
  | { kind: 'hidden' };

function expectLeak(leaked: Leaked, expected: ExpectedLeak, label: string): void {
  expect(leaked.kind, label).toBe(expected.kind);
  if (leaked.kind === 'whole' && expected.kind === 'whole')
    expect(leaked.secret.expose() === expected.secret, `${label}: the secret`).toBe(true);
  if (leaked.kind === 'partial' && expected.kind === 'partial') {
    expect(leaked.head.expose() === expected.head, `${label}: the head`).toBe(true);
    expect(leaked.tail.expose() === expected.tail, `${label}: the tail`).toBe(true);
    expect(leaked.length, `${label}: the length`).toBe(expected.length);
  }
}

/** a finding without its leak: what may be compared, and printed, as it is */
const facts = ({ leaked: _leaked, ...rest }: Finding): Omit<Finding, 'leaked'> => rest;

const nowhere = { file: null, commit: null, line: null, url: null };

/** whether any of the secrets, or a 10-character piece of one, is in the text */
function holdsAny(text: string, secrets: string[]): boolean {
  return secrets.some((secret) => {
    for (let at = 0; at + 10 <= secret.length; at++) if (text.includes(secret.slice(at, at + 10))) return true;
    return text.includes(secret);
  });
}

function expectSilentAbout(error: UsageError, secrets: string[]): void {
  const told = [error.message, error.hint ?? '', error.stack ?? '', String(error), inspect(error)].join('\n');
  expect(holdsAny(told, secrets), 'the error tells (part of) a secret').toBe(false);
}

/**
 * The usage error readFindings throws, checked first for telling none of the secrets, so that one that does fails
 * here without being printed.
 */
function refusal(text: string, secrets: string[], source = 'scan.json'): UsageError {
  let caught: unknown;
  try {
    readFindings(text, source);
  } catch (error) {
    caught = error;
  }
  expect(caught instanceof UsageError, 'a usage error').toBe(true);
  expectSilentAbout(caught as UsageError, secrets);
  return caught as UsageError;
}

/** a property's failure told by its seed and path, which reproduce it, not by its example, which holds a secret */
function holds<Ts>(property: fc.IProperty<Ts>, numRuns = 200): void {
  const details = fc.check(property, { numRuns });
  const why = details.errorInstance instanceof Error ? details.errorInstance.name : 'a failed predicate';
  expect(details.failed, `fails (${why}) with { seed: ${details.seed}, path: '${details.counterexamplePath}' }`).toBe(
    false,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// TruffleHog v3 --json (pkg/output/json.go): Go encoding/json of protobuf structs, one object a line

interface TruffleHogFields {
  kind: string;
  place: Record<string, unknown>;
  detector: string;
  verified: boolean;
  raw: string;
  rawV2?: string;
  verificationError?: string;
}

function truffleHogLine(f: TruffleHogFields): string {
  return JSON.stringify({
    SourceMetadata: { Data: { [f.kind]: f.place } },
    SourceID: 1,
    SourceType: 16,
    SourceName: 'trufflehog - git',
    DetectorType: 2,
    DetectorName: f.detector,
    DetectorDescription: `${f.detector} keys can have varying amount of access`,
    DecoderName: 'PLAIN',
    Verified: f.verified,
    ...(f.verificationError === undefined ? {} : { VerificationError: f.verificationError }),
    VerificationFromCache: false,
    Raw: f.raw,
    RawV2: f.rawV2 ?? '',
    Redacted: '',
    ExtraData: null,
    StructuredData: null,
    SecretParts: { key: f.raw },
  });
}

const logLine = (msg: string): string =>
  JSON.stringify({ level: 'info-0', ts: '2025-06-01T12:00:00Z', logger: 'trufflehog', msg, chunks: 1200 });

describe('TruffleHog', () => {
  const aws = fake('AKIA');
  const stripe = fake('sk_test_');
  const github = fake('ghp_');
  const repo = 'https://github.com/example-org/example-repo.git';
  const link = `https://github.com/example-org/example-repo/blob/${sha(1)}/scripts/deploy.sh#L12`;
  const lines = [
    truffleHogLine({
      kind: 'Git',
      place: { commit: sha(1), file: 'config/aws.env', email: 'Dev <dev@example.com>', repository: repo, line: 3 },
      detector: 'AWS',
      verified: false,
      raw: aws,
      rawV2: `${aws}:${fake('wJalr')}`,
    }),
    truffleHogLine({
      kind: 'Filesystem',
      place: { file: '/home/dev/project/.env', line: 7 },
      detector: 'Stripe',
      verified: false,
      verificationError: 'unexpected HTTP response status 500',
      raw: stripe,
    }),
    truffleHogLine({
      kind: 'Github',
      place: { link, repository: repo, commit: sha(1), file: 'scripts/deploy.sh', line: 12, visibility: 1 },
      detector: 'Github',
      verified: true,
      raw: github,
    }),
  ];

  test('stdout alone: a finding a line, with its secret (Raw), detector, verification and location', () => {
    const { scanner, findings } = readFindings(`${lines.join('\n')}\n`, 'th.jsonl');
    expect(scanner).toBe('trufflehog');
    expect(findings.map(facts)).toEqual([
      {
        scanner: 'trufflehog',
        source: 'th.jsonl',
        index: 1,
        detector: 'AWS',
        verified: false,
        location: { file: 'config/aws.env', commit: sha(1), line: 3, url: repo },
      },
      {
        scanner: 'trufflehog',
        source: 'th.jsonl',
        index: 2,
        detector: 'Stripe',
        verified: null, // the check failed: TruffleHog's "unknown"
        location: { file: '/home/dev/project/.env', commit: null, line: 7, url: null },
      },
      {
        scanner: 'trufflehog',
        source: 'th.jsonl',
        index: 3,
        detector: 'Github',
        verified: true,
        location: { file: 'scripts/deploy.sh', commit: sha(1), line: 12, url: link },
      },
    ]);
    [aws, stripe, github].forEach((secret, i) => expectLeak(findings[i]!.leaked, { kind: 'whole', secret }, `#${i}`));
  });

  test('with 2>&1: the zap log lines in between are skipped, and the findings still counted 1, 2, 3', () => {
    const mixed = [
      logLine('running source'),
      lines[0],
      logLine('scanning'),
      logLine('scanning more'),
      lines[1],
      lines[2],
      logLine('finished scanning'),
    ].join('\r\n');
    const { scanner, findings } = readFindings(mixed, '-');
    expect(scanner).toBe('trufflehog');
    expect(findings.map((f) => [f.index, f.detector, f.source])).toEqual([
      [1, 'AWS', '-'],
      [2, 'Stripe', '-'],
      [3, 'Github', '-'],
    ]);
    expectLeak(findings[1]!.leaked, { kind: 'whole', secret: stripe }, 'Stripe');
  });

  test('RawV2 only when Raw is empty', () => {
    const v2 = `${fake('id')}:${fake('secret')}`;
    const text = truffleHogLine({ kind: 'Git', place: {}, detector: 'AWS', verified: false, raw: '', rawV2: v2 });
    const [finding] = readFindings(text, 'th.jsonl').findings;
    expectLeak(finding!.leaked, { kind: 'whole', secret: v2 }, 'RawV2');
    expect(finding!.location).toEqual(nowhere);
  });

  test('only log lines (nothing found) and a single finding alone are TruffleHog reports too', () => {
    expect(readFindings(`${logLine('running source')}\n${logLine('finished scanning')}\n`, 'th')).toEqual({
      scanner: 'trufflehog',
      findings: [],
    });
    const one = readFindings(lines[2]!, 'th');
    expect([one.scanner, one.findings.length, one.findings[0]!.detector]).toEqual(['trufflehog', 1, 'Github']);
  });

  test('other sources: the file and link of whatever kind SourceMetadata.Data holds', () => {
    const secret = fake('xoxb-');
    const s3 = truffleHogLine({
      kind: 'S3',
      place: { bucket: 'b', file: 'dump/app.env', link: 'https://b.s3.amazonaws.com/dump/app.env' },
      detector: 'Slack',
      verified: false,
      raw: secret,
    });
    const docker = truffleHogLine({
      kind: 'Docker',
      place: { file: '/app/.env', image: 'example/app', layer: 'sha256:ab', tag: 'latest' },
      detector: 'Slack',
      verified: false,
      raw: secret,
    });
    expect(readFindings(`${s3}\n${docker}`, 'th').findings.map((f) => f.location)).toEqual([
      { file: 'dump/app.env', commit: null, line: null, url: 'https://b.s3.amazonaws.com/dump/app.env' },
      { file: '/app/.env', commit: null, line: null, url: null },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// ggshield secret scan --json (secret_json_output_handler.py, doc/schemas/secret.json)

/** ggshield/core/filter.py, censor_string */
function censor(text: string): string {
  const chars = Array.from(text);
  const n = chars.length;
  if (n <= 2) return '*'.repeat(n);
  if (n === 3) return `**${chars[2]}`;
  const end = Math.min(Math.ceil(n / 6), 60);
  return chars.map((c, i) => (i < end || i >= n - end || /[+\-\s]/u.test(c) ? c : '*')).join('');
}

const occurrence = (match: string, line: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  match,
  type: 'apikey',
  line_start: line,
  line_end: line,
  index_start: 14,
  index_end: 14 + match.length,
  ...extra,
});

const incident = (
  type: string,
  validity: string,
  occurrences: Record<string, unknown>[],
  url = '',
): Record<string, unknown> => ({
  policy: 'Secrets detection',
  occurrences,
  type,
  validity,
  ignore_sha: randomBytes(32).toString('hex'),
  total_occurrences: occurrences.length,
  incident_url: url,
  known_secret: url !== '',
  ignore_reason: null,
  secret_vaulted: false,
});

const entity = (filename: string, incidents: Record<string, unknown>[], mode = 'FILE'): Record<string, unknown> => ({
  mode,
  filename,
  incidents,
  total_incidents: incidents.length,
  total_occurrences: incidents.length,
});

const pathScan = (entities: Record<string, unknown>[]): string =>
  JSON.stringify(
    {
      id: '.',
      type: 'path_scan',
      entities_with_incidents: entities,
      total_incidents: entities.length,
      total_occurrences: entities.length,
      secrets_engine_version: '2.130.0',
    },
    null,
    2,
  );

describe('ggshield', () => {
  const token = fake('ghp_'); // 28 characters: ggshield keeps 5 at each end
  const generic = fake('kw_FAKE_');
  const dashboard = 'https://dashboard.gitguardian.com/workspace/1/incidents/123456';
  const scan = (show: (secret: string) => string): string =>
    pathScan([
      entity('scripts/deploy.sh', [incident('GitHub Token', 'valid', [occurrence(show(token), 12)], dashboard)]),
      entity('config/app.env', [
        incident('Generic High Entropy Secret', 'no_checker', [occurrence(show(generic), 4)]),
        incident('Generic High Entropy Secret', 'invalid', [occurrence(show(generic), 9)]),
      ]),
    ]);

  test('censored (the default): the head, tail and length the censoring keeps', () => {
    const { scanner, findings } = readFindings(scan(censor), 'gg.json');
    expect(scanner).toBe('ggshield');
    expect(findings.map(facts)).toEqual([
      {
        scanner: 'ggshield',
        source: 'gg.json',
        index: 1,
        detector: 'GitHub Token',
        verified: true,
        location: { file: 'scripts/deploy.sh', commit: null, line: 12, url: dashboard },
      },
      {
        scanner: 'ggshield',
        source: 'gg.json',
        index: 2,
        detector: 'Generic High Entropy Secret',
        verified: null,
        location: { file: 'config/app.env', commit: null, line: 4, url: null },
      },
      {
        scanner: 'ggshield',
        source: 'gg.json',
        index: 3,
        detector: 'Generic High Entropy Secret',
        verified: false,
        location: { file: 'config/app.env', commit: null, line: 9, url: null },
      },
    ]);
    const ends = (secret: string, n: number): ExpectedLeak => ({
      kind: 'partial',
      head: secret.slice(0, n),
      tail: secret.slice(-n),
      length: secret.length,
    });
    expectLeak(findings[0]!.leaked, ends(token, Math.ceil(token.length / 6)), 'token');
    expectLeak(findings[1]!.leaked, ends(generic, Math.ceil(generic.length / 6)), 'generic');
  });

  test('--show-secrets: the whole secret', () => {
    const { findings } = readFindings(
      scan((secret) => secret),
      'gg.json',
    );
    expectLeak(findings[0]!.leaked, { kind: 'whole', secret: token }, 'token');
    expectLeak(findings[2]!.leaked, { kind: 'whole', secret: generic }, 'generic');
  });

  test('commit range: each commit scan gives its sha; the line is the one in the file as the commit left it', () => {
    const second = fake('sk_live_');
    const commitScan = (id: string, entities: Record<string, unknown>[]): Record<string, unknown> => ({
      id,
      type: 'commit',
      entities_with_incidents: entities,
      extra_info: { author: 'Dev', email: 'dev@example.com', date: 'Fri May 30 18:02:11 2025 +0000' },
      total_incidents: 1,
      total_occurrences: 1,
    });
    const text = JSON.stringify({
      id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
      type: 'commit-range',
      scans: [
        commitScan(sha(1), [
          entity(
            'scripts/deploy.sh',
            [incident('GitHub Token', 'valid', [occurrence(censor(token), 12, { post_line_start: 12 })])],
            'NEW',
          ),
        ]),
        commitScan(sha(2), [
          entity(
            'app/settings.py',
            [
              incident('Stripe Keys', 'failed_to_check', [
                occurrence(second, 40, { pre_line_start: 40, pre_line_end: 40, post_line_start: 41 }),
              ]),
            ],
            'MODIFY',
          ),
        ]),
      ],
      total_incidents: 2,
      total_occurrences: 2,
      secrets_engine_version: '2.130.0',
    });
    const { scanner, findings } = readFindings(text, 'range.json');
    expect(scanner).toBe('ggshield');
    expect(findings.map((f) => [f.index, f.detector, f.verified, f.location])).toEqual([
      [1, 'GitHub Token', true, { file: 'scripts/deploy.sh', commit: sha(1), line: 12, url: null }],
      [2, 'Stripe Keys', null, { file: 'app/settings.py', commit: sha(2), line: 41, url: null }],
    ]);
    expectLeak(findings[1]!.leaked, { kind: 'whole', secret: second }, 'shown');
  });

  test('a scan that found nothing has no entities_with_incidents', () => {
    const text = JSON.stringify({ id: '.', type: 'path_scan', total_incidents: 0, total_occurrences: 0 });
    expect(readFindings(text, 'gg.json')).toEqual({ scanner: 'ggshield', findings: [] });
  });

  test('any secret: censored, its ends and length; shown, the whole of it', () => {
    const secrets = fc.stringMatching(/^[A-Za-z0-9_+\-/=. ]{4,200}$/).filter((s) => s.trim() === s);
    holds(
      fc.property(secrets, (secret) => {
        const n = secret.length;
        const end = Math.min(Math.ceil(n / 6), 60);
        // censoring hides nothing when the middle is all '+', '-' and spaces: then the match is the whole secret
        const hides = /[^+\- ]/.test(secret.slice(end, n - end));
        const censored = readFindings(
          pathScan([entity('f', [incident('T', 'valid', [occurrence(censor(secret), 1)])])]),
          'g',
        ).findings[0]!.leaked;
        const expected: ExpectedLeak = hides
          ? { kind: 'partial', head: secret.slice(0, end), tail: secret.slice(n - end), length: n }
          : { kind: 'whole', secret };
        expectLeak(censored, expected, 'censored');
        const shown = readFindings(pathScan([entity('f', [incident('T', 'valid', [occurrence(secret, 1)])])]), 'g')
          .findings[0]!.leaked;
        expectLeak(shown, { kind: 'whole', secret }, 'shown');
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// gitleaks --report-format json (report/finding.go, report/json.go): an array, 1-space indent

interface GitleaksFields {
  rule: string;
  secret: string;
  file: string;
  line: number;
  commit?: string;
  link?: string;
}

const gitleaksFinding = (f: GitleaksFields): Record<string, unknown> => ({
  RuleID: f.rule,
  Description: `Identified a ${f.rule}`,
  StartLine: f.line,
  EndLine: f.line,
  StartColumn: 19,
  EndColumn: 19 + f.secret.length,
  Match: `KEY="${f.secret}"`,
  Secret: f.secret,
  File: f.file,
  SymlinkFile: '',
  Commit: f.commit ?? '',
  ...(f.link === undefined ? {} : { Link: f.link }),
  Entropy: 3.68,
  Author: f.commit === undefined ? '' : 'Dev Example',
  Email: f.commit === undefined ? '' : 'dev@example.com',
  Date: f.commit === undefined ? '' : '2025-05-30T18:02:11Z',
  Message: f.commit === undefined ? '' : 'add deploy config',
  Tags: [],
  Fingerprint: `${f.commit === undefined ? '' : `${f.commit}:`}${f.file}:${f.rule}:${f.line}`,
});

const gitleaksReport = (findings: Record<string, unknown>[]): string => JSON.stringify(findings, null, 1);

/** report/finding.go, MaskSecret (the lengths here never round a half) */
const redact = (secret: string, percent: number): string =>
  percent >= 100 ? 'REDACTED' : `${secret.slice(0, Math.round((secret.length * (100 - percent)) / 100))}...`;

describe('gitleaks', () => {
  const aws = fake('AKIA'); // 28 characters
  const pat = fake('ghp_');
  const stripe = fake('sk_test_');
  const link = `https://github.com/example-org/example-repo/blob/${sha(1)}/config/aws.env#L3`;
  const findings = (show: (secret: string) => string): Record<string, unknown>[] => [
    gitleaksFinding({
      rule: 'aws-access-token',
      secret: show(aws),
      file: 'config/aws.env',
      line: 3,
      commit: sha(1),
      link,
    }),
    gitleaksFinding({ rule: 'github-pat', secret: show(pat), file: 'scripts/deploy.sh', line: 12, commit: sha(1) }),
    gitleaksFinding({ rule: 'stripe-access-token', secret: show(stripe), file: '.env', line: 7 }),
  ];

  test('the secrets, rules and locations; no commit outside git, no link without a remote', () => {
    const { scanner, findings: read } = readFindings(gitleaksReport(findings((s) => s)), 'leaks.json');
    expect(scanner).toBe('gitleaks');
    expect(read.map(facts)).toEqual([
      {
        scanner: 'gitleaks',
        source: 'leaks.json',
        index: 1,
        detector: 'aws-access-token',
        verified: null,
        location: { file: 'config/aws.env', commit: sha(1), line: 3, url: link },
      },
      {
        scanner: 'gitleaks',
        source: 'leaks.json',
        index: 2,
        detector: 'github-pat',
        verified: null,
        location: { file: 'scripts/deploy.sh', commit: sha(1), line: 12, url: null },
      },
      {
        scanner: 'gitleaks',
        source: 'leaks.json',
        index: 3,
        detector: 'stripe-access-token',
        verified: null,
        location: { file: '.env', commit: null, line: 7, url: null },
      },
    ]);
    [aws, pat, stripe].forEach((secret, i) => expectLeak(read[i]!.leaked, { kind: 'whole', secret }, `#${i}`));
  });

  test('--redact: nothing of the secret', () => {
    const read = readFindings(gitleaksReport(findings((s) => redact(s, 100))), 'leaks.json').findings;
    expect(read.map((f) => f.leaked.kind)).toEqual(['hidden', 'hidden', 'hidden']);
    expect(read.map((f) => f.detector)).toEqual(['aws-access-token', 'github-pat', 'stripe-access-token']);
  });

  test('--redact=N: the head it keeps, no tail, no length', () => {
    const read = readFindings(gitleaksReport(findings((s) => redact(s, 75))), 'leaks.json').findings;
    expectLeak(read[0]!.leaked, { kind: 'partial', head: aws.slice(0, 7), tail: '', length: null }, 'aws');
    expectLeak(read[2]!.leaked, { kind: 'partial', head: stripe.slice(0, 8), tail: '', length: null }, 'stripe');
    // so much redacted that nothing is left but the "..."
    const all = readFindings(gitleaksReport([gitleaksFinding({ rule: 'r', secret: '...', file: 'f', line: 1 })]), 'l');
    expect(all.findings[0]!.leaked.kind).toBe('hidden');
  });

  test('nothing found: []', () => {
    expect(readFindings('[]\n', 'leaks.json')).toEqual({ scanner: 'gitleaks', findings: [] });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// GitHub secret scanning, GET /repos/{owner}/{repo}/secret-scanning/alerts (@octokit/openapi)

interface AlertFields {
  number: number;
  secret?: string;
  type: string;
  display: string;
  validity: string;
  location?: Record<string, unknown> | null;
}

const api = 'https://api.github.com/repos/example-org/example-repo';
const alertPage = (n: number): string => `https://github.com/example-org/example-repo/security/secret-scanning/${n}`;

const alert = (f: AlertFields): Record<string, unknown> => ({
  number: f.number,
  created_at: '2025-05-30T18:05:00Z',
  updated_at: '2025-05-31T09:00:00Z',
  url: `${api}/secret-scanning/alerts/${f.number}`,
  html_url: alertPage(f.number),
  locations_url: `${api}/secret-scanning/alerts/${f.number}/locations`,
  state: 'open',
  resolution: null,
  resolved_at: null,
  resolved_by: null,
  resolution_comment: null,
  secret_type: f.type,
  secret_type_display_name: f.display,
  provider: 'GitHub',
  provider_slug: 'github',
  ...(f.secret === undefined ? {} : { secret: f.secret }),
  push_protection_bypassed: false,
  validity: f.validity,
  publicly_leaked: false,
  multi_repo: false,
  is_base64_encoded: false,
  first_location_detected: f.location ?? null,
  has_more_locations: false,
  assigned_to: null,
});

const commitLocation = (path: string, line: number, commit: string): Record<string, unknown> => ({
  path,
  start_line: line,
  end_line: line,
  start_column: 14,
  end_column: 53,
  blob_sha: sha(9),
  blob_url: `${api}/git/blobs/${sha(9)}`,
  commit_sha: commit,
  commit_url: `${api}/git/commits/${commit}`,
});

describe('GitHub secret-scanning alerts', () => {
  const pat = fake('ghp_');
  const stripe = fake('sk_test_');
  const slack = fake('xoxb-');
  const comment = {
    issue_comment_url: `${api}/issues/comments/1081119451`,
    html_url: 'https://github.com/example-org/example-repo/issues/7#issuecomment-1081119451',
  };
  const alerts = (hide: boolean): Record<string, unknown>[] =>
    [
      { number: 42, secret: pat, type: 'github_personal_access_token', display: 'GitHub Personal Access Token' },
      { number: 41, secret: stripe, type: 'stripe_test_secret_key', display: 'Stripe Test API Secret Key' },
      { number: 40, secret: slack, type: 'slack_api_token', display: 'Slack API Token' },
    ].map((a, i) =>
      alert({
        ...a,
        secret: hide ? undefined : a.secret,
        validity: ['active', 'inactive', 'unknown'][i]!,
        location: [commitLocation('/scripts/deploy.sh', 12, sha(1)), comment, null][i],
      }),
    );

  test('the secrets, secret types, validity and first locations; the url is the alert page', () => {
    const { scanner, findings } = readFindings(JSON.stringify(alerts(false), null, 2), 'alerts.json');
    expect(scanner).toBe('github');
    expect(findings.map(facts)).toEqual([
      {
        scanner: 'github',
        source: 'alerts.json',
        index: 1,
        detector: 'github_personal_access_token',
        verified: true,
        // the path as the API gives it: leading slash and all
        location: { file: '/scripts/deploy.sh', commit: sha(1), line: 12, url: alertPage(42) },
      },
      {
        scanner: 'github',
        source: 'alerts.json',
        index: 2,
        detector: 'stripe_test_secret_key',
        verified: false,
        location: { file: null, commit: null, line: null, url: alertPage(41) },
      },
      {
        scanner: 'github',
        source: 'alerts.json',
        index: 3,
        detector: 'slack_api_token',
        verified: null,
        location: { file: null, commit: null, line: null, url: alertPage(40) },
      },
    ]);
    [pat, stripe, slack].forEach((secret, i) => expectLeak(findings[i]!.leaked, { kind: 'whole', secret }, `#${i}`));
  });

  test('hide_secret=true: the alerts without their secrets', () => {
    const { scanner, findings } = readFindings(JSON.stringify(alerts(true)), 'alerts.json');
    expect(scanner).toBe('github');
    expect(findings.map((f) => [f.leaked.kind, f.detector])).toEqual([
      ['hidden', 'github_personal_access_token'],
      ['hidden', 'stripe_test_secret_key'],
      ['hidden', 'slack_api_token'],
    ]);
  });

  test('gh api --paginate: pages run together, with or without newlines; numbered on across the pages', () => {
    const [a, b, c] = alerts(false).map((x) => JSON.stringify(x));
    for (const text of [`[${a},${b}][${c}]`, `[${a}]\n[${b},\n${c}]\n`, `[${a}]\n\n[]\n[${b},${c}]`]) {
      const { scanner, findings } = readFindings(text, 'pages.json');
      expect(scanner).toBe('github');
      expect(findings.map((f) => [f.index, f.location.url])).toEqual([
        [1, alertPage(42)],
        [2, alertPage(41)],
        [3, alertPage(40)],
      ]);
      expectLeak(findings[2]!.leaked, { kind: 'whole', secret: slack }, 'last page');
    }
  });

  test('a single alert (GET .../alerts/{n}), and alerts one a line (gh api --jq ".[]")', () => {
    const [a, b] = alerts(false).map((x) => JSON.stringify(x));
    const single = readFindings(a!, 'alert.json');
    expect([single.scanner, single.findings.length, single.findings[0]!.location.line]).toEqual(['github', 1, 12]);
    expectLeak(single.findings[0]!.leaked, { kind: 'whole', secret: pat }, 'single');
    const lines = readFindings(`${a}\n${b}\n`, 'alerts.jsonl');
    expect(lines.scanner).toBe('github');
    expect(lines.findings.map((f) => f.detector)).toEqual(['github_personal_access_token', 'stripe_test_secret_key']);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('plain text', () => {
  test('a secret a line: trimmed, blank lines skipped, CRLF, located by the input name and line number', () => {
    const [one, two, three] = [fake('kw_'), fake('sk_live_'), fake('ghp_')];
    const text = `\uFEFF${one}\r\n\r\n   ${two}\t\r\n \t \n${three}`;
    const { scanner, findings } = readFindings(text, 'leaked.txt');
    expect(scanner).toBe('text');
    expect(findings.map(facts)).toEqual(
      [1, 3, 5].map((line, i) => ({
        scanner: 'text',
        source: 'leaked.txt',
        index: i + 1,
        detector: null,
        verified: null,
        location: { file: 'leaked.txt', commit: null, line, url: null },
      })),
    );
    [one, two, three].forEach((secret, i) => expectLeak(findings[i]!.leaked, { kind: 'whole', secret }, `#${i}`));
  });

  test('stdin is named "-", as given', () => {
    const { findings } = readFindings('kw_0123456789abcdef\n', '-');
    expect([findings[0]!.source, findings[0]!.location.file]).toEqual(['-', '-']);
  });

  test('any secrets, any blank lines and line ends', () => {
    const secret = fc.stringMatching(/^[!-Z\\^-z|~][ -~]{0,60}$/).map((s) => s.trimEnd());
    const gap = fc.constantFrom('', ' ', '\t', '  \t ');
    const end = fc.constantFrom('\n', '\r\n');
    holds(
      fc.property(fc.array(fc.tuple(gap, secret, gap, end, fc.boolean()), { maxLength: 20 }), (rows) => {
        const text = rows.map(([pad, s, tail, eol, blank]) => `${pad}${s}${tail}${eol}${blank ? `${pad}${eol}` : ''}`);
        const { scanner, findings } = readFindings(text.join(''), 'in.txt');
        expect(scanner).toBe('text');
        expect(findings.length).toBe(rows.length);
        let line = 1;
        rows.forEach(([, s, , , blank], i) => {
          expect(findings[i]!.location.line).toBe(line);
          expectLeak(findings[i]!.leaked, { kind: 'whole', secret: s }, `line ${line}`);
          line += blank ? 2 : 1;
        });
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('detection, by content alone', () => {
  const secret = fake('ghp_');
  const reports: [name: string, text: string, scanner: ReadResult['scanner']][] = [
    [
      'TruffleHog',
      truffleHogLine({ kind: 'Git', place: {}, detector: 'Github', verified: true, raw: secret }),
      'trufflehog',
    ],
    ['ggshield', pathScan([entity('f', [incident('GitHub Token', 'valid', [occurrence(secret, 1)])])]), 'ggshield'],
    ['gitleaks', gitleaksReport([gitleaksFinding({ rule: 'github-pat', secret, file: 'f', line: 1 })]), 'gitleaks'],
    ['GitHub', JSON.stringify([alert({ number: 1, secret, type: 't', display: 'T', validity: 'active' })]), 'github'],
    ['text', `${secret}\n`, 'text'],
  ];

  test.each(reports)('%s, whatever the input is called, and after leading whitespace', (_name, text, scanner) => {
    for (const source of ['report.json', 'report.txt', 'report.sarif', '-']) {
      const read = readFindings(`\n  ${text}`, source);
      expect(read.scanner).toBe(scanner);
      expect(read.findings.length).toBe(1);
      expectLeak(read.findings[0]!.leaked, { kind: 'whole', secret }, `${scanner} as ${source}`);
    }
  });

  test('an empty input (TruffleHog found nothing) is plain text with no secrets', () => {
    expect(readFindings('', 'th.jsonl')).toEqual({ scanner: 'text', findings: [] });
    expect(readFindings(' \n\r\n', 'th.jsonl')).toEqual({ scanner: 'text', findings: [] });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('malformed reports: a usage error naming the place, never the secret', () => {
  const secret = fake('ghp_');
  const other = fake('sk_live_');
  const finding = (s: string, line = 1): Record<string, unknown> =>
    gitleaksFinding({ rule: 'github-pat', secret: s, file: 'f', line });
  const thLine = (s: string): string =>
    truffleHogLine({ kind: 'Git', place: { file: 'f', line: 1 }, detector: 'Github', verified: false, raw: s });
  const report = gitleaksReport([finding(secret), finding(other, 2)]);
  const ggOccurrences = (...occurrences: Record<string, unknown>[]): string =>
    pathScan([entity('f', [incident('GitHub Token', 'valid', occurrences)])]);
  const nested = (depth: number): string => `${'{"a":'.repeat(depth)}"${secret}"${'}'.repeat(depth)}`;
  const alertWith = (fields: Record<string, unknown>): Record<string, unknown> => ({
    ...alert({ number: 1, secret, type: 't', display: 'T', validity: 'active' }),
    ...fields,
  });

  const cases: [what: string, text: string, message: string | RegExp][] = [
    ['a secret outside quotes', `{"Raw": ${secret}}`, 'scan.json: the JSON that starts on line 1 is not valid JSON'],
    ['a report cut short', report.slice(0, report.indexOf(other) + 6), /^scan\.json: the JSON .* line 1 does not end$/],
    ['text after the report', `${report}\n${secret}\n`, /^scan\.json: line \d+: expected a JSON object or array$/],
    [
      'a JSON line that is not JSON',
      `${thLine(other)}\n${secret}\n`,
      'scan.json: line 2: expected a JSON object or array',
    ],
    [
      'a JSON line that is neither finding nor log',
      `${thLine(other)}\n${JSON.stringify({ token: secret })}`,
      'scan.json: line 2 is neither a TruffleHog finding nor a log line',
    ],
    [
      'a TruffleHog finding without Raw or RawV2',
      `${logLine('start')}\n${JSON.stringify({ DetectorName: 'Github', Raw: '', SecretParts: { key: secret } })}`,
      'scan.json: line 2 has no Raw or RawV2',
    ],
    [
      'a source kind named after the secret, with a bad line',
      JSON.stringify({ SourceMetadata: { Data: { [secret]: { line: 'three' } } }, DetectorName: 'X', Raw: other }),
      'scan.json: line 1: SourceMetadata.Data.<source>.line is not a line number',
    ],
    [
      'a gitleaks entry without Secret',
      gitleaksReport([finding(other), finding(other, 2), { ...finding(secret, 3), Secret: undefined }]),
      'scan.json: entry 3 has no Secret',
    ],
    [
      'a gitleaks Secret that is not a string',
      gitleaksReport([{ ...finding(other), Secret: [secret] }]),
      'scan.json: entry 1: Secret is not a string',
    ],
    [
      'a GitHub alert among gitleaks findings',
      JSON.stringify([finding(other), alertWith({})]),
      'scan.json: entry 2 is not a gitleaks finding, as entry 1 is',
    ],
    [
      'an array of strings',
      JSON.stringify([secret]),
      'scan.json: entry 1 is neither a gitleaks finding nor a GitHub secret-scanning alert',
    ],
    [
      'a JSON document of no known shape',
      JSON.stringify({ api_key: secret }),
      'scan.json: a JSON document, but not a report of a scanner keywarden reads',
    ],
    [
      'a ggshield occurrence without match',
      ggOccurrences(occurrence(secret, 1), { ...occurrence(other, 2), match: undefined }),
      'scan.json: entities_with_incidents[0].incidents[0].occurrences[1] has no match',
    ],
    [
      'a ggshield match that is not a string',
      ggOccurrences({ ...occurrence(other, 1), match: { value: secret } }),
      'scan.json: entities_with_incidents[0].incidents[0].occurrences[0].match is not a string',
    ],
    [
      'ggshield incidents that are not a list',
      JSON.stringify({
        id: 'x',
        type: 'commit-range',
        scans: [{ id: sha(1), type: 'commit', entities_with_incidents: [{ filename: 'f', incidents: { secret } }] }],
      }),
      'scan.json: scans[0].entities_with_incidents[0].incidents is not a list',
    ],
    [
      'a GitHub secret that is not a string',
      JSON.stringify([alertWith({ secret: { value: secret } })]),
      'scan.json: entry 1: secret is not a string',
    ],
    [
      'a GitHub start_line that is not a line number',
      JSON.stringify([alertWith({}), alertWith({ first_location_detected: { path: secret, start_line: -1 } })]),
      'scan.json: entry 2: first_location_detected.start_line is not a line number',
    ],
    [
      'an array, then an object',
      `${JSON.stringify([alertWith({})])}\n${JSON.stringify(alertWith({}))}`,
      'scan.json: line 2 holds an object where line 1 holds an array: not one report',
    ],
    ['JSON nested absurdly deep', nested(100), 'scan.json: the JSON on line 1 nests deeper than 64 levels'],
  ];

  test.each(cases)('%s', (_what, text, message) => {
    const error = refusal(text, [secret, other]);
    expect(error.exitCode).toBe(ExitCode.usage);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  test('nesting up to the limit is read', () => {
    expect(refusal(nested(64), [secret]).message).toBe(
      'scan.json: a JSON document, but not a report of a scanner keywarden reads',
    );
  });

  test('JSON of no known shape is told which formats are read; plain text must not start with { or [', () => {
    expect(refusal(JSON.stringify({ api_key: secret }), [secret]).hint).toMatch(
      /TruffleHog.*ggshield.*gitleaks.*GitHub.*plain/,
    );
    expect(refusal(`[${secret}]\n${other}`, [secret, other]).hint).toMatch(/must not start with \{ or \[/);
  });

  test('stdin is named so', () => {
    expect(refusal(`{"Raw": ${secret}}`, [secret], '-').message).toBe(
      'stdin: the JSON that starts on line 1 is not valid JSON',
    );
  });

  test(`larger than ${maxInputBytes / 1024 / 1024} MiB, in characters or in UTF-8 bytes`, () => {
    const big = refusal(`${secret}\n${' '.repeat(maxInputBytes)}`, [secret], 'big.txt');
    expect(big.message).toBe('big.txt: larger than 64 MiB, more than keywarden reads of a report');
    // fewer characters than the limit, more bytes
    const wide = refusal(`${secret}\n${'é'.repeat(maxInputBytes / 2 + 1)}`, [secret], 'wide.txt');
    expect(wide.message).toMatch(/^wide\.txt: larger than 64 MiB/);
  });

  test('any damage to a report: read, or refused with a usage error that tells nothing of the secrets', () => {
    const s1 = fake('ghp_');
    const s2 = fake('sk_live_');
    const valid = [
      [thLine(s1), logLine('scanning'), thLine(s2)].join('\n'),
      pathScan([entity('f', [incident('T', 'valid', [occurrence(s1, 1), occurrence(censor(s2), 2)])])]),
      gitleaksReport([finding(s1), finding(s2, 2)]),
      `${JSON.stringify([alert({ number: 1, secret: s1, type: 't', display: 'T', validity: 'active' })])}\n[${JSON.stringify(
        alert({ number: 2, secret: s2, type: 't', display: 'T', validity: 'inactive' }),
      )}]`,
    ];
    const damage = fc.oneof(
      fc.record({ cut: fc.nat() }),
      fc.record({ drop: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ at: fc.nat(), insert: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\n', 'x', '0') }),
    );
    holds(
      fc.property(fc.constantFrom(...valid), fc.array(damage, { minLength: 1, maxLength: 3 }), (text, damages) => {
        let damaged = text;
        for (const d of damages) {
          if ('cut' in d) damaged = damaged.slice(0, d.cut % (damaged.length + 1));
          else if ('drop' in d) {
            const at = d.drop % (damaged.length + 1);
            damaged = damaged.slice(0, at) + damaged.slice(at + d.length);
          } else {
            const at = d.at % (damaged.length + 1);
            damaged = damaged.slice(0, at) + d.insert + damaged.slice(at);
          }
        }
        try {
          readFindings(damaged, 'damaged.json');
        } catch (error) {
          expect(error instanceof UsageError, 'a usage error').toBe(true);
          expectSilentAbout(error as UsageError, [s1, s2]);
        }
      }),
      1000,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

test('findings print no secret: not as a string, not as JSON, not inspected', () => {
  const whole = fake('ghp_');
  const censored = fake('sk_live_');
  const shown = fake('kw_');
  const all = [
    readFindings(truffleHogLine({ kind: 'Git', place: {}, detector: 'Github', verified: true, raw: whole }), 'a'),
    readFindings(pathScan([entity('f', [incident('T', 'valid', [occurrence(censor(censored), 1)])])]), 'b'),
    readFindings(gitleaksReport([gitleaksFinding({ rule: 'r', secret: redact(whole, 50), file: 'f', line: 1 })]), 'c'),
    readFindings(JSON.stringify([alert({ number: 1, secret: shown, type: 't', display: 'T', validity: 'x' })]), 'd'),
    readFindings(`${shown}\n`, 'e'),
  ].flatMap((read) => read.findings);
  expect(all.map((f) => f.leaked.kind)).toEqual(['whole', 'partial', 'partial', 'whole', 'whole']);
  const printed = [
    ...all.map((f) => String(f as unknown)),
    ...all.map((f) => `${JSON.stringify(f.leaked)} ${String(Object.values(f.leaked))}`),
    ...all.flatMap((f) => Object.values(f.leaked).map((part) => `${String(part)} ${JSON.stringify(part)}`)),
    JSON.stringify(all),
    inspect(all, { depth: null }),
  ].join('\n');
  const heads = [censored.slice(0, Math.ceil(censored.length / 6)), whole.slice(0, whole.length / 2)];
  expect(holdsAny(printed, [whole, censored, shown]), 'a secret is printed').toBe(false);
  expect(
    heads.some((head) => printed.includes(head)),
    'the head of a secret is printed',
  ).toBe(false);
  expect(printed).toContain('[secret]');
});
