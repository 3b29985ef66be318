import type { Reported } from '../findings.js';
import { ggshieldLeaked } from './ggshield-censoring.js';
import { ReportProblem } from './problem.js';
import { ReportObject } from './report-object.js';

/** ggshield's `validity` of an incident; `failed_to_check`, `not_checked`, `no_checker` and others say nothing. */
const validities: Record<string, boolean> = { valid: true, invalid: false };

/**
 * GitGuardian ggshield `secret scan ... --json`: one document, its files in `entities_with_incidents`, their
 * incidents (a detector each) and the incidents' occurrences (a match each, one finding each). A commit-range scan
 * holds a scan per commit in `scans`, `type: "commit"` and the commit's sha as `id`.
 */
export function readGgshield(document: Record<string, unknown>): Reported[] {
  return readScan(ReportObject.at(document, ''), null);
}

function readScan(scan: ReportObject, commit: string | null): Reported[] {
  const scanCommit = scan.text('type') === 'commit' ? scan.text('id') : commit;
  return [
    ...scan.objects('entities_with_incidents').flatMap((entity) => readEntity(entity, scanCommit)),
    ...scan.objects('scans').flatMap((inner) => readScan(inner, scanCommit)),
  ];
}

function readEntity(entity: ReportObject, commit: string | null): Reported[] {
  const file = entity.text('filename');
  return entity.objects('incidents').flatMap((incident) => {
    const detector = incident.text('type');
    const validity = incident.text('validity');
    const verified = validity !== null && Object.hasOwn(validities, validity) ? validities[validity]! : null;
    const url = incident.text('incident_url');
    return incident.objects('occurrences').map((occurrence): Reported => {
      const match = occurrence.text('match');
      if (match === null) throw new ReportProblem(`${occurrence.path} has no match`);
      const leaked = ggshieldLeaked(match);
      // in a commit, post_line_start is the line in the file as the commit left it; line_start is the old file's
      // line when there is one
      const line = occurrence.line('post_line_start') ?? occurrence.line('line_start');
      return { detector, verified, location: { file, commit, line, url }, leaked };
    });
  });
}
