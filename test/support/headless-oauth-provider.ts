import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { signInAndApprove } from './oauth-browser';
import type { OAuthBrowser } from './oauth-browser';

export interface HeadlessProviderOptions {
  /** client_name of the DCR registration. */
  clientName: string;
  /** Nothing listens there: the browser stops at the redirect and the provider reads the code. */
  redirectUrl: string;
  /** An https Client ID Metadata Document URL, to register by CIMD instead of DCR. */
  clientMetadataUrl?: string;
}

/**
 * An in-memory OAuthClientProvider of the MCP SDK v2 client whose "browser" is OAuthBrowser over
 * plain HTTP, signing `person` in on our real login and consent pages. A public client (PKCE, no
 * secret) asking for refresh tokens.
 */
export class HeadlessOAuthProvider implements OAuthClientProvider {
  readonly redirectUrl: string;
  readonly clientMetadataUrl?: string;
  /** Every authorization URL the SDK sent the user to. */
  readonly authorizationUrls: URL[] = [];
  protected client?: StoredOAuthClientInformation;
  protected stored?: StoredOAuthTokens;
  protected verifier?: string;
  protected discovery?: OAuthDiscoveryState;
  private lastState?: string;
  private callback?: URL;

  /** `browser` gives the browser each authorization runs in (one kept, or a new one each time). */
  constructor(
    private readonly browser: () => OAuthBrowser,
    private readonly person: { email: string; password: string },
    private readonly options: HeadlessProviderOptions,
  ) {
    this.redirectUrl = options.redirectUrl;
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.options.clientName,
      redirect_uris: [this.redirectUrl],
      // The SDK only adds offline_access to the scope when grant_types names refresh_token.
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }

  clientInformation(): StoredOAuthClientInformation | undefined {
    return this.client;
  }

  saveClientInformation(client: StoredOAuthClientInformation): void {
    this.client = client;
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.stored = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no PKCE verifier saved before the callback');
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.authorizationUrls.push(authorizationUrl);
    this.callback = await signInAndApprove(this.browser(), authorizationUrl.toString(), this.person);
  }

  /** The callback of the last authorization, checked the way a client app must (state, no error). */
  takeCallback(): URL {
    const callback = this.callback;
    assert.ok(callback, 'the client never sent the user to the authorization endpoint');
    this.callback = undefined;
    assert.equal(callback.origin + callback.pathname, this.redirectUrl);
    assert.equal(callback.searchParams.get('error'), null, callback.toString());
    assert.equal(callback.searchParams.get('state'), this.lastState);
    return callback;
  }
}
