import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMetadataDocumentError } from './client-metadata-document';
import { FAILURE_TTL_SECONDS, MetadataDocumentCache } from './metadata-document.cache';
import type { MetadataDocumentCacheOptions } from './metadata-document.cache';
import { UnsafeFetchError } from './safe-fetch';
import type { FetchedJson, fetchPublicJson } from './safe-fetch';

const A = 'https://a.example.com/client.json';
const B = 'https://b.example.com/client.json';
const C = 'https://c.example.com/client.json';

function documentFor(url: string, clientName = 'Example') {
  return { client_id: url, client_name: clientName, redirect_uris: ['https://app.example.com/cb'] };
}

/** A clock the test moves by hand and a fake fetch that counts calls per URL. */
function harness(
  respond: (url: string) => Promise<FetchedJson>,
  overrides: Partial<MetadataDocumentCacheOptions> = {},
) {
  let clock = 1_000_000;
  const calls: string[] = [];
  const fetch: typeof fetchPublicJson = (url) => {
    calls.push(url);
    return respond(url);
  };
  const cache = new MetadataDocumentCache({
    policy: { timeoutMs: 5000, maxBytes: 5120, allowInsecureLoopback: false },
    minTtlSeconds: 60,
    maxTtlSeconds: 3600,
    defaultTtlSeconds: 300,
    maxEntries: 100,
    now: () => clock,
    fetch,
    ...overrides,
  });
  return {
    cache,
    calls,
    fetchesOf: (url: string) => calls.filter((call) => call === url).length,
    advance: (seconds: number) => {
      clock += seconds * 1000;
    },
  };
}

const serve = (maxAgeSeconds?: number) => (url: string) =>
  Promise.resolve({ body: documentFor(url), maxAgeSeconds });

describe('MetadataDocumentCache', () => {
  it('returns the parsed document and serves repeats from the cache', async () => {
    const { cache, calls } = harness(serve(600));
    const first = await cache.get(A);
    const second = await cache.get(A);
    assert.equal(first.clientName, 'Example');
    assert.deepEqual(second, first);
    assert.equal(calls.length, 1);
  });

  it('keeps a document for its max-age when that lies between the bounds', async () => {
    const { cache, fetchesOf, advance } = harness(serve(600));
    await cache.get(A);
    advance(599);
    await cache.get(A);
    assert.equal(fetchesOf(A), 1);
    advance(2);
    await cache.get(A);
    assert.equal(fetchesOf(A), 2);
  });

  it('raises a short max-age (or no-store) to the minimum TTL', async () => {
    const { cache, fetchesOf, advance } = harness(serve(0));
    await cache.get(A);
    advance(59);
    await cache.get(A);
    assert.equal(fetchesOf(A), 1, 'still cached inside the 60 s floor');
    advance(2);
    await cache.get(A);
    assert.equal(fetchesOf(A), 2);
  });

  it('caps a long max-age at the maximum TTL', async () => {
    const { cache, fetchesOf, advance } = harness(serve(86_400 * 365));
    await cache.get(A);
    advance(3599);
    await cache.get(A);
    assert.equal(fetchesOf(A), 1);
    advance(2);
    await cache.get(A);
    assert.equal(fetchesOf(A), 2, 'refetched once the 3600 s ceiling passed');
  });

  it('uses the default TTL when the server sends no max-age', async () => {
    const { cache, fetchesOf, advance } = harness(serve(undefined));
    await cache.get(A);
    advance(299);
    await cache.get(A);
    assert.equal(fetchesOf(A), 1);
    advance(2);
    await cache.get(A);
    assert.equal(fetchesOf(A), 2);
  });

  it('shares one fetch between concurrent callers for the same URL', async () => {
    let release: (value: FetchedJson) => void = () => undefined;
    const pending = new Promise<FetchedJson>((resolve) => {
      release = resolve;
    });
    const { cache, calls } = harness(() => pending);
    const callers = [cache.get(A), cache.get(A), cache.get(A)];
    release({ body: documentFor(A) });
    const documents = await Promise.all(callers);
    assert.equal(calls.length, 1);
    assert.ok(documents.every((document) => document.clientId === A));
  });

  it('remembers a failed fetch briefly instead of hammering the host', async () => {
    const { cache, fetchesOf, advance } = harness(() =>
      Promise.reject(new UnsafeFetchError('the metadata document URL answered HTTP 500; expected 200')),
    );
    await assert.rejects(cache.get(A), UnsafeFetchError);
    advance(FAILURE_TTL_SECONDS - 1);
    await assert.rejects(cache.get(A), /HTTP 500/);
    assert.equal(fetchesOf(A), 1, 'the failure was served from the cache');
    advance(2);
    await assert.rejects(cache.get(A), UnsafeFetchError);
    assert.equal(fetchesOf(A), 2, 'retried once the failure expired');
  });

  it('remembers an invalid document as a failure too', async () => {
    const { cache, fetchesOf } = harness((url) =>
      Promise.resolve({ body: { ...documentFor(url), client_id: `${url}/` } }),
    );
    await assert.rejects(cache.get(A), InvalidMetadataDocumentError);
    await assert.rejects(cache.get(A), InvalidMetadataDocumentError);
    assert.equal(fetchesOf(A), 1);
  });

  it('evicts the least recently used document once maxEntries is reached', async () => {
    const { cache, fetchesOf } = harness(serve(3600), { maxEntries: 2 });
    await cache.get(A);
    await cache.get(B);
    await cache.get(A); // A is now more recent than B
    await cache.get(C); // evicts B
    await cache.get(A);
    assert.equal(fetchesOf(A), 1, 'A stayed cached');
    await cache.get(B);
    assert.equal(fetchesOf(B), 2, 'B was evicted and fetched again');
  });

  it('refuses a client_id that is not a metadata document URL without fetching', async () => {
    const { cache, calls } = harness(serve(600));
    await assert.rejects(cache.get('https://example.com/'), InvalidMetadataDocumentError);
    await assert.rejects(cache.get('http://127.0.0.1:8080/client.json'), InvalidMetadataDocumentError);
    assert.equal(calls.length, 0);
  });
});
