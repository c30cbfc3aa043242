import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test-only loopback proxy that adds `Authorization: Bearer <token>` to every request it
 * forwards. Tools that cannot send a token (the MCP conformance suite's server mode has no option
 * for one) are pointed at it instead of at the service, and the service keeps authentication on:
 * the token is a real one, obtained through the OAuth flow, and the service checks it as usual.
 *
 * Everything else passes through untouched, in both directions and streamed (SSE answers arrive
 * as they are written): method, path, body, and every header including Host and Origin, so the
 * service's DNS-rebinding checks see what the tool really sent. The proxy listens on 127.0.0.1,
 * a name /v1/mcp answers to, so a Host naming the proxy is accepted like one naming the service.
 */
export interface BearerProxy {
  /** Where the proxy listens, e.g. http://127.0.0.1:40123 (append the service's path). */
  origin: string;
  /** How many requests went through. */
  readonly forwarded: number;
  /** Replaces the token sent from now on. */
  setToken(token: string): void;
  close(): Promise<void>;
}

export async function startBearerProxy(target: string, token: string): Promise<BearerProxy> {
  const upstream = new URL(target);
  const state = { token, forwarded: 0 };
  const server: Server = createServer((incoming, outgoing) => {
    state.forwarded++;
    const headers: IncomingHttpHeaders = { ...incoming.headers, authorization: `Bearer ${state.token}` };
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(outgoing);
        answer.on('error', () => outgoing.destroy());
      },
    );
    forward.on('error', (error) => {
      if (!outgoing.headersSent) {
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`bearer proxy: ${error.message}`);
      } else {
        outgoing.destroy();
      }
    });
    // A client that hangs up (an SSE stream it is done with) ends the upstream request too.
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) forward.destroy();
    });
    incoming.pipe(forward);
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get forwarded() {
      return state.forwarded;
    },
    setToken(next: string) {
      state.token = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
