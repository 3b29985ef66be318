import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import { escapeData, escapeProperty, workflowAnnotations } from '../../src/audit/annotations.js';
import { auditCsv, findingFields } from '../../src/audit/csv.js';
import type { Finding } from '../../src/audit/findings.js';
import { auditMarkdown, code, plain } from '../../src/audit/markdown.js';
import { defaultPolicy, type Policy } from '../../src/audit/policy.js';
import {
  auditDocument,
  buildReport,
  summaryLine,
  type AuditReport,
  type ProfileError,
} from '../../src/audit/report.js';
import { ruleIds } from '../../src/audit/rules.js';
import { auditSarif } from '../../src/audit/sarif.js';
import { ageHistogram, auditLines } from '../../src/audit/table.js';
import type { Key } from '../../src/providers/types.js';
import { capabilitiesOf, daysAgo, inDays, key, now } from './keys.js';
import { sarifSchemaId, validateSarif } from './sarif-schema.js';

/** Provider-supplied text at its worst: CSV, markdown, HTML and workflow-command syntax, a mention, a line break. */
const nastyName = 'Deploy, "bot" | <script>alert(1)</script> `x` @octocat\n::error::injected 100%';

function inputOf(
  keys: Key[],
  options: { policy?: Policy; errors?: ProfileError[] } = {},
): Parameters<typeof buildReport>[0] {
  return {
    now,
    policy: options.policy ?? defaultPolicy(),
    scans: [{ profile: 'edgedns', provider: 'edgedns', capabilities: capabilitiesOf('edgedns'), keys }],
    errors: options.errors ?? [],
  };
}

const reportOf = (keys: Key[], options: { policy?: Policy; errors?: ProfileError[] } = {}): AuditReport =>
  buildReport(inputOf(keys, options));

const sampleInput = (): Parameters<typeof buildReport>[0] =>
  inputOf(
    [
      key({ id: 'key_broad', name: nastyName, scopes: ['*'], created_at: daysAgo(120) }),
      key({ id: 'key_idle', name: 'Idle, quiet', last_used_at: daysAgo(50), created_at: daysAgo(60) }),
      key({ id: 'key_noexp', name: null, expires_at: null }),
      key({ id: 'key_fine', name: 'Fine' }),
      key({ id: 'key_revoked', status: 'revoked', revoked_at: daysAgo(1), scopes: ['*'] }),
    ],
    {
      errors: [
        { profile: 'cobo-prod', error: 'cobo: GET /api/v1/api-keys: 401 Invalid or missing API key (UNAUTHORIZED)' },
      ],
    },
  );

const sample = (): AuditReport => buildReport(sampleInput());

describe('json', () => {
  test('is exactly the document the README describes: fields, order, counts with every severity and rule', () => {
    const document = auditDocument(sample());
    // profiles and keys are what a later audit's --baseline compares with; as_of and baseline come only with their flags
    expect(Object.keys(document)).toEqual(['generated_at', 'summary', 'findings', 'errors', 'profiles', 'keys']);
    expect(document.profiles).toEqual(['edgedns']);
    expect(document.keys.map((k) => k.key_id)).toEqual(['key_broad', 'key_fine', 'key_idle', 'key_noexp']);
    expect(Object.keys(document.keys[0]!)).toEqual(['provider', 'profile', 'key_id', 'key_name']);
    expect(document.generated_at).toBe('2025-06-01T12:00:00.000Z');
    expect(document.summary).toEqual({
      keys: 4,
      findings: 4,
      by_severity: { high: 1, medium: 2, low: 1 },
      by_rule: Object.fromEntries(
        ruleIds.map((id) => [id, { 'max-age': 1, idle: 1, 'no-expiry': 1, 'broad-scope': 1 }[id as string] ?? 0]),
      ),
    });
    expect(Object.keys(document.summary.by_severity)).toEqual(['high', 'medium', 'low']);
    expect(Object.keys(document.summary.by_rule)).toEqual([...ruleIds]);
    for (const finding of document.findings)
      expect(Object.keys(finding)).toEqual([
        'rule',
        'severity',
        'provider',
        'profile',
        'key_id',
        'key_name',
        'message',
      ]);
    expect(document.findings.map((f) => [f.severity, f.rule, f.key_id])).toEqual([
      ['high', 'broad-scope', 'key_broad'],
      ['medium', 'max-age', 'key_broad'],
      ['medium', 'idle', 'key_idle'],
      ['low', 'no-expiry', 'key_noexp'],
    ]);
    expect(document.errors).toEqual([
      { profile: 'cobo-prod', error: 'cobo: GET /api/v1/api-keys: 401 Invalid or missing API key (UNAUTHORIZED)' },
    ]);
  });

  test('a summary line for people', () => {
    expect(summaryLine(sample())).toBe('4 findings in 4 keys: 1 high, 2 medium, 1 low; 1 profile not audited');
    expect(summaryLine(reportOf([key()]))).toBe('0 findings in 1 key');
  });
});

