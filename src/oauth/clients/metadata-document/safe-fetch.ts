import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import * as ipaddr from 'ipaddr.js';

/**
 * Fetches a JSON document from a URL chosen by an untrusted party (a CIMD `client_id`) without
 * letting that party reach our internal network: MCP 2026-07-28 security-considerations §CIMD
 * Security ("SSRF") and docs/security.md F7. Every failure is an `UnsafeFetchError` whose reason
 * can be shown to the user: it never names a resolved address, only what the URL itself says.
 */

export interface FetchPolicy {
  /** The whole request: DNS, connect, TLS, headers and body. */
  timeoutMs: number;
  /** Body size cap; the connection is cut as soon as the body grows past it. */
  maxBytes: number;
  /** TEST ONLY: allow http:// and loopback addresses (127.0.0.0/8, ::1). Production never sets it. */
  allowInsecureLoopback: boolean;
}

export class UnsafeFetchError extends Error {
  override readonly name = 'UnsafeFetchError';

  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(reason, options);
  }
}

export interface FetchedJson {
  body: unknown;
  /** From Cache-Control max-age; undefined if absent; 0 for no-store / no-cache. */
  maxAgeSeconds?: number;
}

const USER_AGENT = 'tesorio-mcp (client metadata fetch)';

// All allocated global unicast IPv6 lies in 2000::/3 (RFC 4291 §2.4, IANA registry); ipaddr.js
// calls anything outside its named special ranges 'unicast', including odd space such as ::2.
const GLOBAL_UNICAST_IPV6 = ipaddr.IPv6.parseCIDR('2000::/3');
// NAT64 well-known prefix (RFC 6052 §2.1): DNS64 resolvers on IPv6-only networks synthesise these
// for IPv4-only hosts, so the IPv4 address in the last 32 bits is what we would really reach.
const NAT64_WELL_KNOWN_PREFIX = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * True only for a public unicast address. Private, loopback, link-local (incl. the cloud metadata
 * service 169.254.169.254), unique-local, CGNAT, multicast, reserved and documentation ranges are
 * not; IPv4 carried inside IPv6 (mapped, NAT64) is judged by its IPv4 address; 6to4 and Teredo are
 * refused outright because the relay decides where the embedded IPv4 address leads.
 */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const address = ipaddr.parse(ip);
  return address instanceof ipaddr.IPv4 ? isPublicIPv4(address) : isPublicIPv6(address);
}

function isPublicIPv4(address: ipaddr.IPv4): boolean {
  return address.range() === 'unicast';
}

function isPublicIPv6(address: ipaddr.IPv6): boolean {
  if (address.isIPv4MappedAddress()) return isPublicIPv4(address.toIPv4Address());
  if (address.match(NAT64_WELL_KNOWN_PREFIX)) return isPublicIPv4(embeddedIPv4(address));
  return address.range() === 'unicast' && address.match(GLOBAL_UNICAST_IPV6);
}

function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  return new ipaddr.IPv4(address.toByteArray().slice(12));
}

/** 127.0.0.0/8 or ::1 — the only addresses `allowInsecureLoopback` opens up (no mapped forms). */
function isLoopbackAddress(ip: string): boolean {
  return ipaddr.isValid(ip) && ipaddr.parse(ip).range() === 'loopback';
}

/**
 * Cache-Control max-age in seconds, 0 when the server forbids reuse (no-store / no-cache), undefined
 * when it says nothing (RFC 9111 §5.2.2).
 */
export function parseCacheControlMaxAge(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const directives = header.split(',').map((directive) => directive.trim().toLowerCase());
  if (directives.some((directive) => directive === 'no-store' || directive === 'no-cache')) return 0;
  for (const directive of directives) {
    const maxAge = /^max-age\s*=\s*"?(\d+)"?$/.exec(directive);
    if (maxAge) return Number(maxAge[1]);
  }
  return undefined;
}

export async function fetchPublicJson(url: string, policy: FetchPolicy): Promise<FetchedJson> {
  const target = parseTarget(url, policy);
  const deadline = startDeadline(policy.timeoutMs);
  try {
    const resolved = await deadline.race(resolveHost(target.hostname));
    const vetted = vetAddresses(resolved, target, policy);
    return await requestJson(target, vetted, policy.maxBytes, deadline);
  } finally {
    deadline.stop();
  }
}

interface Target {
  url: URL;
  /** Without the brackets WHATWG URL keeps around IPv6 literals. */
  hostname: string;
  secure: boolean;
}

function parseTarget(rawUrl: string, policy: FetchPolicy): Target {
  const url = URL.parse(rawUrl);
  if (!url) throw new UnsafeFetchError('the metadata document URL is not a valid absolute URL');
  const secure = url.protocol === 'https:';
  if (!secure && !(url.protocol === 'http:' && policy.allowInsecureLoopback)) {
    throw new UnsafeFetchError('the metadata document URL must use https');
  }
  if (url.username || url.password) {
    throw new UnsafeFetchError('the metadata document URL must not contain a user name or password');
  }
  // WHATWG URL has already turned 0x7f.1, 2130706433 and 017700000001 into 127.0.0.1, so literal
  // addresses in any spelling reach the same check as resolved ones.
  return { url, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), secure };
}

async function resolveHost(hostname: string): Promise<string[]> {
  if (isIP(hostname)) return [hostname];
  try {
    const found = await dns.promises.lookup(hostname, { all: true });
    return found.map((entry) => entry.address);
  } catch (error) {
    throw new UnsafeFetchError(`the metadata document host ${hostname} could not be resolved`, {
      cause: error,
    });
  }
}

