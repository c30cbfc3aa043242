import { Body, Controller, Headers, HttpCode, Inject, Optional, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from '../../observability/metrics';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { OAuthExceptionFilter } from '../http/oauth-exception.filter';
import { InvalidRequestError, UnauthorizedClientError, UnsupportedGrantTypeError } from '../oauth.errors';
import type { TokenResponse } from '../tokens/token-issuer';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { formParameter } from './token-request';

/** The token endpoint (OAuth 2.1 §3.2): form-encoded in, JSON out, never cached. */
@Controller()
@UseFilters(OAuthExceptionFilter)
export class TokenController {
  /** Prometheus oauth_tokens_issued_total; property-injected so the constructor stays as it was. */
  @Optional() @Inject(Metrics) private readonly metrics?: Metrics;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly authorizationCode: AuthorizationCodeGrant,
    private readonly refreshToken: RefreshTokenGrant,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(
    @Headers('content-type') contentType: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Record<string, unknown> | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenResponse> {
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') || !body) {
      throw new InvalidRequestError('The token request must be application/x-www-form-urlencoded.');
    }
    const grantType = formParameter(body, 'grant_type');
    if (!grantType) throw new InvalidRequestError('grant_type is required.');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      // RFC 9700 §2.4: no password grant; OAuth 2.1 has no implicit grant.
      throw new UnsupportedGrantTypeError(`grant_type "${grantType}" is not supported.`);
    }
    const client = await this.clients.authenticate({ authorizationHeader: authorization, body });
    if (!client.grantTypes.includes(grantType)) {
      throw new UnauthorizedClientError(`This client is not registered for the ${grantType} grant.`);
    }
    const issued = await (grantType === 'authorization_code'
      ? this.authorizationCode.exchange(client, body)
      : this.refreshToken.exchange(client, body));
    this.metrics?.tokensIssued.inc({ grant_type: grantType }); // metric hook: counted only on success
    return issued;
  }
}
