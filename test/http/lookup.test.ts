import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testHttpClient } from '../helpers/http.js';

/**
 * How the client finds a host: `*.localhost` is 127.0.0.1 without asking DNS, an address is used as it is, and any
 * other name goes to the system's resolver, loaded when a name is first looked up.
 */

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => res.end(JSON.stringify({ host: req.headers.host })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('finding the host', () => {
  test.each(['keywarden.localhost', 'a.b.localhost', '127.0.0.1'])('%s reaches 127.0.0.1', async (host) => {
    const client = testHttpClient();
    try {
      const answer = await client.request({ method: 'GET', url: new URL(`http://${host}:${String(port)}/`) });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ host: `${host}:${String(port)}` });
    } finally {
      await client.close();
    }
  });

  test('another name is asked of the resolver, whose failure is the request failing', async () => {
    const client = testHttpClient({ maxAttempts: 1 });
    try {
      // .invalid never resolves (RFC 6761)
      await expect(
        client.request({ method: 'GET', url: new URL(`http://keywarden.invalid:${String(port)}/`) }),
      ).rejects.toThrow('host not found');
    } finally {
      await client.close();
    }
  });
});
