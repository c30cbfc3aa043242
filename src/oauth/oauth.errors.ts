/**
 * OAuth protocol errors, one class per error code of RFC 6749 §4.1.2.1 / §5.2, RFC 7591 §3.2.2,
 * RFC 7009 §2.2.1 and RFC 8707 §2. Each knows its HTTP status and whether it may travel back to the
 * client's redirect URI; the ones that may not (an unverified client or redirect URI) are shown on
 * our own page instead (OAuth 2.1 §4.1.2.1: never redirect to an invalid redirect URI).
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  /** False when the client or its redirect URI is not established: the error must not be redirected. */
  readonly redirectable: boolean = true;

  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequestError extends OAuthError {
  readonly error = 'invalid_request';
}

/** Client authentication failed (RFC 6749 §5.2): 401. */
export class InvalidClientError extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
  override readonly redirectable = false;

  constructor(
    description: string,
    /** The client tried HTTP Basic: the 401 must carry a matching WWW-Authenticate challenge. */
    readonly usedBasicAuth = false,
  ) {
    super(description);
  }
}

export class InvalidGrantError extends OAuthError {
  readonly error = 'invalid_grant';
}

export class UnauthorizedClientError extends OAuthError {
  readonly error = 'unauthorized_client';
}

export class UnsupportedGrantTypeError extends OAuthError {
  readonly error = 'unsupported_grant_type';
}

export class UnsupportedResponseTypeError extends OAuthError {
  readonly error = 'unsupported_response_type';
}

export class InvalidScopeError extends OAuthError {
  readonly error = 'invalid_scope';
}

/** RFC 8707 §2: the requested resource is not one this server issues tokens for. */
export class InvalidTargetError extends OAuthError {
  readonly error = 'invalid_target';
}

export class AccessDeniedError extends OAuthError {
  readonly error = 'access_denied';
}

export class UnsupportedTokenTypeError extends OAuthError {
  readonly error = 'unsupported_token_type';
}

/** RFC 7591 §3.2.2; at /authorize a bad redirect URI is never redirected to. */
export class InvalidRedirectUriError extends OAuthError {
  readonly error = 'invalid_redirect_uri';
  override readonly redirectable = false;
}

export class InvalidClientMetadataError extends OAuthError {
  readonly error = 'invalid_client_metadata';
}

/** At /authorize: the client_id is unknown or its metadata document could not be used. */
export class UnknownClientError extends OAuthError {
  readonly error = 'invalid_request';
  override readonly redirectable = false;
}

export class TemporarilyUnavailableError extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 503;
}

export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}

/** RFC 6585 / RFC 7591 §3: registration flood. */
export class TooManyRequestsError extends OAuthError {
  readonly error = 'too_many_requests';
  override readonly status = 429;
  override readonly redirectable = false;

  constructor(
    description: string,
    readonly retryAfterSeconds: number,
  ) {
    super(description);
  }
}
