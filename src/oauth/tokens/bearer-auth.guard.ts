import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.service';
import { unauthorizedChallenge } from './bearer-challenge';
import type { Principal } from './principal';

/**
 * Guards every route that takes an access token (the MCP endpoint and others). Tokens are read
 * from the Authorization header only — never the query string or body (MCP authorization "MUST
 * NOT be included in the URI query string"; security.md G6). Failures answer 401 with the
 * challenge MCP clients use to discover us.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  constructor(private readonly config: AppConfig) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const body = request.body as Record<string, unknown> | undefined;
    if (
      request.query.access_token !== undefined ||
      (body && typeof body === 'object' && 'access_token' in body)
    ) {
      this.reject(context, 'Send the access token in the Authorization header, never in the URL or body.');
    }
    if (!request.headers.authorization) this.reject(context);
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser = Principal>(
    error: unknown,
    principal: TUser | false,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (error || !principal) this.reject(context, 'The access token is invalid, expired or revoked.');
    return principal;
  }

  private reject(context: ExecutionContext, invalidToken?: string): never {
    const response = context.switchToHttp().getResponse<Response>();
    const path = context.switchToHttp().getRequest<Request>().path;
    response.setHeader('WWW-Authenticate', unauthorizedChallenge(this.config, invalidToken, path));
    response.setHeader('Cache-Control', 'no-store');
    throw new UnauthorizedException(invalidToken ?? 'An access token is required.');
  }
}
