// Rule: PKCE with S256 is required of every client, stated explicitly — no plain, no default, no
// downgrade (RFC 9700 §2.1.1, OAuth 2.1 §4.1.2.1, security.md B1–B3).
import { InvalidRequestError } from '../../oauth.errors';
import { single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

/** base64url(SHA-256(verifier)) is always 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function checkPkce(context: AuthorizeContext): void {
  const challenge = single(context.query, 'code_challenge');
  const method = single(context.query, 'code_challenge_method');
  if (!challenge) throw new InvalidRequestError('code_challenge is required (PKCE with S256).');
  if (method !== 'S256') throw new InvalidRequestError('code_challenge_method must be S256.');
  if (!S256_CHALLENGE.test(challenge)) {
    throw new InvalidRequestError(
      'code_challenge must be the 43-character base64url SHA-256 of the verifier.',
    );
  }
  context.codeChallenge = challenge;
}
