import { ForbiddenException, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config.service';

function hostnameOf(value: string, withScheme: boolean): string | undefined {
  try {
    return new URL(withScheme ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * DNS-rebinding defence on /v1/mcp, before authentication: a browser Origin outside the allowlist
 * and a Host we do not serve are refused with 403 (MCP 2025-11-25 transports and 2026-07-28
 * streamable-http: "MUST validate the Origin header … MUST respond with HTTP 403"; security.md J1,
 * J2). Requests without an Origin (desktop and server-side clients) pass.
 */
@Injectable()
export class OriginGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const host = request.headers.host;
    const hostname = host ? hostnameOf(host, false) : undefined;
    if (!hostname || !this.config.mcp.allowedHosts.includes(hostname)) {
      throw new ForbiddenException('This server does not answer to that Host.');
    }
    const origin = request.headers.origin;
    if (origin) {
      const originHost = hostnameOf(origin, true);
      if (!originHost || !this.config.mcp.allowedOrigins.includes(originHost)) {
        throw new ForbiddenException('Requests from this web origin are not allowed.');
      }
    }
    return true;
  }
}
