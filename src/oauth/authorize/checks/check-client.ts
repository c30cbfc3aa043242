// Rule: the client_id names a registered client or a usable metadata document (RFC 6749 §4.1.1;
// MCP 2026-07-28 client-registration). Failures are shown on our page, never redirected.
import { UnknownClientError } from '../../oauth.errors';
import type { ClientResolver } from '../../clients/client-resolver.service';
import { isRepeated, single } from '../authorization-parameters';
import type { AuthorizeContext } from '../authorization-parameters';

export async function checkClient(context: AuthorizeContext, clients: ClientResolver): Promise<void> {
  if (isRepeated(context.query, 'client_id'))
    throw new UnknownClientError('client_id must not be provided twice.');
  const clientId = single(context.query, 'client_id');
  if (!clientId) throw new UnknownClientError('The request has no client_id.');
  context.client = await clients.resolve(clientId);
}
