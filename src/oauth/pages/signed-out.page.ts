import { html } from './html';
import { renderPage } from './layout';

export function renderSignedOutPage(): string {
  const body = html`<div class="card">
    <h1>You are signed out.</h1>
    <p class="muted">You can close this window.</p>
    <p><a class="button" href="/account/connections">Sign in again</a></p>
  </div>`;
  return renderPage({ title: 'Signed out', body });
}
