import { Injectable } from '@nestjs/common';
import { InvalidClientError, InvalidRequestError } from '../oauth.errors';
import { constantTimeEquals, hashSecret } from '../tokens/token-values';
import { ClientsRepository } from './clients.repository';
import type { OAuthClient } from './oauth-client.entity';

export interface ClientCredentials {
  authorizationHeader: string | undefined;
  body: Record<string, unknown>;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function decodeBasic(header: string): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3,
 * OAuth 2.1 §2.4): public clients name themselves with client_id; confidential clients prove
 * themselves with client_secret_basic or client_secret_post (either is accepted for a client
 * registered with one of them — Claude Code has been seen using Basic after registering for post).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(private readonly clients: ClientsRepository) {}

  async authenticate(credentials: ClientCredentials): Promise<OAuthClient> {
    const header = credentials.authorizationHeader;
    const basic = header ? decodeBasic(header) : undefined;
    if (header && !basic)
      throw new InvalidClientError('The Authorization header is not valid HTTP Basic.', true);
    const bodyId = credentials.body.client_id;
    const bodySecret = credentials.body.client_secret;
    if (bodyId !== undefined && typeof bodyId !== 'string')
      throw new InvalidRequestError('client_id must appear once.');
    if (bodySecret !== undefined && typeof bodySecret !== 'string') {
      throw new InvalidRequestError('client_secret must appear once.');
    }
    if (basic && bodySecret) {
      throw new InvalidRequestError(
        'Use one client authentication method, not Basic and client_secret together.',
      );
    }
    if (basic && bodyId !== undefined && bodyId !== basic.clientId) {
      throw new InvalidClientError('client_id does not match the Basic credentials.', true);
    }
    const clientId = basic?.clientId ?? bodyId;
    const secret = basic?.secret ?? (bodySecret || undefined);
    if (!clientId)
      throw new InvalidClientError('Client authentication is required: send client_id.', Boolean(basic));

    const client = await this.clients.findForAuthentication(clientId);
    if (!client || client.disabledAt)
      throw new InvalidClientError('Unknown or disabled client.', Boolean(basic));
    if (client.tokenEndpointAuthMethod === 'none') {
      if (secret) throw new InvalidClientError('This client is public and has no secret.', Boolean(basic));
      return client;
    }
    if (!secret || !client.secretHash || !constantTimeEquals(hashSecret(secret), client.secretHash)) {
      throw new InvalidClientError('Client authentication failed.', Boolean(basic));
    }
    if (client.secretExpiresAt && client.secretExpiresAt.getTime() <= Date.now()) {
      throw new InvalidClientError(
        'The client secret has expired; register the client again.',
        Boolean(basic),
      );
    }
    return client;
  }
}
