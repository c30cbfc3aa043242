/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document; MCP 2026-07-28
 * client-registration "Client ID Metadata Documents"): the `client_id` is an https URL and the
 * client's RFC 7591 metadata is the JSON served there. This file holds the pure rules: which
 * client_ids are such URLs, and which documents we accept.
 */

export interface ClientMetadataDocument {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  clientUri?: string;
  logoUri?: string;
  scope?: string;
  /** Only public clients: a metadata document cannot carry a secret we issued. */
  tokenEndpointAuthMethod: 'none';
  grantTypes: string[];
  responseTypes: string[];
}

export class InvalidMetadataDocumentError extends Error {
  override readonly name = 'InvalidMetadataDocumentError';

  constructor(readonly reason: string) {
    super(reason);
  }
}

const MAX_URL_LENGTH = 2000;
const MAX_REDIRECT_URIS = 20;
const MAX_CLIENT_NAME_LENGTH = 200;
const MAX_SCOPE_LENGTH = 1000;
const SUPPORTED_GRANT_TYPES: ReadonlySet<string> = new Set(['authorization_code', 'refresh_token']);
const LOOPBACK_TEST_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A client_id that is a CIMD URL: https, has a path other than "/", no fragment, no user-info, no
 * "." or ".." segments (draft-ietf-oauth-client-id-metadata-document, "Client Identifier"). With
 * allowInsecureLoopback, http://127.0.0.1:port/... and http://localhost:port/... also count.
 * The rules are checked on the string as written, because WHATWG URL silently removes dot
 * segments, empty user-info and tabs or newlines, and the document must match it byte for byte.
 */
export function isMetadataDocumentUrl(clientId: string, allowInsecureLoopback = false): boolean {
  if (clientId.length > MAX_URL_LENGTH || hasWhitespaceOrControl(clientId) || clientId.includes('\\')) {
    return false;
  }
  const url = URL.parse(clientId);
  const raw = splitAuthorityAndPath(clientId);
  if (!url || !raw) return false;
  const schemeAllowed =
    url.protocol === 'https:' ||
    (allowInsecureLoopback && url.protocol === 'http:' && LOOPBACK_TEST_HOSTS.has(url.hostname));
  return (
    schemeAllowed &&
    url.pathname !== '/' &&
    !clientId.includes('#') &&
    !raw.authority.includes('@') &&
    !hasDotSegment(raw.path)
  );
}

function hasWhitespaceOrControl(value: string): boolean {
  return [...value].some((char) => char.charCodeAt(0) <= 0x20 || char.charCodeAt(0) === 0x7f);
}

/** Authority and path exactly as written; null unless the URL starts "https://" or "http://". */
function splitAuthorityAndPath(clientId: string): { authority: string; path: string } | null {
  const scheme = /^https?:\/\//.exec(clientId);
  if (!scheme) return null;
  const rest = clientId.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const afterAuthority = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  const pathEnd = afterAuthority.search(/[?#]/);
  return { authority, path: pathEnd === -1 ? afterAuthority : afterAuthority.slice(0, pathEnd) };
}

// WHATWG URL treats %2e as a dot too, so "/a/%2E%2e/b" is a ".." segment.
function hasDotSegment(path: string): boolean {
  return path
    .split('/')
    .map((segment) => segment.toLowerCase().replaceAll('%2e', '.'))
    .some((segment) => segment === '.' || segment === '..');
}

/**
 * Validates the JSON served at `url` (MCP 2026-07-28 client-registration: client_id must equal the
 * URL exactly; client_id, client_name and redirect_uris are required). Does not judge redirect URI
 * schemes; the caller applies its redirect policy.
 */
export function parseClientMetadataDocument(url: string, body: unknown): ClientMetadataDocument {
  const document = asJsonObject(body);
  if (document.client_id !== url) {
    throw new InvalidMetadataDocumentError(
      'client_id in the metadata document must equal the URL it was fetched from, character for character',
    );
  }
  rejectSecrets(document);
  const clientUri = optionalWebUrl(document, 'client_uri');
  const logoUri = optionalWebUrl(document, 'logo_uri');
  const scope = optionalString(document, 'scope', MAX_SCOPE_LENGTH);
  return {
    clientId: url,
    clientName: requiredString(document, 'client_name', MAX_CLIENT_NAME_LENGTH),
    redirectUris: redirectUris(document.redirect_uris),
    ...(clientUri !== undefined && { clientUri }),
    ...(logoUri !== undefined && { logoUri }),
    ...(scope !== undefined && { scope }),
    tokenEndpointAuthMethod: tokenEndpointAuthMethod(document.token_endpoint_auth_method),
    grantTypes: grantTypes(document.grant_types),
    responseTypes: responseTypes(document.response_types),
  };
}

type JsonObject = Record<string, unknown>;

function invalid(reason: string): InvalidMetadataDocumentError {
  return new InvalidMetadataDocumentError(reason);
}

function asJsonObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('the metadata document must be a JSON object');
  }
  return body as JsonObject;
}

