import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.service';
import { IdentityService } from '../../identity/identity.service';
import { LoginSessionsService } from '../../identity/sessions/login-sessions.service';
import { redirectHost } from '../clients/redirect-uris';
import { GrantsService } from '../grants/grants.service';
import { BrowserSession } from '../http/browser-session';
import { clearSessionCookie } from '../http/cookies';
import { seeOther, sendPage } from '../http/page-response';
import { renderConnectionsPage } from '../pages/connections.page';
import { renderErrorPage } from '../pages/error.page';
import { renderSignedOutPage } from '../pages/signed-out.page';

const NOTICES: Record<string, string> = {
  disconnected:
    'The app was disconnected. It can no longer reach your data; connecting it again asks for approval.',
};

/**
 * Connected apps (`/account/connections`): every grant of the signed-in user in each of their
 * organizations, each with a Disconnect that revokes it at once. Removing a server from a client's
 * configuration revokes nothing on our side; this page does.
 */
@Controller('account')
export class ConnectionsController {
  constructor(
    private readonly config: AppConfig,
    private readonly browser: BrowserSession,
    private readonly grants: GrantsService,
    private readonly identity: IdentityService,
    private readonly sessions: LoginSessionsService,
  ) {}

  @Get('connections')
  async list(
    @Query('done') done: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = await this.browser.current(request);
    if (!session?.userId) return seeOther(response, '/oauth/login');
    const [user, connections] = await Promise.all([
      this.identity.findUserById(session.userId),
      this.grants.listActiveForUser(session.userId),
    ]);
    sendPage(
      response,
      renderConnectionsPage({
        userEmail: user?.email ?? '',
        csrfToken: this.browser.csrfToken(session),
        connections: connections.map((c) => ({
          grantId: c.grantId,
          clientName: c.clientName,
          verified: c.clientKind === 'static',
          redirectHost: c.redirectUris
            .map(redirectHost)
            .filter((h, i, all) => all.indexOf(h) === i)
            .join(', '),
          organizationName: c.organizationName,
          scopes: c.scopes,
          createdAt: new Date(c.createdAt),
          lastUsedAt: c.lastUsedAt ? new Date(c.lastUsedAt) : null,
        })),
        notice: typeof done === 'string' ? NOTICES[done] : undefined,
        disconnectAction: '/account/connections/disconnect',
        signOutAction: '/account/sign-out',
      }),
    );
  }

  @Post('connections/disconnect')
  async disconnect(
    @Body() body: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = await this.browser.current(request);
    if (!this.browser.verifyCsrf(session, body.csrf_token) || !session.userId)
      return this.forbidden(response);
    if (typeof body.grant_id === 'string') await this.grants.disconnect(session.userId, body.grant_id);
    seeOther(response, '/account/connections?done=disconnected');
  }

  @Post('sign-out')
  async signOut(
    @Body() body: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = await this.browser.current(request);
    if (!this.browser.verifyCsrf(session, body.csrf_token)) return this.forbidden(response);
    await this.sessions.end(session);
    clearSessionCookie(response, this.config);
    // 303 to a page of its own: reloading it must not re-send the sign-out form (RFC 9700 §4.12).
    seeOther(response, '/account/signed-out');
  }

  @Get('signed-out')
  signedOut(@Res() response: Response): void {
    sendPage(response, renderSignedOutPage());
  }

  private forbidden(response: Response): void {
    sendPage(
      response,
      renderErrorPage({
        title: 'That did not work',
        message: 'The page was out of date or you are signed out.',
        hint: 'Open Connected apps again and retry.',
      }),
      403,
    );
  }
}
