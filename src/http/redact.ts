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

/**
 * Masks every registered secret in text on its way to stderr. Messages are built not to hold secrets in the
 * first place; this is the second line of defence, for text that came from somewhere else (a provider's error
 * message echoing a header, say).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  }
}
