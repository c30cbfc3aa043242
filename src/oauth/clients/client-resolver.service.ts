import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.service';
import { UnknownClientError } from '../oauth.errors';
import { ClientsRepository } from './clients.repository';
import {
  InvalidMetadataDocumentError,
  isMetadataDocumentUrl,
} from './metadata-document/client-metadata-document';
import { MetadataDocumentCache } from './metadata-document/metadata-document.cache';
import { UnsafeFetchError } from './metadata-document/safe-fetch';
import type { OAuthClient } from './oauth-client.entity';
import { redirectUriProblem } from './redirect-uris';

/**
 * Finds the client behind a client_id at /authorize: a registered (DCR or static) client from the
 * database, or — when the client_id is an https URL — the Client ID Metadata Document fetched
 * through the SSRF-guarded fetcher (MCP 2026-07-28 client-registration). The document is copied
 * into oauth_clients so grants, codes and the admin API can refer to the client like any other.
 */
@Injectable()
export class ClientResolver {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly documents: MetadataDocumentCache,
    private readonly config: AppConfig,
  ) {}

  isMetadataDocumentClientId(clientId: string): boolean {
    return isMetadataDocumentUrl(clientId, this.config.oauth.cimd.allowInsecureLoopback);
  }

  /** The usable client, or UnknownClientError (shown on our page, never redirected). */
  async resolve(clientId: string): Promise<OAuthClient> {
    const client = this.isMetadataDocumentClientId(clientId)
      ? await this.fromMetadataDocument(clientId)
      : await this.clients.findById(clientId);
    if (!client) throw new UnknownClientError('The client_id is not registered with this server.');
    if (client.disabledAt) throw new UnknownClientError('This app has been disabled by the administrator.');
    return client;
  }

  private async fromMetadataDocument(url: string): Promise<OAuthClient> {
    const existing = await this.clients.findById(url);
    if (existing?.disabledAt) return existing;
    try {
      const document = await this.documents.get(url);
      for (const uri of document.redirectUris) {
        const problem = redirectUriProblem(uri, this.config.oauth.allowedRedirectSchemes);
        if (problem) throw new InvalidMetadataDocumentError(`redirect URI rejected: ${problem}`);
      }
      return await this.clients.upsertMetadataDocumentClient({
        id: url,
        clientName: document.clientName,
        redirectUris: document.redirectUris,
        grantTypes: document.grantTypes,
        applicationType: 'native',
        scope: document.scope ?? null,
        clientUri: document.clientUri ?? null,
        logoUri: document.logoUri ?? null,
      });
    } catch (error) {
      if (error instanceof UnsafeFetchError || error instanceof InvalidMetadataDocumentError) {
        throw new UnknownClientError(
          `The client's metadata document at ${url} cannot be used: ${error.reason}.`,
        );
      }
      throw error;
    }
  }
}
