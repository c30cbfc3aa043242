import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.service';
import { InvalidClientMetadataError, InvalidRedirectUriError, TooManyRequestsError } from '../oauth.errors';
import { isScope, parseScopeParameter } from '../scopes';
import { hashSecret, newSecret } from '../tokens/token-values';
import { ClientsRepository } from './clients.repository';
import { TOKEN_ENDPOINT_AUTH_METHODS } from './oauth-client.entity';
import type { TokenEndpointAuthMethod } from './oauth-client.entity';
import { redirectUriProblem } from './redirect-uris';

const GRANT_TYPES = ['authorization_code', 'refresh_token'];
const MAX_REDIRECT_URIS = 10;
const MAX_NAME_LENGTH = 200;
/** The server-wide hourly cap is this many times the per-address limit. */
const GLOBAL_CAP_FACTOR = 50;

export interface RegistrationResponse {
  client_id: string;
  client_id_issued_at: number;
  client_secret?: string;
  client_secret_expires_at?: number;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  application_type: string;
  scope?: string;
  client_uri?: string;
  logo_uri?: string;
  software_id?: string;
  software_version?: string;
}

type Metadata = Record<string, unknown>;

function optionalString(body: Metadata, field: string, max = 2000): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw new InvalidClientMetadataError(`${field} must be a string of at most ${max} characters.`);
  }
  return value;
}

function stringArray(body: Metadata, field: string, fallback: string[]): string[] {
  const value = body[field];
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new InvalidClientMetadataError(`${field} must be an array of strings.`);
  }
  return [...new Set(value)];
}

function httpsUrl(body: Metadata, field: string): string | undefined {
  const value = optionalString(body, field);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidClientMetadataError(`${field} must be an absolute https URL.`);
  }
  if (url.protocol !== 'https:') throw new InvalidClientMetadataError(`${field} must be an https URL.`);
  return value;
}

/** Control characters and bidi overrides would let a name disguise itself on the consent page. */
function cleanName(name: string): string {
  return name.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
}

/**
 * Dynamic Client Registration (RFC 7591 §3). Lenient where the real clients differ (mcp-auth.md
 * §2: Claude's confidential client_secret_post, Claude Code's names with parentheses, Cursor's
 * three redirect URIs including cursor://), strict where security depends on it (redirect URIs).
 * Every value is self-asserted (RFC 7591 §5); the client_id is always ours (RFC 9700 §4.15).
 */
@Injectable()
export class ClientRegistrationService {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly config: AppConfig,
  ) {}

  async register(body: Metadata): Promise<RegistrationResponse> {
    await this.enforceGlobalCap();
    const redirectUris = this.redirectUris(body);
    const grantTypes = stringArray(body, 'grant_types', ['authorization_code']);
    if (!grantTypes.includes('authorization_code') || grantTypes.some((g) => !GRANT_TYPES.includes(g))) {
      throw new InvalidClientMetadataError(
        `grant_types must include authorization_code and may add refresh_token; got ${JSON.stringify(grantTypes)}.`,
      );
    }
    const responseTypes = stringArray(body, 'response_types', ['code']);
    if (responseTypes.length !== 1 || responseTypes[0] !== 'code') {
      throw new InvalidClientMetadataError('response_types must be ["code"].');
    }
    const method = optionalString(body, 'token_endpoint_auth_method') ?? 'client_secret_basic';
    if (!(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(method)) {
      throw new InvalidClientMetadataError(
        `token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}.`,
      );
    }
    const authMethod = method as TokenEndpointAuthMethod;
    const applicationType = optionalString(body, 'application_type') ?? 'web';
    if (applicationType !== 'web' && applicationType !== 'native') {
      throw new InvalidClientMetadataError('application_type must be "web" or "native".');
    }
    const requestedName = cleanName(optionalString(body, 'client_name', MAX_NAME_LENGTH) ?? '');
    const clientName = requestedName || new URL(redirectUris[0]).host || 'Unnamed app';
    const scopeParameter = optionalString(body, 'scope', 1000);
    // Unknown scopes (older Claude builds sent "claudeai") are dropped rather than refused.
    const scope = scopeParameter
      ? (parseScopeParameter(scopeParameter) ?? []).filter(isScope).join(' ') || undefined
      : undefined;

    const clientId = newSecret('clientId');
    const secret = authMethod === 'none' ? undefined : newSecret('clientSecret');
    const clientUri = httpsUrl(body, 'client_uri');
    const logoUri = httpsUrl(body, 'logo_uri');
    const softwareId = optionalString(body, 'software_id', 200);
    const softwareVersion = optionalString(body, 'software_version', 200);
    const issuedAt = new Date();
    await this.clients.insert({
      id: clientId,
      kind: 'dynamic',
      clientName,
      redirectUris,
      tokenEndpointAuthMethod: authMethod,
      secretHash: secret ? hashSecret(secret) : null,
      // Secrets do not expire on their own: grants do (REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS), and a
      // client with an expired secret has no standard way to learn it must register again.
      secretExpiresAt: null,
      grantTypes,
      applicationType,
      scope: scope ?? null,
      clientUri: clientUri ?? null,
      logoUri: logoUri ?? null,
      softwareId: softwareId ?? null,
      softwareVersion: softwareVersion ?? null,
      createdAt: issuedAt,
    });
    return {
      client_id: clientId,
      client_id_issued_at: Math.floor(issuedAt.getTime() / 1000),
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      client_name: clientName,
      redirect_uris: redirectUris,
      grant_types: grantTypes,
      response_types: responseTypes,
      token_endpoint_auth_method: authMethod,
      application_type: applicationType,
      ...(scope ? { scope } : {}),
      ...(clientUri ? { client_uri: clientUri } : {}),
      ...(logoUri ? { logo_uri: logoUri } : {}),
      ...(softwareId ? { software_id: softwareId } : {}),
      ...(softwareVersion ? { software_version: softwareVersion } : {}),
    };
  }

  /** A flood spread over many addresses still stops here (security.md F5). */
  private async enforceGlobalCap(): Promise<void> {
    const cap = this.config.oauth.registrationsPerHour * GLOBAL_CAP_FACTOR;
    const lastHour = await this.clients.countRegisteredSince(new Date(Date.now() - 3600_000));
    if (lastHour >= cap) {
      throw new TooManyRequestsError('Too many client registrations on this server; try again later.', 600);
    }
  }

  private redirectUris(body: Metadata): string[] {
    const value = body.redirect_uris;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
      throw new InvalidRedirectUriError('redirect_uris must be a non-empty array of URI strings.');
    }
    if (value.length > MAX_REDIRECT_URIS) {
      throw new InvalidRedirectUriError(`At most ${MAX_REDIRECT_URIS} redirect_uris may be registered.`);
    }
    for (const uri of value) {
      const problem = redirectUriProblem(uri, this.config.oauth.allowedRedirectSchemes);
      if (problem) throw new InvalidRedirectUriError(`Redirect URI rejected: ${problem}.`);
    }
    return [...new Set(value)];
  }
}
