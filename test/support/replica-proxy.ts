import { createServer, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test-only load balancer on loopback: each request goes to the replica `route` picks, streamed
 * both ways (SSE answers arrive as they are written) with every header untouched, Host included,
 * as an ingress without sticky sessions would do.
 */
export interface ReplicaProxy {
  /** Where the proxy listens, e.g. http://127.0.0.1:40123. */
  origin: string;
  /** Which replica (base URL) served each request, in order, as "METHOD /path → base". */
  readonly log: string[];
  close(): Promise<void>;
}

export async function startReplicaProxy(route: (request: IncomingMessage) => string): Promise<ReplicaProxy> {
  const log: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const target = new URL(route(incoming));
    log.push(`${incoming.method} ${(incoming.url ?? '').split('?')[0]} → ${target.origin}`);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        outgoing.flushHeaders();
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    // The client hung up (closed its SSE stream): hang up upstream too, as a proxy does.
    outgoing.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
