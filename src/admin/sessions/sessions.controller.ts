import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AdminKey, AdminKeyGuard } from '../api-keys/admin-key.guard';
import type { AdminKeyIdentity } from '../api-keys/admin-api-keys.service';
import { ReasonBody, SessionsQuery } from '../shared/admin-requests';
import type { AdminPage } from '../shared/keyset-page';
import { AdminSessionsService } from './admin-sessions.service';
import type { RevokedSession, RevokedUserSessions, SessionView } from './admin-sessions.service';

/** Sessions (grants): list, end one, end all of a user's. */
@Controller('admin/v1')
@UseGuards(AdminKeyGuard)
export class SessionsController {
  constructor(private readonly sessions: AdminSessionsService) {}

  @Get('sessions')
  list(@Query() query: SessionsQuery): Promise<AdminPage<SessionView>> {
    return this.sessions.list(query);
  }

  @Post('sessions/:grantId/revoke')
  @HttpCode(200)
  revoke(
    @Param('grantId') grantId: string,
    @Body() body: ReasonBody,
    @AdminKey() key: AdminKeyIdentity,
  ): Promise<RevokedSession> {
    return this.sessions.revoke(grantId, { via: 'api', keyId: key.id, keyName: key.name }, body.reason);
  }

  @Post('users/:email/sessions/revoke')
  @HttpCode(200)
  revokeAllForUser(
    @Param('email') email: string,
    @Body() body: ReasonBody,
    @AdminKey() key: AdminKeyIdentity,
  ): Promise<RevokedUserSessions> {
    return this.sessions.revokeAllForUser(
      email,
      { via: 'api', keyId: key.id, keyName: key.name },
      body.reason,
    );
  }
}
