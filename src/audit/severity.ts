export type Severity = 'high' | 'medium' | 'low';

/** Most severe first: the order of tables, summaries and sorting. */
export const severities: readonly Severity[] = ['high', 'medium', 'low'];

const rank: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return rank[severity] >= rank[threshold];
}

/** For sorting: a negative number when `a` is more severe. */
export function bySeverity(a: Severity, b: Severity): number {
  return rank[b] - rank[a];
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (severities as readonly string[]).includes(value);
}