/** RFC 4180, enough to read back what the CSV builder wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

describe('csv', () => {
  test('a header of the FINDING fields, then one row a finding that reads back as shown, however odd the name: its line break escaped', () => {
    const report = sample();
    const [header, ...rows] = parseCsv(auditCsv(report));
    expect(header).toEqual([...findingFields]);
    expect(rows).toHaveLength(report.findings.length);
    rows.forEach((row, i) => {
      const finding = report.findings[i]!;
      expect(row).toEqual(
        findingFields.map((field) => (finding[field] === null ? '' : finding[field].replace(/\n/g, '\\n'))),
      );
    });
    expect(rows[0]![5]).toBe(nastyName.replace('\n', '\\n'));
    expect(auditCsv(report)).not.toContain('\n::error');
  });

  test('no findings: the header alone', () => {
    expect(auditCsv(reportOf([key()]))).toBe('rule,severity,provider,profile,key_id,key_name,message\n');
  });
});

/** Splits a markdown table row on the pipes that are not escaped. */
const cells = (row: string): string[] =>
  row
    .slice(2, -2)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

describe('markdown', () => {
  test('a headline, one table row a finding with six cells each, and the profiles not audited', () => {
    const report = sample();
    const lines = auditMarkdown(report).split('\n');
    expect(lines[0]).toBe('## keywarden audit');
    expect(lines).toContain(`**${summaryLine(report)}**`);
    const header = lines.indexOf('| Severity | Rule | Profile | Key | Name | Finding |');
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toBe('| --- | --- | --- | --- | --- | --- |');
    const rows = lines.slice(header + 2, lines.indexOf('', header));
    expect(rows).toHaveLength(report.findings.length);
    for (const row of rows) expect(cells(row)).toHaveLength(6);
    expect(cells(rows[0]!).slice(0, 2)).toEqual(['🔴 high', '`broad-scope`']);
    expect(cells(rows[3]!)[0]).toBe('🟡 low');
    expect(lines).toContain('### Profiles not audited');
    expect(lines.some((l) => l.startsWith('| `cobo-prod` | cobo: GET /api/v1/api-keys: 401'))).toBe(true);
  });

  test('provider text cannot inject HTML, break the table or the line, or mention anyone', () => {
    const text = auditMarkdown(sample());
    // inside a code span GitHub renders text literally: no HTML, links or mentions
    expect(text).toContain(`| ${code(nastyName)} |`);
    const outsideCode = text.replace(/``[^\n]*?``|`[^`\n]*`/g, '');
    expect(outsideCode).not.toMatch(/<(?!sub>|\/sub>)/);
    expect(outsideCode).not.toContain('@octocat');
    expect(text).not.toMatch(/^::error/m);
    expect(code('a|b')).toBe('`a\\|b`');
    expect(code('`tick`')).toBe('`` `tick` ``');
    expect(plain('a|b *c* <i> [l](x) @me')).toBe('a\\|b \\*c\\* &lt;i&gt; \\[l\\](x) @\u200bme');
  });

  test('no findings: the headline says so and there is no table', () => {
    const text = auditMarkdown(reportOf([key()]));
    expect(text).toContain('**0 findings in 1 key**');
    expect(text).not.toContain('| Severity |');
  });
});

describe('sarif', () => {
  test('valid against the official SARIF 2.1.0 schema, with findings, errors and odd names, and with nothing at all', () => {
    expect(sarifSchemaId).toBe(
      'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json',
    );
    expect(validateSarif(auditSarif(sample()))).toEqual([]);
    expect(validateSarif(auditSarif(reportOf([])))).toEqual([]);
  });

  test('the validator does reject a broken log', () => {
    const log = auditSarif(sample()) as { runs: { results: Record<string, unknown>[] }[] };
    delete log.runs[0]!.results[0]!.message;
    (log as Record<string, unknown>).version = '2.0.0';
    expect(validateSarif(log).length).toBeGreaterThanOrEqual(2);
  });

  type Log = {
    runs: {
      tool: {
        driver: {
          name: string;
          rules: {
            id: string;
            help: { text: string };
            defaultConfiguration: { level: string };
            properties: Record<string, unknown>;
          }[];
        };
      };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          logicalLocations: { fullyQualifiedName: string }[];
        }[];
        partialFingerprints: Record<string, string>;
      }[];
      invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[];
    }[];
  };

  test('what GitHub code scanning needs: rules with help and security-severity; results with a location and a fingerprint', () => {
    const log = auditSarif(sample()) as Log;
    const [run] = log.runs;
    expect(run!.tool.driver.name).toBe('keywarden');
    expect(run!.tool.driver.rules.map((r) => r.id)).toEqual([...ruleIds]);
    for (const rule of run!.tool.driver.rules) {
      expect(rule.help.text.length).toBeGreaterThan(20);
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.properties.tags).toContain('security');
    }
    const levels = Object.fromEntries(run!.results.map((r) => [r.ruleId, r.level]));
    expect(levels).toEqual({ 'broad-scope': 'error', 'max-age': 'warning', idle: 'warning', 'no-expiry': 'note' });
    for (const result of run!.results) {
      expect(run!.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      const [location] = result.locations;
      expect(location!.physicalLocation.region.startLine).toBe(1);
      expect(location!.physicalLocation.artifactLocation.uri).toMatch(/^keywarden\/edgedns\/edgedns\/key_\w+$/);
      expect(location!.logicalLocations[0]!.fullyQualifiedName).toMatch(/^edgedns\/edgedns\/key_\w+$/);
      expect(result.partialFingerprints['keywardenFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    }
    const fingerprints = run!.results.map((r) => r.partialFingerprints['keywardenFinding/v1']);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    // the same finding a day later, its message changed, is the same alert
    const tomorrow = buildReport({ ...sampleInput(), now: new Date(now.getTime() + 86_400_000) });
    const again = auditSarif(tomorrow) as Log;
    expect(again.runs[0]!.results[1]!.message.text).not.toBe(run!.results[1]!.message.text);
    expect(again.runs[0]!.results.map((r) => r.partialFingerprints['keywardenFinding/v1'])).toEqual(fingerprints);
    expect(run!.invocations[0]!.executionSuccessful).toBe(false);
    expect(run!.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain(
      'profile cobo-prod was not audited',
    );
  });

  test('a disabled rule is left out of the rules; an overridden severity sets its level and security-severity', () => {
    const policy = defaultPolicy();
    policy.rules['no-expiry'].enabled = false;
    policy.rules['max-age'].severity = 'high';
    const log = auditSarif(
      reportOf([key({ id: 'key_old', created_at: daysAgo(100), expires_at: null })], { policy }),
    ) as Log;
    const rules = log.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).not.toContain('no-expiry');
    const maxAge = rules.find((r) => r.id === 'max-age')!;
    expect(maxAge.defaultConfiguration.level).toBe('error');
    expect(maxAge.properties['security-severity']).toBe('8.0');
    expect(log.runs[0]!.results.map((r) => [r.ruleId, r.level])).toEqual([['max-age', 'error']]);
    expect(validateSarif(log)).toEqual([]);
  });
});

describe('GitHub Actions annotations', () => {
  const finding = (fields: Partial<Finding>): Finding => ({
    rule: 'max-age',
    severity: 'medium',
    provider: 'cobo',
    profile: 'prod',
    key_id: 'k1',
    key_name: 'Treasury bot',
    message: 'created 120 days ago; rotate keys at least every 90 days',
    ...fields,
  });

  test('high findings and failed profiles are errors, the rest warnings, each one line', () => {
    const lines = workflowAnnotations(
      [
        finding({ severity: 'high', rule: 'broad-scope' }),
        finding({}),
        finding({ severity: 'low', rule: 'no-expiry', key_name: null }),
      ],
      [{ profile: 'broken', error: 'dakota: GET /api-keys: 401 Invalid or missing API key' }],
    );
    expect(lines.map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::error', '::error', '::warning', '::warning']);
    expect(lines[0]).toBe(
      '::error title=keywarden audit::profile broken was not audited: dakota: GET /api-keys: 401 Invalid or missing API key',
    );
    expect(lines[2]).toBe(
      '::warning title=keywarden max-age (medium)::prod key k1 "Treasury bot": created 120 days ago; rotate keys at least every 90 days',
    );
    expect(lines[3]).toBe(
      '::warning title=keywarden no-expiry (low)::prod key k1: created 120 days ago; rotate keys at least every 90 days',
    );
  });

  test('at most ten of each kind, the most severe first; the rest counted in one notice', () => {
    const many = [
      ...Array.from({ length: 12 }, (_, i) => finding({ severity: 'low', rule: 'no-expiry', key_id: `low${i}` })),
      ...Array.from({ length: 13 }, (_, i) => finding({ severity: 'high', rule: 'broad-scope', key_id: `high${i}` })),
      ...Array.from({ length: 4 }, (_, i) => finding({ severity: 'medium', key_id: `med${i}` })),
    ];
    const lines = workflowAnnotations(many, []);
    const kinds = lines.map((l) => l.slice(2, l.indexOf(' ')));
    expect(kinds.filter((k) => k === 'error')).toHaveLength(10);
    expect(kinds.filter((k) => k === 'warning')).toHaveLength(10);
    // every medium warning is kept before any low one
    const warned = lines.filter((l) => l.startsWith('::warning')).map((l) => /key (\w+)/.exec(l)![1]);
    expect(warned.slice(0, 4)).toEqual(['med0', 'med1', 'med2', 'med3']);
    expect(lines.at(-1)).toBe(
      '::notice title=keywarden audit::9 more findings are not annotated (GitHub shows 10 of each kind); the job summary lists every finding',
    );
  });

  test("escaped per the runner's rules: a name cannot end the line or start a command", () => {
    expect(escapeData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeProperty('a: b, c%\n')).toBe('a%3A b%2C c%25%0A');
    const [line] = workflowAnnotations([finding({ key_name: nastyName, profile: 'p:1,2' })], []);
    expect(line).not.toContain('\n');
    expect(line).toContain('::error::injected 100%25');
    expect(line).toMatch(/^::warning title=keywarden max-age \(medium\)::p:1,2 key k1 /);
  });
});

describe('table', () => {
  test('in a pipe: one finding a line, tab-separated, most severe first, never broken across lines', () => {
    const lines = auditLines(sample()).split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split('\t').length)).toEqual([6, 6, 6, 6]);
    expect(lines[0]!.split('\t').slice(0, 4)).toEqual(['high', 'broad-scope', 'edgedns', 'key_broad']);
  });

  test('the key-age histogram counts keys per bucket and colours those past the maximum age', () => {
    const keys = [daysAgo(1), daysAgo(20), daysAgo(45), daysAgo(100), daysAgo(500), daysAgo(600), null].map(
      (created_at) => key({ created_at }),
    );
    const plainText = ageHistogram(keys, now, 90 * 86_400_000, new Chalk({ level: 0 }));
    const counts = Object.fromEntries(
      plainText
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((line) => [line.trim().replace(/[\s█]+\d+$/, ''), Number(/(\d+)$/.exec(line)![1])]),
    );
    expect(counts).toEqual({
      'under 30 days': 2,
      '30–90 days': 1,
      '90–180 days': 1,
      '180 days–1 year': 0,
      'over 1 year': 2,
      unknown: 1,
    });
    expect(plainText.split('\n')[0]).toBe('KEY AGE (7 keys)');
    const coloured = ageHistogram(keys, now, 90 * 86_400_000, new Chalk({ level: 1 }));
    expect(coloured).toContain('\u001b[31m██'); // over a year: red
    expect(coloured).toContain('\u001b[32m███'); // under 30 days: green
  });
});

test('expiring-soon in a report keeps the day it expires', () => {
  const report = reportOf([key({ id: 'key_soon', expires_at: inDays(2) })]);
  expect(report.findings.map((f) => f.message)).toEqual([
    'expires in 2 days (2025-06-03 12:00 UTC); rotate it before then',
  ]);
});
