// Rule: this server always shows its pages; prompt=none cannot be honoured silently, so it is
// answered with interaction_required rather than guessed (OpenID Connect Core §3.1.2.1 semantics);
// prompt=consent forces the consent page even for a remembered approval.
import { OAuthError } from '../../oauth.errors';
import { single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

class InteractionRequiredError extends OAuthError {
  readonly error = 'interaction_required';
}

export function checkPrompt(context: AuthorizeContext): void {
  const prompt = (single(context.query, 'prompt') ?? '').split(' ');
  if (prompt.includes('none'))
    throw new InteractionRequiredError(
      'Signing in and approving need the user; prompt=none cannot be honoured.',
    );
  context.forceConsent = prompt.includes('consent') || prompt.includes('login');
}
