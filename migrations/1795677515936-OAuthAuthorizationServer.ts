import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthAuthorizationServer1795677515936 implements MigrationInterface {
  name = 'OAuthAuthorizationServer1795677515936';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "login_sessions" ("id_hash" text NOT NULL, "user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9e9b678f5cfc0977b94c38b690c" PRIMARY KEY ("id_hash"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_login_sessions_expires" ON "login_sessions"  ("expires_at") ');
    await queryRunner.query('CREATE INDEX "IDX_login_sessions_user" ON "login_sessions"  ("user_id") ');
    await queryRunner.query(
      'CREATE TABLE "login_throttles" ("key" text NOT NULL, "failures" integer NOT NULL DEFAULT \'0\', "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "lockouts" integer NOT NULL DEFAULT \'0\', "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_366650e3560115bd25315ca53d0" PRIMARY KEY ("key"))',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"oauth_client_kind\" AS ENUM('dynamic', 'metadata_document', 'static')",
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"oauth_token_endpoint_auth_method\" AS ENUM('none', 'client_secret_post', 'client_secret_basic')",
    );
    await queryRunner.query(
      'CREATE TABLE "oauth_clients" ("id" text NOT NULL, "kind" "public"."oauth_client_kind" NOT NULL, "client_name" text NOT NULL, "redirect_uris" text array NOT NULL, "token_endpoint_auth_method" "public"."oauth_token_endpoint_auth_method" NOT NULL, "secret_hash" text, "secret_expires_at" TIMESTAMP WITH TIME ZONE, "grant_types" text array NOT NULL, "application_type" text NOT NULL DEFAULT \'native\', "scope" text, "client_uri" text, "logo_uri" text, "software_id" text, "software_version" text, "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c4759172d3431bae6f04e678e0d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"oauth_authorization_step\" AS ENUM('login', 'consent', 'done')",
    );
    await queryRunner.query(
      'CREATE TABLE "oauth_authorization_requests" ("id_hash" text NOT NULL, "session_hash" text NOT NULL, "step" "public"."oauth_authorization_step" NOT NULL, "client_id" text NOT NULL, "redirect_uri" text NOT NULL, "state" text, "code_challenge" text NOT NULL, "resource" text NOT NULL, "scopes" text array NOT NULL, "force_consent" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_15e093711ef8dc6d3c6b64930a1" PRIMARY KEY ("id_hash"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_oauth_authorization_requests_expires" ON "oauth_authorization_requests"  ("expires_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "oauth_consents" ("user_id" uuid NOT NULL, "client_id" text NOT NULL, "org_id" uuid NOT NULL, "scopes" text array NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0ab94c83bdf30cea50fd45097c2" PRIMARY KEY ("user_id", "client_id", "org_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "oauth_grants" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "client_id" text NOT NULL, "scopes" text array NOT NULL, "resource" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, CONSTRAINT "PK_197229704270fa696b539aa1a22" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_oauth_grants_client" ON "oauth_grants"  ("client_id") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_oauth_grants_org" ON "oauth_grants"  ("org_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_oauth_grants_user" ON "oauth_grants"  ("user_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "oauth_authorization_codes" ("code_hash" text NOT NULL, "client_id" text NOT NULL, "org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "redirect_uri" text NOT NULL, "code_challenge" text NOT NULL, "resource" text NOT NULL, "scopes" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, "grant_id" uuid, CONSTRAINT "PK_25c7c7a7cdc5a6eb88200c472ca" PRIMARY KEY ("code_hash"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_oauth_authorization_codes_expires" ON "oauth_authorization_codes"  ("expires_at") ',
    );
    await queryRunner.query('CREATE TYPE "public"."oauth_token_kind" AS ENUM(\'access\', \'refresh\')');
    await queryRunner.query(
      'CREATE TABLE "oauth_tokens" ("token_hash" text NOT NULL, "kind" "public"."oauth_token_kind" NOT NULL, "grant_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e480dae4261d01e7191d7b70900" PRIMARY KEY ("token_hash"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_oauth_tokens_expires" ON "oauth_tokens"  ("expires_at") ');
    await queryRunner.query('CREATE INDEX "IDX_oauth_tokens_grant" ON "oauth_tokens"  ("grant_id") ');
    await queryRunner.query(
      'ALTER TABLE "login_sessions" ADD CONSTRAINT "FK_b5edc6cc3a246a811005a96e06a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_requests" ADD CONSTRAINT "FK_4c2990407ce766d7cf9c4073bed" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_consents" ADD CONSTRAINT "FK_6ff84892918cd6fce5b535063fe" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_consents" ADD CONSTRAINT "FK_3ca49444e8a02289229fa574a79" FOREIGN KEY ("org_id", "user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_grants" ADD CONSTRAINT "FK_bb4e193edcaadd8e97166413e0c" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_grants" ADD CONSTRAINT "FK_1a602c7d4948070e857c324de23" FOREIGN KEY ("org_id", "user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_codes" ADD CONSTRAINT "FK_85e243eecb2ac4428721a02da4e" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_codes" ADD CONSTRAINT "FK_691bd41013d77d213ee0dcd59bb" FOREIGN KEY ("grant_id") REFERENCES "oauth_grants"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_codes" ADD CONSTRAINT "FK_7309518d6ec9054207d3c7baf1a" FOREIGN KEY ("org_id", "user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_tokens" ADD CONSTRAINT "FK_07c605221e8078326fa6e0da8f1" FOREIGN KEY ("grant_id") REFERENCES "oauth_grants"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "oauth_tokens" DROP CONSTRAINT "FK_07c605221e8078326fa6e0da8f1"');
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_codes" DROP CONSTRAINT "FK_7309518d6ec9054207d3c7baf1a"',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_codes" DROP CONSTRAINT "FK_691bd41013d77d213ee0dcd59bb"',
    );
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_codes" DROP CONSTRAINT "FK_85e243eecb2ac4428721a02da4e"',
    );
    await queryRunner.query('ALTER TABLE "oauth_grants" DROP CONSTRAINT "FK_1a602c7d4948070e857c324de23"');
    await queryRunner.query('ALTER TABLE "oauth_grants" DROP CONSTRAINT "FK_bb4e193edcaadd8e97166413e0c"');
    await queryRunner.query('ALTER TABLE "oauth_consents" DROP CONSTRAINT "FK_3ca49444e8a02289229fa574a79"');
    await queryRunner.query('ALTER TABLE "oauth_consents" DROP CONSTRAINT "FK_6ff84892918cd6fce5b535063fe"');
    await queryRunner.query(
      'ALTER TABLE "oauth_authorization_requests" DROP CONSTRAINT "FK_4c2990407ce766d7cf9c4073bed"',
    );
    await queryRunner.query('ALTER TABLE "login_sessions" DROP CONSTRAINT "FK_b5edc6cc3a246a811005a96e06a"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_tokens_grant"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_tokens_expires"');
    await queryRunner.query('DROP TABLE "oauth_tokens"');
    await queryRunner.query('DROP TYPE "public"."oauth_token_kind"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_authorization_codes_expires"');
    await queryRunner.query('DROP TABLE "oauth_authorization_codes"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_grants_user"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_grants_org"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_grants_client"');
    await queryRunner.query('DROP TABLE "oauth_grants"');
    await queryRunner.query('DROP TABLE "oauth_consents"');
    await queryRunner.query('DROP INDEX "public"."IDX_oauth_authorization_requests_expires"');
    await queryRunner.query('DROP TABLE "oauth_authorization_requests"');
    await queryRunner.query('DROP TYPE "public"."oauth_authorization_step"');
    await queryRunner.query('DROP TABLE "oauth_clients"');
    await queryRunner.query('DROP TYPE "public"."oauth_token_endpoint_auth_method"');
    await queryRunner.query('DROP TYPE "public"."oauth_client_kind"');
    await queryRunner.query('DROP TABLE "login_throttles"');
    await queryRunner.query('DROP INDEX "public"."IDX_login_sessions_user"');
    await queryRunner.query('DROP INDEX "public"."IDX_login_sessions_expires"');
    await queryRunner.query('DROP TABLE "login_sessions"');
  }
}
