import { startReplicaProxy } from './replica-proxy';

/**
 * A test-only load balancer without sticky sessions: each request goes to the next backend in
 * turn, streamed both ways with its method, path and headers (Host included) untouched, and status
 * and headers passed back (replica-proxy does the forwarding). It starts with no backend, so its
 * origin can be handed to the services as their PUBLIC_URL before they exist; setBackends() wires
 * them in once they listen. Every request is recorded with the backend that served it.
 */
export interface ServedRequest {
  method: string;
  /** The path without its query string. */
  path: string;
  /** Index of the backend in the setBackends() list. */
  backend: number;
}

export interface RoundRobinProxy {
  /** Where the proxy listens, e.g. http://127.0.0.1:40123. */
  origin: string;
  /** Every request so far, in arrival order, with the backend it was sent to. */
  readonly served: ServedRequest[];
  /** The backends (base URLs) requests are spread over, in turn from the first. */
  setBackends(baseUrls: string[]): void;
  /** Index of the backend the next request will go to. */
  readonly nextBackend: number;
  /** How many requests each backend served, from `since` (an index into `served`) on. */
  counts(since?: number): number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  const served: ServedRequest[] = [];
  let backends: string[] = [];
  let turn = 0;
  // A backend no one set yet: the forwarding fails fast and the caller gets a 502.
  const nowhere = 'http://127.0.0.1:9';

  const proxy = await startReplicaProxy((request) => {
    if (backends.length === 0) return nowhere;
    const backend = turn;
    turn = (turn + 1) % backends.length;
    served.push({ method: request.method ?? 'GET', path: (request.url ?? '').split('?')[0], backend });
    return backends[backend];
  });

  return {
    origin: proxy.origin,
    served,
    setBackends(baseUrls) {
      backends = [...baseUrls];
      turn = 0;
    },
    get nextBackend() {
      return turn;
    },
    counts(since = 0) {
      const counts = backends.map(() => 0);
      for (const entry of served.slice(since)) counts[entry.backend]++;
      return counts;
    },
    close: () => proxy.close(),
  };
}
