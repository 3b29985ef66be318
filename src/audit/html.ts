import { createHash } from 'node:crypto';
import type { Key } from '../providers/types.js';
import type { KeyRef } from './baseline.js';
import type { Finding } from './findings.js';
import { reportScript, reportStyle } from './html-assets.js';
import { ageHistogram, expiryTimeline, timelineDays } from './html-charts.js';
import { escapeHtml as esc, withCode } from './html-text.js';
import { summarise, type AuditReport } from './report.js';
import { ruleById, rules } from './rules.js';
import { severities, type Severity } from './severity.js';
import { elapsed, span } from './wording.js';

/** What the page says about the run besides the report: the tool's version and the profiles asked for. */
export interface HtmlRun {
  version: string;
  profiles: readonly string[];
}

const mark: Record<Severity, string> = { high: '▲ high', medium: '◆ medium', low: '● low' };
const rank: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The audit as one self-contained page a reviewer can hand to an auditor: totals, a key-age histogram and an expiry
 * timeline in SVG, the findings (filterable, sortable, each with its fix), what could not be checked, and the
 * policy with its waivers. No network: the style and script are inline and the page's Content-Security-Policy
 * allows nothing else. Every text from a provider is escaped, so a key named `<script>` is text.
 */
export function auditHtml(report: AuditReport, run: HtmlRun): string {
  const csp = `default-src 'none'; style-src ${sha256(reportStyle)}; script-src ${sha256(reportScript)}; img-src data:`;
  // ages and expiries as the audit measured them: now, or the moment --at named
  const at = new Date(report.asOf ?? report.generatedAt);
  const keysById = new Map(report.keys.map((key) => [`${key.profile}\u0000${key.id}`, key]));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>keywarden audit, ${esc(report.generatedAt.slice(0, 10))}</title>`,
    `<style>${reportStyle}</style>`,
    '</head>',
    '<body>',
    header(report, run),
    '<main>',
    summary(report),
    ages(report, at),
    findings(report, keysById, at),
    sinceLastReview(report),
    expiries(report, at),
    notChecked(report),
    policy(report),
    '</main>',
    `<footer>Made by keywarden ${esc(run.version)} on ${esc(report.generatedAt)}. It holds no secret: only what the providers list about their keys.</footer>`,
    `<script>${reportScript}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(report: AuditReport, run: HtmlRun): string {
  const measured = report.asOf === undefined ? '' : ` Ages and expiries are measured to ${esc(report.asOf)}.`;
  return (
    `<header><h1>keywarden audit</h1>` +
    `<p class="meta">Generated ${esc(report.generatedAt)} by keywarden ${esc(run.version)}.${measured}</p>` +
    `<p class="meta">Profiles: ${
      [...run.profiles]
        .sort()
        .map((p) => `<code>${esc(p)}</code>`)
        .join(', ') || 'none'
    }</p></header>`
  );
}

function summary(report: AuditReport): string {
  const totals = summarise(report);
  const cards = [
    `<li><strong>${totals.keys}</strong>keys audited</li>`,
    `<li><strong>${totals.findings}</strong>findings</li>`,
    ...severities.map(
      (s) => `<li><strong>${totals.by_severity[s]}</strong><span class="sev sev-${s}">${mark[s]}</span></li>`,
    ),
    `<li><strong>${report.waived.length}</strong>waived</li>`,
  ];
  const providers = [
    ...new Set(report.keys.map((k) => k.provider).concat(report.findings.map((f) => f.provider))),
  ].sort();
  const rows = providers.map((provider) => {
    const of = report.findings.filter((f) => f.provider === provider);
    const cells = severities.map((s) => `<td class="num">${of.filter((f) => f.severity === s).length}</td>`).join('');
    return `<tr><th scope="row"><code>${esc(provider)}</code></th><td class="num">${report.keys.filter((k) => k.provider === provider).length}</td>${cells}</tr>`;
  });
  return (
    `<section aria-labelledby="summary-h"><h2 id="summary-h">What we hold and what is wrong</h2><ul class="cards">${cards.join('')}</ul>` +
    `<div class="scroll" tabindex="0" role="region" aria-label="Totals by provider"><table id="by-provider"><caption>Keys and findings by provider</caption>` +
    `<thead><tr><th scope="col">Provider</th><th scope="col" class="num">Keys</th>${severities.map((s) => `<th scope="col" class="num">${s}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div></section>`
  );
}

function ages(report: AuditReport, now: Date): string {
  return `<section aria-labelledby="ages-h"><h2 id="ages-h">Key ages</h2>${ageHistogram(report.keys, now)}</section>`;
}

function expiries(report: AuditReport, now: Date): string {
  const soon = report.keys
    .filter((key) => key.expires_at !== null && Date.parse(key.expires_at) <= now.getTime() + timelineDays * 86_400_000)
    .sort((a, b) => Date.parse(a.expires_at!) - Date.parse(b.expires_at!));
  const list =
    soon.length === 0
      ? `<p class="empty">No key expires within ${timelineDays} days.</p>`
      : `<div class="scroll" tabindex="0" role="region" aria-label="Keys by expiry"><table id="expiries"><caption>Keys expired or expiring within ${timelineDays} days</caption>` +
        `<thead><tr><th scope="col">Expires</th><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Profile</th></tr></thead><tbody>` +
        soon
          .map(
            (key) =>
              `<tr><td>${esc(key.expires_at!.slice(0, 10))}${Date.parse(key.expires_at!) <= now.getTime() ? ' (expired)' : ''}</td>` +
              `<td><code>${esc(key.id)}</code></td><td>${key.name === null ? '' : esc(key.name)}</td><td><code>${esc(key.profile)}</code></td></tr>`,
          )
          .join('') +
        '</tbody></table></div>';
  return `<section aria-labelledby="expiry-h"><h2 id="expiry-h">What comes next: expiries</h2>${expiryTimeline(report.keys, now)}${list}</section>`;
}

function options(label: string, name: string, values: readonly string[]): string {
  const choices = values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
  return `<label>${label}<select name="${name}"><option value="">all</option>${choices}</select></label>`;
}

function findings(report: AuditReport, keys: Map<string, Key>, now: Date): string {
  const distinct = (of: (f: Finding) => string): string[] => [...new Set(report.findings.map(of))].sort();
  if (report.findings.length === 0) {
    return `<section aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2><p class="empty">No findings.</p></section>`;
  }
  const form =
    `<form id="filters" class="filters" role="search" aria-label="Filter the findings">` +
    options(
      'Severity',
      'severity',
      severities.filter((s) => report.findings.some((f) => f.severity === s)),
    ) +
    options(
      'Rule',
      'rule',
      distinct((f) => f.rule),
    ) +
    options(
      'Provider',
      'provider',
      distinct((f) => f.provider),
    ) +
    options(
      'Profile',
      'profile',
      distinct((f) => f.profile),
    ) +
    `<label>Text<input type="search" name="text" placeholder="key, name or words"></label>` +
    `<output id="shown" aria-live="polite">${report.findings.length} of ${report.findings.length} findings shown</output></form>`;
  const heading = (label: string, sort: string): string =>
    `<th scope="col"><button type="button" data-sort="${sort}">${label}</button></th>`;
  const rows = report.findings.map((finding) => {
    const key = keys.get(`${finding.profile}\u0000${finding.key_id}`);
    const ageMs = key?.created_at ? now.getTime() - Date.parse(key.created_at) : null;
    const rule = ruleById.get(finding.rule)!;
    const searchable = [
      finding.rule,
      finding.provider,
      finding.profile,
      finding.key_id,
      finding.key_name ?? '',
      finding.message,
    ]
      .join(' ')
      .toLowerCase();
    return (
      `<tr data-severity="${finding.severity}" data-rank="${rank[finding.severity]}" data-rule="${finding.rule}" ` +
      `data-provider="${esc(finding.provider)}" data-profile="${esc(finding.profile)}" data-key="${esc(finding.key_id)}" ` +
      `data-age="${ageMs ?? ''}" data-text="${esc(searchable)}">` +
      `<td class="sev sev-${finding.severity}">${mark[finding.severity]}</td>` +
      `<td><code>${finding.rule}</code></td>` +
      `<td><code>${esc(finding.profile)}</code>${finding.profile === finding.provider ? '' : ` (${esc(finding.provider)})`}</td>` +
      `<td class="id"><code>${esc(finding.key_id)}</code></td>` +
      `<td>${finding.key_name === null ? '' : esc(finding.key_name)}</td>` +
      `<td class="num">${ageMs === null ? 'unknown' : esc(elapsed(ageMs))}</td>` +
      `<td>${esc(finding.message)}<details class="fix"><summary>How to fix</summary><p>${withCode(rule.help)}</p></details></td></tr>`
    );
  });
  return (
    `<section aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>${form}` +
    `<div class="scroll" tabindex="0" role="region" aria-label="Findings table"><table id="findings"><caption>Every finding that stands, most severe first; the column buttons sort</caption><thead><tr>` +
    heading('Severity', 'rank') +
    heading('Rule', 'rule') +
    heading('Profile', 'profile') +
    heading('Key', 'key') +
    `<th scope="col">Name</th>` +
    heading('Age', 'age') +
    `<th scope="col">Finding</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`
  );
}

/** With --baseline: the keys and findings that came and went since the earlier audit, each said once. */
function sinceLastReview(report: AuditReport): string {
  const diff = report.baseline;
  if (!diff) return '';
  const keyList = (id: string, caption: string, keys: readonly KeyRef[]): string =>
    keys.length === 0
      ? `<h3>${caption}</h3><p class="empty">None.</p>`
      : `<h3>${caption}</h3><ul id="${id}">${keys.map((k) => `<li data-key="${esc(`${k.profile}/${k.provider}/${k.key_id}`)}"><code>${esc(k.key_id)}</code>${k.key_name === null ? '' : ` ${esc(k.key_name)}`} (<code>${esc(k.profile)}</code>)</li>`).join('')}</ul>`;
  const findingList = (id: string, caption: string, list: readonly Finding[]): string =>
    list.length === 0
      ? `<h3>${caption}</h3><p class="empty">None.</p>`
      : `<h3>${caption}</h3><ul id="${id}">${list.map((f) => `<li data-finding="${esc(`${f.profile}/${f.provider}/${f.key_id}/${f.rule}`)}"><span class="sev sev-${f.severity}">${mark[f.severity]}</span> <code>${f.rule}</code> on <code>${esc(f.key_id)}</code> (<code>${esc(f.profile)}</code>): ${esc(f.message)}</li>`).join('')}</ul>`;
  const keys = diff.keysCompared
    ? keyList('new-keys', `New keys (${diff.newKeys.length})`, diff.newKeys) +
      keyList('removed-keys', `Keys gone (${diff.removedKeys.length})`, diff.removedKeys)
    : '<p class="empty">The baseline lists no keys, so keys are not compared.</p>';
  return (
    `<section aria-labelledby="baseline-h"><h2 id="baseline-h">Since the last review</h2>` +
    `<p class="meta">Compared with <code>${esc(diff.file)}</code>, generated ${esc(diff.generatedAt)}, over the profiles audited both times: ` +
    `${diff.profiles.map((p) => `<code>${esc(p)}</code>`).join(', ') || 'none'}.</p>` +
    keys +
    findingList('new-findings', `New findings (${diff.newFindings.length})`, diff.newFindings) +
    findingList('gone-findings', `Findings gone (${diff.goneFindings.length})`, diff.goneFindings) +
    `<p>${diff.unchangedFindings.length} findings unchanged.</p></section>`
  );
}

function notChecked(report: AuditReport): string {
  const items = [
    ...report.errors.map(
      (e) => `<li>Profile <code>${esc(e.profile)}</code> could not be audited: ${esc(e.error)}</li>`,
    ),
    ...report.unchecked.map(
      (u) =>
        `<li>Profile <code>${esc(u.profile)}</code> (${esc(u.provider)}): ${u.rules.map((r) => `<code>${r}</code>`).join(', ')} not checked; ` +
        `the provider does not report ${u.missing.map((m) => esc(capabilityWords[m] ?? m)).join(', ')}.</li>`,
    ),
  ];
  return (
    `<section aria-labelledby="unchecked-h"><h2 id="unchecked-h">Not checked</h2>` +
    (items.length === 0
      ? `<p class="empty">Every rule was checked on every profile.</p>`
      : `<ul id="unchecked">${items.join('')}</ul>`) +
    '</section>'
  );
}

const capabilityWords: Partial<Record<string, string>> = {
  usageTracking: 'when a key was last used',
  expiry: 'expiry dates',
  scopes: 'scopes',
  ipAllowlist: 'IP allowlists',
  names: 'key names',
  environments: 'environments',
};

function policy(report: AuditReport): string {
  const { thresholds, waivers } = report.policy;
  const ruleRows = rules
    .map((rule) => {
      const setting = report.policy.rules[rule.id];
      return `<tr><td><code>${rule.id}</code></td><td>${esc(rule.title)}</td><td>${setting.enabled ? 'on' : 'off'}</td><td>${setting.enabled ? `<span class="sev sev-${setting.severity}">${mark[setting.severity]}</span>` : ''}</td></tr>`;
    })
    .join('');
  const waiverRows = waivers
    .map(
      (w) =>
        `<tr><td><code>${w.rule}</code></td><td><code>${esc(w.keyId)}</code></td><td>${w.profile === undefined ? 'every profile' : `<code>${esc(w.profile)}</code>`}</td>` +
        `<td>${esc(w.reason)}</td><td>${esc(w.expires.toISOString().slice(0, 10))}</td></tr>`,
    )
    .join('');
  return (
    `<section aria-labelledby="policy-h"><h2 id="policy-h">The policy in force</h2>` +
    `<p>Maximum age ${esc(span(thresholds.maxAgeMs))}; maximum idle ${esc(span(thresholds.maxIdleMs))}; expiring soon within ${esc(span(thresholds.expiringWithinMs))}.</p>` +
    `<div class="scroll" tabindex="0" role="region" aria-label="Rules"><table id="rules"><caption>Rules</caption><thead><tr><th scope="col">Rule</th><th scope="col">What it finds</th><th scope="col">On</th><th scope="col">Severity</th></tr></thead><tbody>${ruleRows}</tbody></table></div>` +
    `<h3>Waivers</h3>` +
    (waivers.length === 0
      ? `<p class="empty">No waivers.</p>`
      : `<div class="scroll" tabindex="0" role="region" aria-label="Waivers"><table id="waivers"><caption>${report.waived.length} findings waived</caption><thead><tr><th scope="col">Rule</th><th scope="col">Key</th><th scope="col">Profile</th><th scope="col">Reason</th><th scope="col">Until</th></tr></thead><tbody>${waiverRows}</tbody></table></div>`) +
    '</section>'
  );
}
