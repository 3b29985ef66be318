/**
 * Scanner reports as each scanner writes them (the shapes its project documents), holding the secrets a test gives:
 * what `keywarden respond` is fed in its tests.
 */
export interface Leak {
  secret: string;
  file: string;
  line: number;
  commit?: string;
}

const commitOf = (leak: Leak): string => leak.commit ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** TruffleHog v3 --json with 2>&1: one finding a line, its JSON log lines between them. */
export function truffleHog(leaks: readonly Leak[]): string {
  const log = (msg: string) =>
    JSON.stringify({ level: 'info-0', ts: '2026-12-01T12:00:00Z', logger: 'trufflehog', msg });
  const lines = [log('running source')];
  leaks.forEach((leak, i) =>
    lines.push(
      JSON.stringify({
        SourceMetadata: {
          Data: {
            Git: {
              commit: commitOf(leak),
              file: leak.file,
              email: 'Dev \u003cdev@example.com\u003e',
              repository: 'https://github.com/example-org/example-repo',
              timestamp: '2026-11-30 10:00:00 +0000',
              line: leak.line,
            },
          },
        },
        SourceID: 1,
        SourceType: 16,
        SourceName: 'trufflehog - git',
        DetectorType: 1000 + i,
        DetectorName: 'Generic',
        DecoderName: 'PLAIN',
        Verified: false,
        Raw: leak.secret,
        RawV2: '',
        Redacted: '',
        ExtraData: null,
        StructuredData: null,
      }),
    ),
  );
  lines.push(log('finished scanning'));
  return `${lines.join('\n')}\n`;
}

/** ggshield secret scan path --json --show-secrets: files, their incidents, each occurrence's match. */
export function ggshield(leaks: readonly Leak[]): string {
  return JSON.stringify({
    id: leaks.map((leak) => leak.file).join(' '),
    type: 'path_scan',
    entities_with_incidents: leaks.map((leak) => ({
      mode: 'FILE',
      filename: leak.file,
      incidents: [
        {
          policy: 'Secrets detection',
          occurrences: [
            {
              match: leak.secret,
              type: 'apikey',
              line_start: leak.line,
              line_end: leak.line,
              index_start: 10,
              index_end: 10 + leak.secret.length,
            },
          ],
          type: 'Generic High Entropy Secret',
          validity: 'not_checked',
          ignore_sha: 'f'.repeat(64),
          total_occurrences: 1,
          incident_url: '',
          known_secret: false,
          ignore_reason: null,
          secret_vaulted: false,
        },
      ],
      total_incidents: 1,
      total_occurrences: 1,
    })),
    total_incidents: leaks.length,
    total_occurrences: leaks.length,
    secrets_engine_version: '2.130.0',
  });
}

/** A gitleaks JSON report (gitleaks git --report-format json --report-path -). */
export function gitleaks(leaks: readonly Leak[]): string {
  return JSON.stringify(
    leaks.map((leak) => ({
      RuleID: 'generic-api-key',
      Description: 'Detected a Generic API Key',
      StartLine: leak.line,
      EndLine: leak.line,
      StartColumn: 12,
      EndColumn: 12 + leak.secret.length,
      Match: `API_KEY="${leak.secret}"`,
      Secret: leak.secret,
      File: leak.file,
      SymlinkFile: '',
      Commit: commitOf(leak),
      Entropy: 4.9,
      Author: 'Dev',
      Email: 'dev@example.com',
      Date: '2026-11-30T10:00:00Z',
      Message: 'add config',
      Tags: [],
      Fingerprint: `${commitOf(leak)}:${leak.file}:generic-api-key:${leak.line}`,
    })),
    null,
    1,
  );
}

/** GitHub secret-scanning alerts, as GET /repos/{owner}/{repo}/secret-scanning/alerts returns them. */
export function githubAlerts(leaks: readonly Leak[]): string {
  return JSON.stringify(
    leaks.map((leak, i) => ({
      number: i + 1,
      created_at: '2026-11-30T10:00:00Z',
      url: `https://api.github.com/repos/example-org/example-repo/secret-scanning/alerts/${i + 1}`,
      html_url: `https://github.com/example-org/example-repo/security/secret-scanning/${i + 1}`,
      locations_url: `https://api.github.com/repos/example-org/example-repo/secret-scanning/alerts/${i + 1}/locations`,
      state: 'open',
      resolution: null,
      secret_type: 'custom_pattern_api_key',
      secret_type_display_name: 'API key',
      secret: leak.secret,
      validity: 'unknown',
      first_location_detected: {
        path: leak.file,
        start_line: leak.line,
        end_line: leak.line,
        start_column: 1,
        end_column: 1 + leak.secret.length,
        blob_sha: 'b'.repeat(40),
        commit_sha: commitOf(leak),
      },
      has_more_locations: false,
    })),
  );
}

/** One secret a line. */
export const plainText = (leaks: readonly Leak[]): string => `${leaks.map((leak) => leak.secret).join('\n')}\n`;

export const formats = { trufflehog: truffleHog, ggshield, gitleaks, github: githubAlerts, text: plainText } as const;