// The draft's "Client Metadata" section: no shared secret can be established through a public
// document, so a document that carries one is refused rather than half-trusted.
function rejectSecrets(document: JsonObject): void {
  for (const field of ['client_secret', 'client_secret_expires_at']) {
    if (document[field] !== undefined) {
      throw invalid(
        `the metadata document must not contain ${field}; a metadata-document client has no secret`,
      );
    }
  }
}

function requiredString(document: JsonObject, field: string, maxLength: number): string {
  const value = document[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`the metadata document must have ${field} as a non-empty string`);
  }
  if (value.length > maxLength) throw invalid(`${field} must be at most ${maxLength} characters`);
  return value;
}

/** RFC 7591 optional metadata: absent and null both mean "not given". */
function optionalString(document: JsonObject, field: string, maxLength: number): string | undefined {
  if (document[field] === undefined || document[field] === null) return undefined;
  return requiredString(document, field, maxLength);
}

// These links end up on the consent screen, so nothing but http(s) (no javascript: or data:).
function optionalWebUrl(document: JsonObject, field: string): string | undefined {
  const value = optionalString(document, field, MAX_URL_LENGTH);
  if (value === undefined) return undefined;
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw invalid(`${field} must be an http or https URL`);
  }
  return value;
}

function redirectUris(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('redirect_uris must be a non-empty array of strings');
  }
  if (value.length > MAX_REDIRECT_URIS)
    throw invalid(`redirect_uris may list at most ${MAX_REDIRECT_URIS} URIs`);
  return value.map((uri) => {
    if (typeof uri !== 'string' || uri === '' || uri.length > MAX_URL_LENGTH) {
      throw invalid(
        `every redirect_uris entry must be a non-empty string of at most ${MAX_URL_LENGTH} characters`,
      );
    }
    return uri;
  });
}

/**
 * A document cannot hold a secret we issued, so the client is public and proves possession with
 * PKCE. Absent means "none" here, not RFC 7591's client_secret_basic default, for the same reason.
 * A document declaring private_key_jwt is accepted as a public client too: we do not advertise that
 * method, and clients such as ChatGPT fall back to "none" when the server does not (mcp-auth.md §2);
 * PKCE protects the code either way. Secret-based methods make no sense without a secret.
 */
function tokenEndpointAuthMethod(value: unknown): 'none' {
  if (value === undefined || value === null || value === 'none' || value === 'private_key_jwt') return 'none';
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : 'a non-string value';
  throw invalid(
    `token_endpoint_auth_method ${shown} is not supported for metadata-document clients; only "none" is accepted`,
  );
}

function stringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string')) {
    throw invalid(`${field} must be a non-empty array of strings`);
  }
  return value;
}

function grantTypes(value: unknown): string[] {
  if (value === undefined || value === null) return ['authorization_code'];
  const grants = stringArray(value, 'grant_types');
  const unsupported = grants.find((grant) => !SUPPORTED_GRANT_TYPES.has(grant));
  if (unsupported !== undefined) {
    throw invalid(
      `grant_types may only contain authorization_code and refresh_token; "${unsupported.slice(0, 40)}" is not supported`,
    );
  }
  return [...new Set(grants)];
}

function responseTypes(value: unknown): string[] {
  if (value === undefined || value === null) return ['code'];
  const types = stringArray(value, 'response_types');
  if (types.some((type) => type !== 'code')) throw invalid('response_types must be ["code"]');
  return ['code'];
}
