import type { IncomingMessage } from 'node:http';
import { clientKey, RateLimits } from '../../src/http/rate-limits';

/** A request as node hands it over, from `address`. */
const from = (address: string, method = 'GET', url = '/v1/totals', forwardedFor?: string): IncomingMessage =>
  ({ method, url, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: address } }) as unknown as IncomingMessage;

describe('Rate limits per client and window', () => {
  const config = { RATE_LIMIT_WINDOW_MS: 60_000, RATE_LIMIT_WRITES: 2, RATE_LIMIT_READS: 3, TRUST_PROXY: false };
  const allowed = async (limits: RateLimits, req: IncomingMessage) => (await limits.count(req))?.allowed;

  test('When a client has used its window, then it is refused until the window ends, and then starts afresh', async () => {
    // rate-limiter-flexible keeps its own time, so the window is a short real one (time is never faked globally).
    const limits = new RateLimits({ ...config, RATE_LIMIT_WINDOW_MS: 2000 });

    const first = [];
    for (let i = 0; i < 4; i++) first.push(await allowed(limits, from('192.0.2.1')));
    const refused = await limits.count(from('192.0.2.1'));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const next = await limits.count(from('192.0.2.1'));

    expect(first).toEqual([true, true, true, false]);
    expect(refused).toEqual(expect.objectContaining({ allowed: false }));
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(next).toEqual(expect.objectContaining({ allowed: true, headers: ['RateLimit-Policy', '3;w=2', 'RateLimit', 'limit=3, remaining=2, reset=2'] }));
  });

  test('When writes and reads come from one client, then each counts against its own limit', async () => {
    const limits = new RateLimits(config);

    const writes = [];
    for (let i = 0; i < 3; i++) writes.push(await allowed(limits, from('192.0.2.1', 'POST', '/v1/uploads')));
    const withdrawal = await allowed(limits, from('192.0.2.1', 'DELETE', '/v1/uploads/1'));
    const read = await allowed(limits, from('192.0.2.1'));

    expect(writes).toEqual([true, true, false]);
    expect(withdrawal).toBe(false);
    expect(read).toBe(true);
  });

  test('When addresses share an IPv6 /56, then they are one client; other clients and paths outside /v1/ are not touched', async () => {
    const limits = new RateLimits(config);

    for (const host of ['1', '2', '3']) await limits.count(from(`2001:db8:0:1::${host}`));

    expect(await allowed(limits, from('2001:db8:0:ff::9'))).toBe(false); // same /56
    expect(await allowed(limits, from('2001:db8:0:100::1'))).toBe(true); // the next /56
    expect(await allowed(limits, from('192.0.2.2'))).toBe(true);
    expect(limits.count(from('2001:db8:0:1::1', 'GET', '/health'))).toBeUndefined();
    expect(limits.count(from('2001:db8:0:1::1', 'GET', '/v1'))).toBeUndefined();
  });

  test('When one proxy is trusted, then the client is the last address it forwards, empty entries skipped', async () => {
    const limits = new RateLimits({ ...config, TRUST_PROXY: true });

    for (let i = 0; i < 3; i++) await limits.count(from('10.0.0.1', 'GET', '/v1/totals', '198.51.100.9, 203.0.113.7'));

    expect(await allowed(limits, from('10.0.0.2', 'GET', '/v1/totals', '203.0.113.7, '))).toBe(false);
    expect(await allowed(limits, from('10.0.0.1', 'GET', '/v1/totals', '203.0.113.8'))).toBe(true);
    expect(await allowed(limits, from('10.0.0.1', 'GET', 'http://host/v1/totals'))).toBe(true); // the proxy itself, absolute form
    expect(limits.count(from('10.0.0.1', 'GET', 'http://host/health'))).toBeUndefined();
  });
});

describe('A client\'s key', () => {
  test('When an address is IPv6, then its key is its /56, however it is written; IPv4, also written in IPv6, is itself', () => {
    expect(clientKey('2001:db8:0:1::1')).toBe(clientKey('2001:0db8:0000:00ff:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:0:1::1')).not.toBe(clientKey('2001:db8:0:100::1'));
    expect(clientKey('2001:db8:0:1::1')).toBe('2001:db8:0:0::/56');
    expect(clientKey('fe80::1%eth0')).toBe(clientKey('fe80::2'));
    expect(clientKey('::')).toBe('0:0:0:0::/56');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/56');
  });
});
