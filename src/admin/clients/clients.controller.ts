import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AdminKey, AdminKeyGuard } from '../api-keys/admin-key.guard';
import type { AdminKeyIdentity } from '../api-keys/admin-api-keys.service';
import { PageQuery, ReasonBody } from '../shared/admin-requests';
import type { AdminPage } from '../shared/keyset-page';
import { AdminClientsService } from './admin-clients.service';
import type { ClientView, DisabledClient } from './admin-clients.service';

/** OAuth clients: list, disable. A metadata-document client's id is a URL: percent-encode it. */
@Controller('admin/v1')
@UseGuards(AdminKeyGuard)
export class ClientsController {
  constructor(private readonly clients: AdminClientsService) {}

  @Get('clients')
  list(@Query() query: PageQuery): Promise<AdminPage<ClientView>> {
    return this.clients.list(query);
  }

  @Post('clients/:clientId/disable')
  @HttpCode(200)
  disable(
    @Param('clientId') clientId: string,
    @Body() body: ReasonBody,
    @AdminKey() key: AdminKeyIdentity,
  ): Promise<DisabledClient> {
    return this.clients.disable(clientId, { via: 'api', keyId: key.id, keyName: key.name }, body.reason);
  }
}
