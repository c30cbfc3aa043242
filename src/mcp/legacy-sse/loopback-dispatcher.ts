import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DispatchResult {
  status: number;
  body: string;
}

/**
 * Runs one JSON-RPC message through this replica's own /v1/mcp endpoint, so legacy SSE clients get
 * exactly what streamable-HTTP clients get — the same guards, tools, errors and audit — without a
 * second MCP implementation. The caller's Authorization and Host travel with it.
 */
@Injectable()
export class LoopbackDispatcher {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async dispatch(message: string, headers: { authorization: string; host: string }): Promise<DispatchResult> {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const { port, address } = server.address() as AddressInfo;
    const host = address === '::' || address === '0.0.0.0' ? '127.0.0.1' : address;
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host,
          port,
          method: 'POST',
          path: '/v1/mcp',
          headers: {
            host: headers.host,
            authorization: headers.authorization,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'content-length': Buffer.byteLength(message),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 500, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(message);
    });
  }
}
