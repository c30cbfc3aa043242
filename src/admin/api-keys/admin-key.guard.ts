import { Injectable, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ADMIN_KEY_PREFIX, AdminApiKeysService } from './admin-api-keys.service';
import type { AdminKeyIdentity } from './admin-api-keys.service';

type AdminRequest = Request & { adminKey?: AdminKeyIdentity };

/**
 * Admin API authentication: `Authorization: Bearer tmcp_ak_…`, an admin key that is not revoked.
 * Nothing else is accepted — an MCP access token, however valid, is a user's credential and opens
 * nothing here. A plain guard rather than a passport strategy: passport's strategy registry is
 * process-global, and two services in one process would answer with each other's keys.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(private readonly keys: AdminApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const credential = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!credential) {
      reject(response, `An admin API key is required: send "Authorization: Bearer ${ADMIN_KEY_PREFIX}…".`);
    }
    if (!credential.startsWith(ADMIN_KEY_PREFIX)) {
      reject(
        response,
        `Only admin API keys (${ADMIN_KEY_PREFIX}…) are accepted here; MCP access tokens and other credentials are not.`,
      );
    }
    const key = await this.keys.authenticate(credential);
    if (!key) reject(response, 'The admin API key is unknown or has been revoked.');
    request.adminKey = key;
    return true;
  }
}

function reject(response: Response, message: string): never {
  response.setHeader('WWW-Authenticate', 'Bearer realm="tesorio-admin"');
  response.setHeader('Cache-Control', 'no-store');
  throw new UnauthorizedException({ error: 'unauthorized', message });
}

/** The admin key the request was authenticated with (AdminKeyGuard must run first). */
export const AdminKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AdminKeyIdentity => {
    const key = context.switchToHttp().getRequest<AdminRequest>().adminKey;
    if (!key) throw new Error('AdminKey used on a route without AdminKeyGuard.');
    return key;
  },
);
