import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * A provider base URL keywarden may send a token to: HTTPS, or plain HTTP to this machine only. `source` is where it
 * was given (a flag, a manifest field), which a refusal names.
 */
export function checkBaseUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${source}: '${text}' is not a URL`, 'for example https://api.example.com/v1');
  }
  if (url.username || url.password) throw new UsageError(`${source}: a base URL must not carry credentials`);
  if (url.protocol === 'https:') return text.replace(/\/+$/, '');
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return text.replace(/\/+$/, '');
  if (url.protocol === 'http:') {
    throw new UsageError(
      `${source}: http:// is allowed only for loopback hosts, not ${url.hostname}`,
      'use https://, so the admin token is never sent in clear',
    );
  }
  throw new UsageError(`${source}: '${url.protocol}' is not supported; use https://`);
}
