const sensitiveParam = /token|secret|key|password|signature|auth/i;

/** A URL as it may appear in a trace or an error: query values that could hold a credential are masked. */
export function redactUrl(url: URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  for (const name of [...shown.searchParams.keys()]) {
    if (sensitiveParam.test(name)) shown.searchParams.set(name, '***');
  }
  return shown.toString();
}
