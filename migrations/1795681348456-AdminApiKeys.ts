import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AdminApiKeys1795681348456 implements MigrationInterface {
  name = 'AdminApiKeys1795681348456';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "admin_api_keys" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" text NOT NULL, "key_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" text, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_461458c81b126b28d8efda97e34" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_admin_api_keys_key_hash" ON "admin_api_keys"  ("key_hash") ',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."UQ_admin_api_keys_key_hash"');
    await queryRunner.query('DROP TABLE "admin_api_keys"');
  }
}
