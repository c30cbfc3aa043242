import type { OAuthClient } from '../clients/oauth-client.entity';

/** An /authorize request after every check passed: what the login and consent steps carry on. */
export interface AuthorizationParameters {
  client: OAuthClient;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  resource: string;
  scopes: string[];
  forceConsent: boolean;
}

/** The request as it arrives, plus what the checks have established so far. */
export interface AuthorizeContext {
  query: Record<string, unknown>;
  client?: OAuthClient;
  redirectUri?: string;
  state?: string;
  codeChallenge?: string;
  resource?: string;
  scopes?: string[];
  forceConsent?: boolean;
}

/** A single-valued parameter; undefined when absent. Express turns repeats into arrays. */
export function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}

export function isRepeated(query: Record<string, unknown>, name: string): boolean {
  return Array.isArray(query[name]);
}
