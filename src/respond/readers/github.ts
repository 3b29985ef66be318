import type { Reported } from '../findings.js';
import type { Entry } from './detect.js';
import { hidden, whole } from './leaked.js';
import { atEntry } from './problem.js';
import { ReportObject } from './report-object.js';

const validities: Record<string, boolean> = { active: true, inactive: false };

/**
 * GitHub secret-scanning alerts (`GET /repos/{owner}/{repo}/secret-scanning/alerts`), the secret in `secret` unless
 * hide_secret=true left it out. `first_location_detected` is a location's details without its type: a commit's has
 * `path`, `start_line` and `commit_sha`; an issue's or a pull request's, only URLs. The finding's url is the alert's
 * page, which lists every location (`has_more_locations` says there are more than the first).
 */
export function readGitHub(entries: Entry[]): Reported[] {
  return entries.map(({ value, where }) =>
    atEntry(where, (): Reported => {
      const alert = ReportObject.at(value, '');
      const secret = alert.text('secret');
      const leaked = secret === null ? hidden() : whole(secret);
      const validity = alert.text('validity');
      const first = alert.object('first_location_detected');
      return {
        detector: alert.text('secret_type') ?? alert.text('secret_type_display_name'),
        verified: validity !== null && Object.hasOwn(validities, validity) ? validities[validity]! : null,
        location: {
          file: first?.text('path') ?? null,
          commit: first?.text('commit_sha') ?? null,
          line: first?.line('start_line') ?? null,
          url: alert.text('html_url') ?? first?.text('html_url') ?? null,
        },
        leaked,
      };
    }),
  );
}
