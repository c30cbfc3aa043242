import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OAuthClient } from './oauth-client.entity';

/** Storage of OAuth clients; TypeORM stays in here (STYLE.md, Repositories). */
@Injectable()
export class ClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: string): Promise<OAuthClient | null> {
    return this.dataSource.getRepository(OAuthClient).findOneBy({ id });
  }

  /** The client with its secret hash, for client authentication only. */
  async findForAuthentication(id: string): Promise<OAuthClient | null> {
    return this.dataSource
      .getRepository(OAuthClient)
      .createQueryBuilder('c')
      .addSelect('c.secretHash')
      .where('c.id = :id', { id })
      .getOne();
  }

  async insert(client: Partial<OAuthClient>): Promise<void> {
    await this.dataSource.getRepository(OAuthClient).insert(client);
  }

  /** A metadata-document client is (re)written each time its document is fetched afresh. */
  async upsertMetadataDocumentClient(client: Partial<OAuthClient> & { id: string }): Promise<OAuthClient> {
    await this.dataSource
      .getRepository(OAuthClient)
      .upsert(
        { ...client, kind: 'metadata_document', tokenEndpointAuthMethod: 'none', secretHash: null },
        { conflictPaths: ['id'] },
      );
    return (await this.findById(client.id)) as OAuthClient;
  }

  async countRegisteredSince(since: Date): Promise<number> {
    return this.dataSource
      .getRepository(OAuthClient)
      .createQueryBuilder('c')
      .where('c.kind = :kind AND c.createdAt >= :since', { kind: 'dynamic', since })
      .getCount();
  }
}
