import type { Location, Reported } from '../findings.js';
import { isTruffleHogLogLine, type Entry } from './detect.js';
import { whole } from './leaked.js';
import { atEntry, ReportProblem } from './problem.js';
import { ReportObject } from './report-object.js';

/**
 * The keys `SourceMetadata.Data` can hold (the Go names of the oneof in TruffleHog's proto/source_metadata.proto).
 * Only these are named in messages: any other key is the report's own text, and could be anything.
 */
const sourceKinds = new Set([
  'Artifactory',
  'Azure',
  'AzureRepos',
  'Bitbucket',
  'Buildkite',
  'Circleci',
  'Confluence',
  'Docker',
  'Ecr',
  'Elasticsearch',
  'Filesystem',
  'Forager',
  'Gcs',
  'Gerrit',
  'Git',
  'Github',
  'Gitlab',
  'GoogleDrive',
  'Huggingface',
  'Jenkins',
  'Jira',
  'JsonEnumerator',
  'Npm',
  'Postman',
  'Pypi',
  'S3',
  'Sentry',
  'Sharepoint',
  'Slack',
  'SlackContinuous',
  'Stdin',
  'Syslog',
  'Teams',
  'Test',
  'TravisCI',
  'Webhook',
]);

const nowhere = (): Location => ({ file: null, commit: null, line: null, url: null });

/** TruffleHog v3 `--json`: a finding a line; the log lines that `2>&1` mixes in are skipped. */
export function readTruffleHog(entries: Entry[]): Reported[] {
  return entries
    .filter((entry) => !isTruffleHogLogLine(entry.value))
    .map(({ value, where }) => atEntry(where, () => readFinding(ReportObject.at(value, ''), where)));
}

function readFinding(finding: ReportObject, where: string): Reported {
  // RawV2 is detector-specific (AWS: "<key id>:<secret>"); Raw is the secret itself for most detectors
  const text = finding.text('Raw') ?? finding.text('RawV2');
  if (text === null) throw new ReportProblem(`${where} has no Raw or RawV2`);
  const leaked = whole(text);
  return {
    detector: finding.text('DetectorName'),
    verified: verifiedOf(finding),
    location: locationOf(finding),
    leaked,
  };
}

/** TruffleHog's own three results: verified, unverified, and unknown (the check itself failed). */
function verifiedOf(finding: ReportObject): boolean | null {
  const verified = finding.flag('Verified');
  if (verified !== true && finding.text('VerificationError') !== null) return null;
  return verified;
}

function locationOf(finding: ReportObject): Location {
  const data = finding.object('SourceMetadata')?.object('Data');
  if (!data) return nowhere();
  // a protobuf oneof, written by Go's encoding/json: one key, the kind of source
  const [kind] = Object.keys(data.raw);
  if (kind === undefined) return nowhere();
  const place = ReportObject.optionalAt(data.raw[kind], data.pathOf(sourceKinds.has(kind) ? kind : '<source>'));
  if (!place) return nowhere();
  return {
    file: place.text('file') ?? place.text('filename') ?? place.text('path'),
    commit: place.text('commit'),
    line: place.line('line'),
    url: place.text('link') ?? place.text('repository'),
  };
}
