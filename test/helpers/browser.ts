import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (the `chromium` package), driven by playwright-core, which downloads no browser. The binary
 * behind /usr/bin/chromium's wrapper starts faster; KEYWARDEN_TEST_CHROMIUM points elsewhere.
 */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.KEYWARDEN_TEST_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

/** Whether the browser tests run; under KEYWARDEN_REQUIRE_BROWSER=1 (CI) a missing browser fails instead. */
export function browserAvailable(): boolean {
  const found = chromiumPath() !== undefined;
  if (!found && process.env.KEYWARDEN_REQUIRE_BROWSER === '1') {
    throw new Error('the browser tests need Chromium (Debian package chromium), and CI must run them');
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath()!,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
}
