import {
  InvalidMetadataDocumentError,
  isMetadataDocumentUrl,
  parseClientMetadataDocument,
} from './client-metadata-document';
import type { ClientMetadataDocument } from './client-metadata-document';
import { fetchPublicJson } from './safe-fetch';
import type { FetchPolicy } from './safe-fetch';

/**
 * In-process cache of client metadata documents. MCP 2026-07-28 client-registration: the AS SHOULD
 * cache per the HTTP cache headers; the floor and ceiling keep a client from making us fetch on every
 * request (max-age=0) or from pinning a stale document forever. Per replica, by design.
 */

export interface MetadataDocumentCacheOptions {
  policy: FetchPolicy;
  minTtlSeconds: number;
  maxTtlSeconds: number;
  defaultTtlSeconds: number;
  maxEntries: number;
  now?: () => number;
  /** Injectable for unit tests. */
  fetch?: typeof fetchPublicJson;
}

/** A failed client_id is remembered this long, so a bad one cannot make us hammer its host. */
export const FAILURE_TTL_SECONDS = 30;

interface Entry {
  /** Shared by every caller, including those that arrive while the fetch is still running. */
  document: Promise<ClientMetadataDocument>;
  /** Epoch ms; infinite while the fetch is in flight. */
  expiresAt: number;
}

export class MetadataDocumentCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly fetchJson: typeof fetchPublicJson;

  constructor(private readonly options: MetadataDocumentCacheOptions) {
    this.now = options.now ?? Date.now;
    this.fetchJson = options.fetch ?? fetchPublicJson;
  }

  /**
   * Fetches (or returns the cached) document; concurrent calls for one URL share one fetch;
   * failures are cached for FAILURE_TTL_SECONDS; TTL = clamp(max-age, min, max), default when
   * absent. Throws UnsafeFetchError or InvalidMetadataDocumentError.
   */
  get(clientIdUrl: string): Promise<ClientMetadataDocument> {
    if (!isMetadataDocumentUrl(clientIdUrl, this.options.policy.allowInsecureLoopback)) {
      return Promise.reject(
        new InvalidMetadataDocumentError('client_id is not a client metadata document URL'),
      );
    }
    const cached = this.entries.get(clientIdUrl);
    const entry = cached && cached.expiresAt > this.now() ? cached : this.load(clientIdUrl);
    this.remember(clientIdUrl, entry);
    return entry.document;
  }

  private load(url: string): Entry {
    const entry: Entry = {
      expiresAt: Infinity,
      document: this.fetchAndParse(url).then(
        ({ document, ttlSeconds }) => {
          entry.expiresAt = this.now() + ttlSeconds * 1000;
          return document;
        },
        (error: unknown) => {
          entry.expiresAt = this.now() + FAILURE_TTL_SECONDS * 1000;
          throw error;
        },
      ),
    };
    return entry;
  }

  private async fetchAndParse(
    url: string,
  ): Promise<{ document: ClientMetadataDocument; ttlSeconds: number }> {
    const fetched = await this.fetchJson(url, this.options.policy);
    return {
      document: parseClientMetadataDocument(url, fetched.body),
      ttlSeconds: this.ttlFor(fetched.maxAgeSeconds),
    };
  }

  private ttlFor(maxAgeSeconds: number | undefined): number {
    const { minTtlSeconds, maxTtlSeconds, defaultTtlSeconds } = this.options;
    return Math.min(maxTtlSeconds, Math.max(minTtlSeconds, maxAgeSeconds ?? defaultTtlSeconds));
  }

  /** Least recently used goes first once the cache is full (Map keeps insertion order). */
  private remember(url: string, entry: Entry): void {
    this.entries.delete(url);
    this.entries.set(url, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
