import { html } from './html';
import type { SafeHtml } from './html';
import { renderPage } from './layout';

export interface ConnectionView {
  grantId: string;
  clientName: string;
  verified: boolean;
  redirectHost: string;
  organizationName: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface ConnectionsPageView {
  userEmail: string;
  csrfToken: string;
  connections: ConnectionView[];
  /** e.g. "Disconnected Cursor.", announced through role="status". */
  notice?: string;
  disconnectAction: string;
  signOutAction: string;
}

export function renderConnectionsPage(view: ConnectionsPageView): string {
  const body = html`<div class="card">
    <div class="page-heading">
      <div>
        <h1>Connected apps</h1>
        <p class="muted">Signed in as <strong>${view.userEmail}</strong></p>
      </div>
      <form method="post" action="${view.signOutAction}">
        <input type="hidden" name="csrf_token" value="${view.csrfToken}" />
        <button class="button button-secondary button-small" type="submit">Sign out</button>
      </form>
    </div>
    ${view.notice ? html`<div class="box box-status" role="status"><p>${view.notice}</p></div>` : ''}
    <p>These apps can use your Tesorio data on your behalf. Disconnect an app to remove its access.</p>
    ${view.connections.length === 0 ? html`<p class="empty">No apps are connected.</p>` : connectionsTable(view)}
  </div>`;

  return renderPage({ title: 'Connected apps', body, wide: true });
}

function connectionsTable(view: ConnectionsPageView): SafeHtml {
  return html`<div class="table-wrap">
    <table class="connections">
      <caption class="visually-hidden">
        Apps connected to your Tesorio account
      </caption>
      <thead>
        <tr>
          <th scope="col">App</th>
          <th scope="col">Organization</th>
          <th scope="col">Access</th>
          <th scope="col">Connected</th>
          <th scope="col">Last used</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${view.connections.map((connection) => connectionRow(connection, view))}
      </tbody>
    </table>
  </div>`;
}

function connectionRow(connection: ConnectionView, view: ConnectionsPageView): SafeHtml {
  return html`<tr>
    <th scope="row">
      <span class="app-name">${connection.clientName}</span>
      ${connection.verified ? '' : html`<span class="badge">Unverified app</span>`}
      <div class="muted small">Sends you to ${connection.redirectHost}</div>
    </th>
    <td data-label="Organization">${connection.organizationName}</td>
    <td data-label="Access">
      <ul class="chips">
        ${connection.scopes.map((scope) => html`<li class="chip">${scope}</li>`)}
      </ul>
    </td>
    <td data-label="Connected">${timestamp(connection.createdAt)}</td>
    <td data-label="Last used">${connection.lastUsedAt ? timestamp(connection.lastUsedAt) : 'never'}</td>
    <td class="cell-actions">
      <form method="post" action="${view.disconnectAction}">
        <input type="hidden" name="csrf_token" value="${view.csrfToken}" />
        <input type="hidden" name="grant_id" value="${connection.grantId}" />
        <button class="button button-secondary button-small" type="submit">
          Disconnect<span class="visually-hidden"> ${connection.clientName}</span>
        </button>
      </form>
    </td>
  </tr>`;
}

/** ISO-8601 in UTC to the minute, e.g. "2026-11-26 07:15 UTC", so nobody has to guess a time zone. */
function formatUtcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

// The date never breaks at its hyphens; a narrow column may wrap before the time instead.
function timestamp(date: Date): SafeHtml {
  const [day, time] = formatUtcMinute(date).split(' ', 2);
  return html`<time datetime="${date.toISOString()}"><span class="nowrap">${day}</span> ${time} UTC</time>`;
}
