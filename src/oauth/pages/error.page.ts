import { html } from './html';
import { renderPage } from './layout';

export interface ErrorPageView {
  title: string;
  message: string;
  /** What the user can do next, e.g. "Start the connection again from your app." */
  hint?: string;
  /** A link the user may choose to follow, e.g. back to the app with the error (never automatic). */
  continueTo?: { href: string; label: string };
}

export function renderErrorPage(view: ErrorPageView): string {
  const body = html`<div class="card">
    <h1>${view.title}</h1>
    <p>${view.message}</p>
    ${view.hint ? html`<p class="muted">${view.hint}</p>` : ''}
    ${view.continueTo ? html`<p><a class="button button-primary" href="${view.continueTo.href}">${view.continueTo.label}</a></p>` : ''}
  </div>`;
  return renderPage({ title: view.title, body });
}
