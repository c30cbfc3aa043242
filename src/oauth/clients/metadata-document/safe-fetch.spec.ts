import assert from 'node:assert/strict';
import dns from 'node:dns';
import { afterEach, describe, it, mock } from 'node:test';
import { UnsafeFetchError, fetchPublicJson, isPublicAddress, parseCacheControlMaxAge } from './safe-fetch';
import type { FetchPolicy } from './safe-fetch';

const POLICY: FetchPolicy = { timeoutMs: 1000, maxBytes: 10_000, allowInsecureLoopback: false };

/** Makes the resolver answer with these addresses, whatever the host name. */
function resolveTo(...addresses: string[]) {
  const answer = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  return mock.method(dns.promises, 'lookup', (() =>
    Promise.resolve(answer)) as unknown as typeof dns.promises.lookup);
}

async function assertRefused(
  url: string,
  reason: RegExp,
  policy: FetchPolicy = POLICY,
): Promise<UnsafeFetchError> {
  let refusal: unknown;
  await assert.rejects(fetchPublicJson(url, policy), (error) => {
    refusal = error;
    return true;
  });
  assert.ok(refusal instanceof UnsafeFetchError, `expected an UnsafeFetchError, got ${String(refusal)}`);
  assert.match(refusal.reason, reason);
  return refusal;
}

describe('isPublicAddress', () => {
  const internal = [
    ['10.0.0.1', 'RFC 1918'],
    ['172.16.5.4', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local cloud metadata service'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.10', 'documentation'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with zone'],
    ['ff02::1', 'IPv6 multicast'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata service'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['2002:a00:1::1', '6to4'],
    ['2001::1', 'Teredo'],
    ['::2', 'outside 2000::/3'],
    ['not-an-address', 'garbage'],
  ];
  for (const [address, why] of internal) {
    it(`refuses ${address} (${why})`, () => {
      assert.equal(isPublicAddress(address), false);
    });
  }

  for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
    it(`accepts the public address ${address}`, () => {
      assert.equal(isPublicAddress(address), true);
    });
  }
});

describe('parseCacheControlMaxAge', () => {
  it('reads max-age among other directives', () => {
    assert.equal(parseCacheControlMaxAge('public, max-age=3600'), 3600);
    assert.equal(parseCacheControlMaxAge('Max-Age=60'), 60);
  });

  it('answers 0 when the server forbids reuse', () => {
    assert.equal(parseCacheControlMaxAge('no-store'), 0);
    assert.equal(parseCacheControlMaxAge('max-age=600, no-cache'), 0);
  });

  it('answers undefined when the server gives no lifetime', () => {
    assert.equal(parseCacheControlMaxAge(undefined), undefined);
    assert.equal(parseCacheControlMaxAge('public'), undefined);
    assert.equal(parseCacheControlMaxAge('max-age=soon'), undefined);
  });
});

describe('fetchPublicJson refuses before connecting', () => {
  afterEach(() => mock.restoreAll());

  it('refuses schemes other than https', async () => {
    await assertRefused('http://example.com/client.json', /must use https/);
    await assertRefused('ftp://example.com/client.json', /must use https/);
    await assertRefused('file:///etc/passwd', /must use https/);
  });

  it('refuses URLs that are not absolute URLs', async () => {
    await assertRefused('/client.json', /not a valid absolute URL/);
  });

  it('refuses URLs carrying credentials', async () => {
    await assertRefused('https://user:pass@example.com/client.json', /user name or password/);
  });

  it('refuses literal internal addresses, whatever their spelling', async () => {
    const lookup = resolveTo('8.8.8.8');
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/client.json',
      'https://0x7f.1/client.json',
      'https://2130706433/client.json',
      'https://017700000001/client.json',
      'https://[::ffff:127.0.0.1]/client.json',
      'https://[::1]/client.json',
      'https://[fd00::1]/client.json',
    ]) {
      await assertRefused(url, /non-public network address/);
    }
    assert.equal(lookup.mock.callCount(), 0, 'literal addresses are judged as written, not resolved');
  });

  it('relies on WHATWG URL to normalise odd IPv4 spellings to the dotted quad it then checks', () => {
    assert.equal(new URL('https://0x7f.1/').hostname, '127.0.0.1');
    assert.equal(new URL('https://2130706433/').hostname, '127.0.0.1');
    assert.equal(new URL('https://017700000001/').hostname, '127.0.0.1');
    assert.equal(new URL('https://[::ffff:127.0.0.1]/').hostname, '[::ffff:7f00:1]');
  });

  it('refuses a host name that resolves to a private address, without naming the address', async () => {
    resolveTo('10.1.2.3');
    const refusal = await assertRefused(
      'https://internal.example.com/client.json',
      /non-public network address/,
    );
    assert.doesNotMatch(refusal.reason, /10\.1\.2\.3/);
  });

  it('refuses a host name when any one of its addresses is private', async () => {
    resolveTo('93.184.215.14', '192.168.0.10');
    await assertRefused('https://mixed.example.com/client.json', /non-public network address/);
  });

  it('refuses a host name that resolves to an IPv4-mapped loopback address', async () => {
    resolveTo('::ffff:127.0.0.1');
    await assertRefused('https://mapped.example.com/client.json', /non-public network address/);
  });

  it('keeps the test loopback allowance to loopback: a public host over plain http is refused', async () => {
    resolveTo('93.184.215.14');
    await assertRefused(
      'http://public.example.com/client.json',
      /plain http is only allowed for a loopback/,
      {
        ...POLICY,
        allowInsecureLoopback: true,
      },
    );
  });

  it('keeps the test loopback allowance to loopback: private addresses stay refused', async () => {
    resolveTo('10.0.0.1');
    await assertRefused('https://private.example.com/client.json', /non-public network address/, {
      ...POLICY,
      allowInsecureLoopback: true,
    });
  });

  it('reports a host that does not resolve', async () => {
    mock.method(dns.promises, 'lookup', (() =>
      Promise.reject(
        Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }),
      )) as unknown as typeof dns.promises.lookup);
    await assertRefused('https://nowhere.example.com/client.json', /could not be resolved/);
  });

  it('gives up on a DNS answer that never comes within the timeout', { timeout: 5000 }, async () => {
    mock.method(
      dns.promises,
      'lookup',
      (() => new Promise(() => undefined)) as unknown as typeof dns.promises.lookup,
    );
    const started = Date.now();
    await assertRefused('https://slow-dns.example.com/client.json', /did not answer within 200 ms/, {
      ...POLICY,
      timeoutMs: 200,
    });
    assert.ok(Date.now() - started < 700);
  });
});
