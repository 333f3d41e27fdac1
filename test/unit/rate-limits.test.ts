import type { IncomingMessage } from 'node:http';
import { RateLimits } from '../../src/http/rate-limits';

/** A request as node hands it over, from `address`. */
const from = (address: string, method = 'GET', url = '/v1/totals', forwardedFor?: string): IncomingMessage =>
  ({ method, url, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: address } }) as unknown as IncomingMessage;

describe('Rate limits per client and window', () => {
  const config = { RATE_LIMIT_WINDOW_MS: 60_000, RATE_LIMIT_WRITES: 2, RATE_LIMIT_READS: 3, TRUST_PROXY: false };

  test('When a client has used its window, then it is refused until the window ends, and then starts afresh', () => {
    let now = 1_000_000;
    const limits = new RateLimits(config, () => now);

    const first = [1, 2, 3, 4].map(() => limits.count(from('192.0.2.1'))?.allowed);
    now += 59_999;
    const late = limits.count(from('192.0.2.1'));
    now += 1;
    const next = limits.count(from('192.0.2.1'));

    expect(first).toEqual([true, true, true, false]);
    expect(late).toEqual(expect.objectContaining({ allowed: false, retryAfterSeconds: 1 }));
    expect(next).toEqual(expect.objectContaining({ allowed: true, headers: ['RateLimit-Policy', '3;w=60', 'RateLimit', 'limit=3, remaining=2, reset=60'] }));
  });

  test('When writes and reads come from one client, then each counts against its own limit', () => {
    const limits = new RateLimits(config, () => 0);

    const writes = [1, 2, 3].map(() => limits.count(from('192.0.2.1', 'POST', '/v1/uploads'))?.allowed);
    const withdrawal = limits.count(from('192.0.2.1', 'DELETE', '/v1/uploads/1'))?.allowed;
    const read = limits.count(from('192.0.2.1'))?.allowed;

    expect(writes).toEqual([true, true, false]);
    expect(withdrawal).toBe(false);
    expect(read).toBe(true);
  });

  test('When addresses share an IPv6 /56, then they are one client; other clients and paths outside /v1/ are not touched', () => {
    const limits = new RateLimits(config, () => 0);

    for (const host of ['1', '2', '3']) limits.count(from(`2001:db8:0:1::${host}`));

    expect(limits.count(from('2001:db8:0:ff::9'))?.allowed).toBe(false); // same /56
    expect(limits.count(from('2001:db8:0:100::1'))?.allowed).toBe(true); // the next /56
    expect(limits.count(from('192.0.2.2'))?.allowed).toBe(true);
    expect(limits.count(from('2001:db8:0:1::1', 'GET', '/health'))).toBeUndefined();
    expect(limits.count(from('2001:db8:0:1::1', 'GET', '/v1'))).toBeUndefined();
  });

  test('When one proxy is trusted, then the client is the last address it forwards, empty entries skipped', () => {
    const limits = new RateLimits({ ...config, TRUST_PROXY: true }, () => 0);

    for (let i = 0; i < 3; i++) limits.count(from('10.0.0.1', 'GET', '/v1/totals', '198.51.100.9, 203.0.113.7'));

    expect(limits.count(from('10.0.0.2', 'GET', '/v1/totals', '203.0.113.7, '))?.allowed).toBe(false);
    expect(limits.count(from('10.0.0.1', 'GET', '/v1/totals', '203.0.113.8'))?.allowed).toBe(true);
    expect(limits.count(from('10.0.0.1', 'GET', 'http://host/v1/totals'))?.allowed).toBe(true); // the proxy itself, absolute form
    expect(limits.count(from('10.0.0.1', 'GET', 'http://host/health'))).toBeUndefined();
  });
});
