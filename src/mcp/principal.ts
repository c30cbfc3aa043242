import type { McpContext } from '@rekog/mcp-nest';
import type { Request } from 'express';
import type { Principal } from '../oauth/tokens/principal';
import type { CommandContext } from '../receivables/commands/actor';

/** The verified principal the bearer guard put on the request; tools never trust arguments for it. */
export function principalOf(context: McpContext): Principal {
  const request = context.getRawRequest<Request>();
  const principal = request?.user as Principal | undefined;
  if (!principal) throw new Error('MCP request reached a tool without an authenticated principal.');
  return principal;
}

/** The receivables write context: organization and actor from the grant, never from the model. */
export function commandContextOf(context: McpContext, idempotencyKey?: string): CommandContext {
  const principal = principalOf(context);
  return {
    orgId: principal.orgId,
    actor: { type: 'user', userId: principal.userId, clientId: principal.clientId },
    idempotencyKey,
  };
}
