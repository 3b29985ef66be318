import type { CreateRequest } from '../providers/types.js';
import type { BodyValue, CreateOption } from './types.js';

/** The value of one `keywarden create` option in a request; undefined when it was not given. */
function optionValue(option: CreateOption, request: CreateRequest): unknown {
  switch (option) {
    case 'name':
      return request.name;
    case 'scopes':
      return request.scopes;
    case 'environment':
      return request.environment;
    case 'expires_at':
      return request.expiresAt;
    case 'expire_now':
      return request.expireNow ? true : undefined;
    case 'principal':
      return request.principal;
    case 'ip_allowlist':
      return request.ipAllowlist;
  }
}

function valueOf(source: BodyValue, request: CreateRequest): unknown {
  if (typeof source === 'string') return optionValue(source, request);
  if ('option' in source) return optionValue(source.option, request) ?? source.default;
  return source.value;
}

/**
 * The create body the manifest describes: each field from an option, a default or a constant; an option not given
 * leaves its field out. A dotted field name builds nested objects. Objects have no prototype, so a field named
 * `__proto__` is just a field.
 */
export function createBody(spec: Record<string, BodyValue>, request: CreateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = Object.create(null);
  for (const [field, source] of Object.entries(spec)) {
    const value = valueOf(source, request);
    if (value === undefined) continue;
    const names = field.split('.');
    let holder = body;
    for (const name of names.slice(0, -1)) {
      const next = holder[name];
      // a copy, so a constant object of the manifest is never changed
      const copy = Object.assign(Object.create(null), typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
      holder[name] = copy;
      holder = copy;
    }
    holder[names[names.length - 1]!] = value;
  }
  return body;
}