/**
 * Every resolved address must pass, not just one: a host that answers with one public and one
 * private address would otherwise let the connection pick the private one.
 */
function vetAddresses(addresses: string[], target: Target, policy: FetchPolicy): LookupAddress[] {
  if (!target.secure && !(addresses.length > 0 && addresses.every(isLoopbackAddress))) {
    throw new UnsafeFetchError('plain http is only allowed for a loopback test server; use https');
  }
  const allowed = (ip: string) =>
    isPublicAddress(ip) || (policy.allowInsecureLoopback && isLoopbackAddress(ip));
  if (addresses.length === 0 || !addresses.every(allowed)) {
    throw new UnsafeFetchError(
      'the metadata document host resolves to a non-public network address; only public hosts are fetched',
    );
  }
  return addresses.map((address) => ({ address, family: isIP(address) }));
}

/**
 * Hands the socket only the addresses we vetted, so a second DNS answer cannot swap in an internal
 * one between check and connect (DNS rebinding). The URL's hostname still drives SNI, the
 * certificate check and the Host header. Node asks for `all` when it races address families.
 */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  };
}

function requestJson(
  target: Target,
  addresses: LookupAddress[],
  maxBytes: number,
  deadline: Deadline,
): Promise<FetchedJson> {
  return new Promise((resolve, reject) => {
    const transport = target.secure ? https : http;
    const request = transport.request(target.url, {
      method: 'GET',
      // A fresh agent: a pooled socket could have been opened to some other address.
      agent: false,
      lookup: pinnedLookup(addresses),
      // No cookies or credentials of any kind. node:http never follows redirects; checkStatus refuses them.
      headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    });
    const fail = (error: unknown) => {
      request.destroy();
      reject(error instanceof UnsafeFetchError ? error : connectionError(error));
    };
    const forget = deadline.onExpiry(fail);
    request.on('close', forget);
    request.on('error', fail);
    request.on('response', (response) => {
      readJsonResponse(response, maxBytes).then((fetched) => {
        request.destroy();
        resolve(fetched);
      }, fail);
    });
    request.end();
  });
}

function connectionError(cause: unknown): UnsafeFetchError {
  return new UnsafeFetchError('the metadata document could not be fetched: the connection failed', { cause });
}

async function readJsonResponse(response: IncomingMessage, maxBytes: number): Promise<FetchedJson> {
  checkStatus(response.statusCode ?? 0);
  checkContentType(response.headers['content-type']);
  checkContentEncoding(response.headers['content-encoding']);
  const body = await readBody(response, maxBytes);
  return { body: parseJson(body), maxAgeSeconds: parseCacheControlMaxAge(response.headers['cache-control']) };
}

// Redirects are refused, not followed: the next hop could be an internal address (security.md F7).
function checkStatus(status: number): void {
  if (status >= 300 && status < 400) {
    throw new UnsafeFetchError('the metadata document URL redirected; redirects are not followed');
  }
  if (status !== 200) {
    throw new UnsafeFetchError(`the metadata document URL answered HTTP ${status}; expected 200`);
  }
}

function checkContentType(header: string | undefined): void {
  const mediaType = header?.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new UnsafeFetchError('the metadata document must be served as application/json');
  }
}

// We send no Accept-Encoding, so a compressed body is a misbehaving server, not something to inflate.
function checkContentEncoding(header: string | undefined): void {
  if (header && header.trim().toLowerCase() !== 'identity') {
    throw new UnsafeFetchError('the metadata document must not be sent with a content encoding');
  }
}

async function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(response.headers['content-length']) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(bytes);
    }
  } catch (error) {
    if (error instanceof UnsafeFetchError) throw error;
    throw new UnsafeFetchError('the connection closed before the whole metadata document arrived', {
      cause: error,
    });
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): UnsafeFetchError {
  return new UnsafeFetchError(`the metadata document is larger than ${maxBytes} bytes`);
}

// JSON text is UTF-8 (RFC 8259 §8.1); a fatal decoder turns bad bytes into a clear refusal.
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (error) {
    throw new UnsafeFetchError('the metadata document is not valid JSON', { cause: error });
  }
}

/** One timer for the whole fetch; each phase subscribes to it and stops what it is doing. */
interface Deadline {
  /** Runs `listener` with the timeout error when the time is up (at once if it already is). */
  onExpiry(listener: (error: UnsafeFetchError) => void): () => void;
  /** Settles like `work`, or rejects with the timeout error first. */
  race<T>(work: Promise<T>): Promise<T>;
  stop(): void;
}

function startDeadline(timeoutMs: number): Deadline {
  const expired = new UnsafeFetchError(`the metadata document host did not answer within ${timeoutMs} ms`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onExpiry = (listener: (error: UnsafeFetchError) => void) => {
    const notify = () => listener(expired);
    if (controller.signal.aborted) notify();
    else controller.signal.addEventListener('abort', notify, { once: true });
    return () => controller.signal.removeEventListener('abort', notify);
  };
  return {
    onExpiry,
    // DNS lookups cannot be cancelled; this stops waiting for one when the time is up.
    race: (work) =>
      new Promise((resolve, reject) => {
        const forget = onExpiry(reject);
        void work.then(resolve, reject).finally(forget);
      }),
    stop: () => clearTimeout(timer),
  };
}
