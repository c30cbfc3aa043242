import { OAuthError } from '../../oauth.errors';
import type { ClientResolver } from '../../clients/client-resolver.service';
import type { OAuthClient } from '../../clients/oauth-client.entity';
import type { AuthorizationParameters, AuthorizeContext } from '../authorization-parameters';
import { checkClient } from './check-client';
import { checkPkce } from './check-pkce';
import { checkPrompt } from './check-prompt';
import { checkRedirectUri } from './check-redirect-uri';
import { checkResource } from './check-resource';
import { checkResponseType } from './check-response-type';
import { checkScope } from './check-scope';
import { checkSingleParameters } from './check-single-parameters';

/**
 * The authorization endpoint, as an ordered list of single-rule checks (STYLE.md). The first two
 * establish who to answer and where; an error they raise is shown on our own page. Every later
 * error goes back to the verified redirect URI with state and iss.
 */
export type AuthorizeOutcome =
  | { ok: true; parameters: AuthorizationParameters }
  /** redirectUri is set only once the client and its redirect URI are verified. */
  | { ok: false; error: OAuthError; redirectUri?: string; state?: string; client?: OAuthClient };

export async function runAuthorizeChecks(
  query: Record<string, unknown>,
  deps: { clients: ClientResolver; resource: readonly string[] },
): Promise<AuthorizeOutcome> {
  const context: AuthorizeContext = { query };
  try {
    await checkClient(context, deps.clients);
    checkRedirectUri(context);
    checkSingleParameters(context);
    checkResponseType(context);
    checkPkce(context);
    checkResource(context, deps.resource);
    checkScope(context);
    checkPrompt(context);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return {
      ok: false,
      error,
      redirectUri: error.redirectable ? context.redirectUri : undefined,
      state: context.state,
      client: context.client,
    };
  }
  const parameters: AuthorizationParameters = {
    client: context.client!,
    redirectUri: context.redirectUri!,
    state: context.state,
    codeChallenge: context.codeChallenge!,
    resource: context.resource!,
    scopes: context.scopes!,
    forceConsent: context.forceConsent ?? false,
  };
  return { ok: true, parameters };
}
