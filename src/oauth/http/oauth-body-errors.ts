import type { Response } from 'express';

/** The endpoints OAuth clients call with a body: their errors must be RFC 6749 §5.2 JSON. */
const OAUTH_BODY_ENDPOINTS = new Set(['/token', '/register', '/revoke', '/introspect']);

export function isOAuthBodyEndpoint(path: string): boolean {
  return OAUTH_BODY_ENDPOINTS.has(path.replace(/\/+$/, '') || '/');
}

/**
 * A body the parser refused (malformed JSON, too large, bad encoding), answered in the OAuth error
 * format with no-store, like every other error of these endpoints (security.md C8, mcp-auth.md A7).
 */
export function sendOAuthBodyError(response: Response, error: { status?: number; message?: string }): void {
  const status = error.status === 413 ? 413 : 400;
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  response.status(status).json({
    error: 'invalid_request',
    error_description:
      status === 413
        ? 'The request body is too large.'
        : `The request body could not be parsed: ${error.message ?? 'malformed'}.`,
  });
}
