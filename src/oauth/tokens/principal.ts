import type { Role } from '../../identity/membership.entity';
import type { Scope } from '../scopes';

/**
 * Who is calling, established from a bearer token (DESIGN.md "The principal"). The organization
 * comes only from the grant, never from a request argument; scopes are already narrowed to what
 * the user's current role allows.
 */
export interface Principal {
  userId: string;
  orgId: string;
  role: Role;
  clientId: string;
  grantId: string;
  scopes: Scope[];
}
