import { Body, Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { OAuthExceptionFilter } from '../http/oauth-exception.filter';
import { InvalidRequestError } from '../oauth.errors';
import { formParameter, requiredFormParameter } from '../token/token-request';
import { RevocationService } from './revocation.service';

/**
 * Token revocation (RFC 7009) and introspection (RFC 7662). Both authenticate the client first;
 * neither reveals anything about a token that belongs to another client.
 */
@Controller()
@UseFilters(OAuthExceptionFilter)
export class RevocationController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly revocation: RevocationService,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  async revoke(
    @Headers('content-type') contentType: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Record<string, unknown> | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    const form = this.form(contentType, body);
    const client = await this.clients.authenticate({ authorizationHeader: authorization, body: form });
    const token = requiredFormParameter(form, 'token');
    formParameter(form, 'token_type_hint'); // any hint, even a wrong one, is accepted (RFC 7009 §2.1)
    await this.revocation.revoke(client, token);
  }

  @Post('introspect')
  @HttpCode(200)
  async introspect(
    @Headers('content-type') contentType: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Record<string, unknown> | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    response.setHeader('Cache-Control', 'no-store');
    const form = this.form(contentType, body);
    const client = await this.clients.authenticate({ authorizationHeader: authorization, body: form });
    return this.revocation.introspect(client, requiredFormParameter(form, 'token'));
  }

  private form(
    contentType: string | undefined,
    body: Record<string, unknown> | undefined,
  ): Record<string, unknown> {
    if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') || !body) {
      throw new InvalidRequestError('The request must be application/x-www-form-urlencoded.');
    }
    return body;
  }
}
