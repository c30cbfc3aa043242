import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for the endpoints browser-based MCP clients call directly — metadata, registration, token,
 * revocation (mcp-auth.md §2 "CORS for browser clients"). Any origin, no credentials: these
 * endpoints take no cookies. Never on /authorize or the pages (RFC 9700 §2.6).
 */
export function oauthCors(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Access-Control-Allow-Origin', '*');
  response.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
  if (request.method === 'OPTIONS') {
    response.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    response.setHeader(
      'Access-Control-Allow-Headers',
      'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Method, Mcp-Name',
    );
    response.setHeader('Access-Control-Max-Age', '86400');
    response.status(204).end();
    return;
  }
  next();
}
