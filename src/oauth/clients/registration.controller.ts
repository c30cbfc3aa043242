import { Body, Controller, Headers, HttpCode, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { OAuthExceptionFilter } from '../http/oauth-exception.filter';
import { InvalidClientMetadataError } from '../oauth.errors';
import { ClientRegistrationService } from './client-registration.service';
import type { RegistrationResponse } from './client-registration.service';

/**
 * Dynamic Client Registration (RFC 7591 §3): open registration, as MCP clients expect, limited per
 * client address (the "registration" throttler) and in total (the service's global cap).
 */
@Controller()
@UseFilters(OAuthExceptionFilter)
@UseGuards(ThrottlerGuard)
export class RegistrationController {
  constructor(private readonly registration: ClientRegistrationService) {}

  @Post('register')
  @HttpCode(201)
  @Throttle({ registration: {} })
  async register(
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegistrationResponse> {
    response.setHeader('Cache-Control', 'no-store');
    if (!contentType?.toLowerCase().startsWith('application/json')) {
      throw new InvalidClientMetadataError(
        'Client metadata must be sent as application/json (RFC 7591 §3.1).',
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidClientMetadataError('Client metadata must be a JSON object.');
    }
    return this.registration.register(body as Record<string, unknown>);
  }
}
