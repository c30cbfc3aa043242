import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.service';
import { ClientResolver } from '../clients/client-resolver.service';
import { redirectHost } from '../clients/redirect-uris';
import { BrowserSession } from '../http/browser-session';
import { sendPage } from '../http/page-response';
import { renderErrorPage } from '../pages/error.page';
import { AuthorizationFlowService } from './authorization-flow.service';
import { authorizationResponseUrl } from './authorization-response';
import { runAuthorizeChecks } from './checks';

/**
 * The authorization endpoint (OAuth 2.1 §4.1.1). It validates, stores the request server-side and
 * sends the browser to sign in or to the consent page; it never issues a code by itself.
 * No CORS here: it is a top-level navigation (RFC 9700 §2.6).
 */
@Controller()
export class AuthorizeController {
  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientResolver,
    private readonly flow: AuthorizationFlowService,
    private readonly browser: BrowserSession,
  ) {}

  @Get('authorize')
  async authorize(
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const outcome = await runAuthorizeChecks(query, {
      clients: this.clients,
      resource: this.config.oauth.resources,
    });
    response.setHeader('Cache-Control', 'no-store');
    if (!outcome.ok) {
      if (outcome.redirectUri) {
        const location = authorizationResponseUrl(
          outcome.redirectUri,
          this.config.oauth.issuer,
          outcome.state,
          {
            error: outcome.error,
          },
        );
        // RFC 9700 §4.11.2: no automatic redirect to a URI anyone could have registered before the
        // user is authenticated — otherwise /authorize is an open redirector. The user may still
        // choose to go back to the app.
        const signedIn = (await this.browser.current(request))?.userId;
        if (signedIn || outcome.client?.kind === 'static') {
          response.setHeader('Referrer-Policy', 'no-referrer');
          response.redirect(303, location);
          return;
        }
        sendPage(
          response,
          renderErrorPage({
            title: 'This sign-in link cannot be used',
            message: outcome.error.description,
            hint: `The app that sent you here (${outcome.client?.clientName ?? 'unknown'}) made a request this server cannot accept.`,
            continueTo: { href: location, label: `Return to ${redirectHost(outcome.redirectUri)}` },
          }),
          400,
        );
        return;
      }
      sendPage(
        response,
        renderErrorPage({
          title: 'This sign-in link cannot be used',
          message: outcome.error.description,
          hint: 'Go back to the app you were connecting and start again. If it keeps happening, the app may be misconfigured.',
        }),
        400,
      );
      return;
    }
    const session = await this.browser.ensure(request, response);
    const requestId = await this.flow.begin(session, outcome.parameters);
    const next = session.userId ? '/oauth/consent' : '/oauth/login';
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.redirect(303, `${next}?request=${encodeURIComponent(requestId)}`);
  }
}
