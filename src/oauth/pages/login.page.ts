import { html } from './html';
import { hiddenInputs, renderPage } from './layout';

export interface LoginPageView {
  formAction: string;
  /** Sent back as the hidden input csrf_token. */
  csrfToken: string;
  /** Each becomes a hidden input, e.g. { request_id } or { return_to: '/account/connections' }. */
  hiddenFields: Record<string, string>;
  /** Client-chosen (and unverified) name of the app being connected, if any. */
  clientName?: string;
  /** Prefilled after a failed attempt. */
  email?: string;
  /** A generic message: never say whether the email or the password was wrong. */
  error?: string;
}

export function renderLoginPage(view: LoginPageView): string {
  const heading =
    view.clientName !== undefined && view.clientName !== ''
      ? html`Sign in to connect ${view.clientName}`
      : html`Sign in to Tesorio`;
  const invalid = view.error ? html` aria-invalid="true" aria-describedby="login-error"` : '';

  const body = html`<div class="card">
    <h1>${heading}</h1>
    <p class="muted">Use your Tesorio email and password.</p>
    ${view.error ? html`<div class="box box-alert" id="login-error" role="alert"><p>${view.error}</p></div>` : ''}
    <form method="post" action="${view.formAction}">
      ${hiddenInputs(view.csrfToken, view.hiddenFields)}
      <div class="field">
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          autofocus
          value="${view.email ?? ''}"
          ${invalid}
        />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required${invalid}
        />
      </div>
      <button class="button button-primary button-block" type="submit">Sign in</button>
    </form>
  </div>`;

  return renderPage({ title: 'Sign in', body });
}
