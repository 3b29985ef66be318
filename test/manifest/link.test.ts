import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { nextLinkTarget, nextPageRequest } from '../../src/manifest/link.js';

describe('RFC 8288 Link headers', () => {
  test.each([
    [
      '<https://api.acme.example/v2/keys?page=2>; rel="next", <https://api.acme.example/v2/keys?page=9>; rel="last"',
      'https://api.acme.example/v2/keys?page=2',
    ],
    [
      '<https://api.acme.example/v2/keys?page=1>; rel="prev", <https://api.acme.example/v2/keys?page=3>; rel=next',
      'https://api.acme.example/v2/keys?page=3',
    ],
    ['</v2/keys?cursor=abc>; title="keys, more of them"; rel="next last"', '/v2/keys?cursor=abc'],
    ['<?page=2>;rel="NEXT"', '?page=2'],
    ['<https://api.acme.example/v2/keys?page=1>; rel="prev"', undefined],
    ['<https://api.acme.example/v2/keys?page=2>; rel="nextish"', undefined],
    ['', undefined],
  ])('%s', (header, next) => {
    expect(nextLinkTarget(header)).toBe(next);
  });
});

describe('following a next link', () => {
  const base = 'https://api.acme.example/v2';
  const answered = new URL('https://api.acme.example/v2/keys?per_page=100');
  const follow = (target: string, from = answered, baseUrl = base) => nextPageRequest('acme', target, from, baseUrl);

  test('below the base URL: the path under it and the query, relative links resolved against the page', () => {
    expect(follow('https://api.acme.example/v2/keys?per_page=100&page=2')).toEqual({
      path: '/keys',
      query: { per_page: '100', page: '2' },
    });
    expect(follow('?per_page=100&page=3')).toEqual({ path: '/keys', query: { per_page: '100', page: '3' } });
    expect(follow('/v2/keys/next-page')).toEqual({ path: '/keys/next-page', query: {} });
  });

  test.each([
    [
      'another host',
      'https://evil.example/v2/keys?page=2',
      /is on https:\/\/evil\.example, not on the base URL's https:\/\/api\.acme\.example/,
    ],
    [
      'plain http on the same host',
      'http://api.acme.example/v2/keys?page=2',
      /is on http:\/\/api\.acme\.example, not on/,
    ],
    ['another port', 'https://api.acme.example:8443/v2/keys?page=2', /is on https:\/\/api\.acme\.example:8443/],
    ['a protocol-relative link', '//evil.example/v2/keys', /is on https:\/\/evil\.example/],
    ['outside the base path', '/admin/keys', /is \/admin\/keys, outside the base URL's path \/v2/],
    [
      'a path that would read as a host',
      'https://api.acme.example//evil.example/keys',
      /whose path begins with '\/\/'|outside the base URL's path/,
    ],
  ])('refused: %s', (_, target, message) => {
    const error = (() => {
      try {
        follow(target);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).message).toContain('(list.pagination.style: link)');
    expect((error as UsageError).exitCode).toBe(2);
  });

  test("a base URL at the host's root still refuses a path that would read as another host", () => {
    expect(() =>
      follow(
        'https://api.acme.example//evil.example/keys',
        new URL('https://api.acme.example/keys'),
        'https://api.acme.example',
      ),
    ).toThrow(/begins with '\/\/'/);
  });
});
