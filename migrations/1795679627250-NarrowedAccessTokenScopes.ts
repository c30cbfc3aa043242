import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NarrowedAccessTokenScopes1795679627250 implements MigrationInterface {
  name = 'NarrowedAccessTokenScopes1795679627250';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "oauth_tokens" ADD "scopes" text array');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "oauth_tokens" DROP COLUMN "scopes"');
  }
}
