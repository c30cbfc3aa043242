import { Module } from '@nestjs/common';
import { GrantsService } from '../oauth/grants/grants.service';
import { AdminApiKeysService } from './api-keys/admin-api-keys.service';
import { AdminKeyGuard } from './api-keys/admin-key.guard';
import { AdminAuditService } from './audit/admin-audit.service';
import { AuditController } from './audit/audit.controller';
import { AdminClientsService } from './clients/admin-clients.service';
import { ClientsController } from './clients/clients.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { AdminSessionsService } from './sessions/admin-sessions.service';
import { SessionsController } from './sessions/sessions.controller';

/**
 * The support-staff API (DESIGN.md "Admin endpoint"). Imported only by AdminAppModule, the root of
 * the admin listener, so its routes never exist on the public port. GrantsService is provided here
 * directly rather than by importing OAuthModule, whose controllers would then be served here too.
 */
@Module({
  controllers: [SessionsController, ClientsController, AuditController, OpenApiController],
  providers: [
    AdminApiKeysService,
    AdminKeyGuard,
    GrantsService,
    AdminSessionsService,
    AdminClientsService,
    AdminAuditService,
  ],
})
export class AdminModule {}
