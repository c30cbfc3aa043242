import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ActiveSession } from '../../../identity/sessions/login-sessions.service';
import { IdentityService } from '../../../identity/identity.service';
import type { MembershipView } from '../../../identity/identity.service';
import { isLoopbackRedirect, redirectHost } from '../../clients/redirect-uris';
import { BrowserSession } from '../../http/browser-session';
import { seeOther, sendPage } from '../../http/page-response';
import { renderConsentPage } from '../../pages/consent.page';
import { renderErrorPage } from '../../pages/error.page';
import { isScope, roleAllows, SCOPE_DESCRIPTIONS } from '../../scopes';
import { AuthorizationFlowService } from '../authorization-flow.service';
import type { PendingAuthorization } from '../authorization-flow.service';

/**
 * The consent step: who is asking (name, verified or not, where the browser will be sent), what it
 * may do in plain words, for which organization; Approve or Deny (MCP security best practices,
 * "Consent UI Requirements"; security.md F4, H4).
 */
@Controller('oauth')
export class ConsentController {
  constructor(
    private readonly browser: BrowserSession,
    private readonly flow: AuthorizationFlowService,
    private readonly identity: IdentityService,
  ) {}

  @Get('consent')
  async show(
    @Query('request') requestId: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = await this.browser.current(request);
    const pending = await this.flow.find(session, requestId);
    if (!session || !pending) return this.expired(response);
    if (!session.userId)
      return seeOther(response, `/oauth/login?request=${encodeURIComponent(requestId as string)}`);

    const remembered = await this.flow.rememberedOrganization(session.userId, pending);
    if (remembered)
      return seeOther(response, await this.flow.approve(session.userId, pending, remembered, true));

    const memberships = await this.flow.membershipsOf(session.userId);
    if (memberships.length === 0) return this.noOrganization(response);
    await this.render(response, session, pending, requestId as string, memberships);
  }

  @Post('consent')
  async decide(
    @Body() body: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = await this.browser.current(request);
    if (!this.browser.verifyCsrf(session, body.csrf_token) || !session.userId) return this.expired(response);
    const pending = await this.flow.find(session, body.request_id);
    if (!pending || pending.request.step !== 'consent') return this.expired(response);
    if (body.decision === 'approve' && typeof body.org_id === 'string') {
      return seeOther(response, await this.flow.approve(session.userId, pending, body.org_id, true));
    }
    if (body.decision === 'deny') return seeOther(response, await this.flow.deny(pending));
    return this.expired(response);
  }

  private async render(
    response: Response,
    session: ActiveSession,
    pending: PendingAuthorization,
    requestId: string,
    memberships: MembershipView[],
  ): Promise<void> {
    const user = await this.identity.findUserById(session.userId as string);
    const selected = memberships[0];
    const redirectUri = pending.request.redirectUri;
    sendPage(
      response,
      renderConsentPage({
        formAction: '/oauth/consent',
        csrfToken: this.browser.csrfToken(session),
        hiddenFields: { request_id: requestId },
        clientName: pending.client.clientName,
        verified: pending.client.kind === 'static',
        redirectHost: redirectHost(redirectUri),
        localhostOnly: pending.client.redirectUris.every(isLoopbackRedirect),
        userEmail: user?.email ?? '',
        scopes: pending.request.scopes.filter(isScope).map((scope) => {
          // The page has no script, so with several organizations the list cannot follow the
          // select: a scope some role allows is shown with the dependency spelled out.
          const allowedIn = memberships.filter((m) => roleAllows(m.role, scope));
          const everywhere = allowedIn.length === memberships.length;
          return {
            scope,
            description:
              everywhere || allowedIn.length === 0
                ? SCOPE_DESCRIPTIONS[scope]
                : `${SCOPE_DESCRIPTIONS[scope]} (only in ${allowedIn.map((m) => m.orgName).join(', ')}, where your role allows it)`,
            granted: allowedIn.length > 0,
          };
        }),
        organizations: memberships.map((m) => ({ id: m.orgId, name: m.orgName, role: m.role })),
        selectedOrgId: selected.orgId,
      }),
    );
  }

  private noOrganization(response: Response): void {
    sendPage(
      response,
      renderErrorPage({
        title: 'No organization to connect',
        message: 'Your account is not a member of any organization yet.',
        hint: 'Ask an administrator of your Tesorio organization to add you, then connect again.',
      }),
      403,
    );
  }

  private expired(response: Response): void {
    sendPage(
      response,
      renderErrorPage({
        title: 'This approval has expired',
        message:
          'The consent page was open too long, was opened in another browser, or you signed out meanwhile.',
        hint: 'Go back to the app you were connecting and start the connection again.',
      }),
      400,
    );
  }
}
