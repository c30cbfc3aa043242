import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../../config/app-config.service';
import { LoginSessionsService } from '../../../identity/sessions/login-sessions.service';
import { PasswordLoginService } from '../../../identity/sessions/password-login.service';
import { BrowserSession } from '../../http/browser-session';
import { setSessionCookie } from '../../http/cookies';
import { seeOther, sendPage } from '../../http/page-response';
import { renderErrorPage } from '../../pages/error.page';
import { renderLoginPage } from '../../pages/login.page';
import { AuthorizationFlowService } from '../authorization-flow.service';
import type { PendingAuthorization } from '../authorization-flow.service';

/** Where a sign-in without an authorization request lands: the only page that needs one. */
const ACCOUNT_HOME = '/account/connections';
const GENERIC_FAILURE = 'The email or password is not right, or the account cannot sign in right now.';
const MAX_FIELD = 1024;

/**
 * The login step. One generic failure message, the same status and the same Argon2 cost for every
 * failure (security.md H6, H8); 303 after the POST so the password is never re-sent (A7).
 */
@Controller('oauth')
export class LoginController {
  constructor(
    private readonly config: AppConfig,
    private readonly browser: BrowserSession,
    private readonly flow: AuthorizationFlowService,
    private readonly sessions: LoginSessionsService,
    private readonly logins: PasswordLoginService,
  ) {}

  @Get('login')
  async show(
    @Query('request') requestId: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = await this.browser.ensure(request, response);
    const pending = requestId === undefined ? null : await this.flow.find(session, requestId);
    if (requestId !== undefined && !pending) return this.expired(response);
    if (session.userId)
      return seeOther(response, pending ? this.consentUrl(requestId as string) : ACCOUNT_HOME);
    sendPage(response, this.page(this.browser.csrfToken(session), pending, requestId));
  }

  @Post('login')
  async submit(
    @Body() body: Record<string, unknown>,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = await this.browser.current(request);
    if (!this.browser.verifyCsrf(session, body.csrf_token)) return this.expired(response);
    const requestId = body.request_id;
    const pending = requestId === undefined ? null : await this.flow.find(session, requestId);
    if (requestId !== undefined && !pending) return this.expired(response);

    const email = typeof body.email === 'string' ? body.email.slice(0, MAX_FIELD) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, MAX_FIELD) : '';
    const outcome = await this.logins.attempt(email, password, request.ip ?? 'unknown');
    if (!outcome.ok) {
      sendPage(
        response,
        this.page(this.browser.csrfToken(session), pending, requestId, email, GENERIC_FAILURE),
      );
      return;
    }
    const signedIn = await this.sessions.signIn(session, outcome.userId, (manager, from, to) =>
      this.flow.followSession(manager, from, to),
    );
    setSessionCookie(response, this.config, signedIn.rawId);
    seeOther(response, pending ? this.consentUrl(requestId as string) : ACCOUNT_HOME);
  }

  private consentUrl(requestId: string): string {
    return `/oauth/consent?request=${encodeURIComponent(requestId)}`;
  }

  private page(
    csrfToken: string,
    pending: PendingAuthorization | null,
    requestId: unknown,
    email?: string,
    error?: string,
  ): string {
    return renderLoginPage({
      formAction: '/oauth/login',
      csrfToken,
      hiddenFields: pending && typeof requestId === 'string' ? { request_id: requestId } : {},
      clientName: pending?.client.clientName,
      email,
      error,
    });
  }

  private expired(response: Response): void {
    sendPage(
      response,
      renderErrorPage({
        title: 'This sign-in has expired',
        message: 'The sign-in page was open too long, was opened in another browser, or cookies are blocked.',
        hint: 'Go back to the app you were connecting and start the connection again.',
      }),
      400,
    );
  }
}
