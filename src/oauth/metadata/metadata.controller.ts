import { Controller, Get, Header } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.service';
import { RESOURCE_SCOPES, SCOPES } from '../scopes';

/**
 * Discovery. RFC 8414 authorization-server metadata (also at the OpenID path, which some clients
 * try first) and RFC 9728 protected-resource metadata at the root and path-inserted URLs. The
 * issuer is path-less and equals PUBLIC_URL (mcp-auth.md A1, A2); the resource is exactly the URL
 * users paste (D3).
 */
@Controller('.well-known')
export class MetadataController {
  constructor(private readonly config: AppConfig) {}

  @Get(['oauth-authorization-server', 'openid-configuration'])
  @Header('Cache-Control', 'public, max-age=300')
  authorizationServer(): Record<string, unknown> {
    const issuer = this.config.oauth.issuer;
    const authMethods = ['none', 'client_secret_post', 'client_secret_basic'];
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      registration_endpoint: `${issuer}/register`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint_auth_methods_supported: authMethods,
      scopes_supported: [...SCOPES],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    };
  }

  @Get(['oauth-protected-resource', 'oauth-protected-resource/v1/mcp'])
  @Header('Cache-Control', 'public, max-age=300')
  protectedResource(): Record<string, unknown> {
    return this.protectedResourceFor(this.config.oauth.resource);
  }

  /** The legacy SSE endpoint's own metadata: its clients check that `resource` is the URL they use. */
  @Get('oauth-protected-resource/v1/sse')
  @Header('Cache-Control', 'public, max-age=300')
  legacySseResource(): Record<string, unknown> {
    return this.protectedResourceFor(`${this.config.oauth.issuer}/v1/sse`);
  }

  private protectedResourceFor(resource: string): Record<string, unknown> {
    return {
      resource,
      authorization_servers: [this.config.oauth.issuer],
      // MCP 2026-07-28 §Refresh Tokens: offline_access is advertised by the AS only.
      scopes_supported: [...RESOURCE_SCOPES],
      bearer_methods_supported: ['header'],
      resource_name: 'Tesorio accounts receivable',
    };
  }
}
