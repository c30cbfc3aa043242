import { html } from './html';
import { renderPage } from './layout';

export interface ErrorPageView {
  title: string;
  message: string;
  /** What the user can do next, e.g. "Start the connection again from your app." */
  hint?: string;
}

export function renderErrorPage(view: ErrorPageView): string {
  const body = html`<div class="card">
    <h1>${view.title}</h1>
    <p>${view.message}</p>
    ${view.hint ? html`<p class="muted">${view.hint}</p>` : ''}
  </div>`;
  return renderPage({ title: view.title, body });
}
