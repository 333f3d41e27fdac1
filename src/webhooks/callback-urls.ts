import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { CallbackCheck } from '../domain/subscriptions';

/**
 * Addresses a callback must not reach (SSRF): loopback, private, link-local (cloud metadata at
 * 169.254.169.254 among them), carrier-grade NAT, unspecified, multicast and reserved ranges, and their
 * IPv4-mapped IPv6 forms.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32]] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

/** Every address a host name resolves to. */
export type HostResolver = (host: string) => Promise<LookupAddress[]>;

/** The system's resolver (getaddrinfo, as connections use it), every address in its own order. */
export const systemResolver: HostResolver = (host) => new Promise<LookupAddress[]>((resolve, reject) => {
  dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
});

/**
 * Why a callback URL is refused, or undefined when it may be called. `allowPrivate`
 * (WEBHOOK_ALLOW_PRIVATE_URLS, for tests and local development) lets http and private addresses through.
 */
export function callbackCheck(allowPrivate: boolean, resolveHost: HostResolver = systemResolver): CallbackCheck {
  return async (text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'is not an absolute URL';
    }
    if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'must be an https URL';
    if (url.username !== '' || url.password !== '') return 'must not hold a user name or password';
    if (allowPrivate) return undefined;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: LookupAddress[];
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveHost(host);
    } catch {
      return `names a host that does not resolve (${host})`;
    }
    if (addresses.length === 0) return `names a host that does not resolve (${host})`;
    const blocked = addresses.find((a) => isBlockedAddress(a.address));
    return blocked ? `resolves to ${blocked.address}, a loopback, private, link-local or metadata address` : undefined;
  };
}

/** Why addresses a name resolved to may not be called (an error with its code, as a failed connection gives), or undefined. */
function refusalOf(hostname: string, list: readonly LookupAddress[], allowPrivate: boolean): NodeJS.ErrnoException | undefined {
  if (list.length === 0) return Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' });
  const blocked = allowPrivate ? undefined : list.find((a) => isBlockedAddress(a.address));
  return blocked && Object.assign(new Error(`${hostname} resolves to ${blocked.address}, an address callbacks may not reach`), { code: 'EBLOCKEDADDRESS' });
}

/**
 * The check each delivery makes before it is sent, also on a connection kept open from an earlier one: a
 * name that resolves elsewhere since (DNS rebinding) is refused. Why it is refused, or undefined.
 */
export async function deliveryRefusal(hostname: string, resolveHost: HostResolver = systemResolver): Promise<string | undefined> {
  if (isIP(hostname)) return isBlockedAddress(hostname) ? `${hostname} is an address callbacks may not reach` : undefined;
  let refused: NodeJS.ErrnoException | undefined;
  try {
    refused = refusalOf(hostname, await resolveHost(hostname), false);
  } catch (error) {
    refused = error as NodeJS.ErrnoException;
  }
  return refused && failureReason(refused);
}

/** A failed lookup's or connection's reason as a delivery records it: its code, then its message. */
export const failureReason = (error: NodeJS.ErrnoException): string => (error.code ? `${error.code}: ${error.message}` : error.message);

/**
 * The DNS lookup deliveries connect with: the address checked is the address connected to, so that a name
 * that resolves elsewhere between the check and the connection is refused too.
 */
export function guardedLookup(allowPrivate: boolean, resolveHost: HostResolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const fail = callback as (e: Error) => void;
    resolveHost(hostname).then((all) => {
      const family = (options as { family?: number | string }).family;
      const wanted = family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : undefined;
      const list = wanted === undefined ? all : all.filter((a) => a.family === wanted);
      const refused = refusalOf(hostname, list, allowPrivate);
      if (refused) return fail(refused);
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
      return (callback as (e: null, a: string, f: number) => void)(null, list[0].address, list[0].family);
    }, fail);
  };
}
