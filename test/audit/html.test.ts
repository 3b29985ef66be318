import { describe, expect, test } from 'vitest';
import { rules } from '../../src/audit/rules.js';
import { hostileName, htmlReport } from './html-fixture.js';

const report = htmlReport();

describe('audit -o html, as text', () => {
  test('one self-contained page: its own style and script only, allowed by hash, nothing fetched', () => {
    const { html } = report;
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'; img-src data:">/,
    );
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<(link|iframe|object|embed|img)\b/);
  });

  test('a key named with markup and script is text', () => {
    const { html } = report;
    expect(html).not.toContain(hostileName);
    expect(html).toContain(
      '&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
  });

  test('a row a finding, as -o json has them, each with the fix its rule gives', () => {
    const { html, json } = report;
    const rows = [...html.matchAll(/<tr data-severity="(\w+)"[^>]* data-key="([^"]*)"/g)];
    expect(rows.map((m) => m[2])).toEqual(json.findings.map((f) => f.key_id));
    expect(rows.length).toBeGreaterThan(10);
    for (const rule of rules) {
      if (html.includes(`data-rule="${rule.id}"`))
        expect(html).toContain(rule.help.split('`')[0]!.replace(/'/g, '&#39;'));
    }
  });

  test('what was not checked, the policy and its waiver, the version and the profiles are said', () => {
    const { html } = report;
    expect(html).toMatch(/<li>Profile <code>broken<\/code> could not be audited: dakota: GET \/api-keys: 401/);
    expect(html).toMatch(/<li>Profile <code>dakota<\/code> \(dakota\): .*not checked; the provider does not report /);
    expect(html).toContain('<td>retired next sprint</td><td>2025-07-01</td>');
    expect(html).toMatch(/Generated 2025-06-01T12:00:00.000Z by keywarden \S+\./);
    expect(html).toContain(
      'Profiles: <code>broken</code>, <code>cobo</code>, <code>dakota</code>, <code>dialnexa</code>, <code>edgedns</code></p>',
    );
  });
});
