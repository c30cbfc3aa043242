import { html } from './html';
import type { SafeHtml } from './html';
import { hiddenInputs, renderPage } from './layout';

export interface ScopeLine {
  scope: string;
  /** Plain language, e.g. "See your customers, invoices and payments". */
  description: string;
  /** false: the user's role does not allow it, so it is shown struck through and will not be granted. */
  granted: boolean;
}

export interface ConsentPageView {
  formAction: string;
  csrfToken: string;
  hiddenFields: Record<string, string>;
  clientName: string;
  verified: boolean;
  redirectHost: string;
  localhostOnly: boolean;
  userEmail: string;
  scopes: ScopeLine[];
  organizations: { id: string; name: string; role: string }[];
  selectedOrgId?: string;
}

// MCP 2026-07-28 authorization, security considerations: the consent screen MUST clearly display
// the redirect URI hostname and SHOULD warn about localhost-only redirect URIs; the client name is
// self-asserted at registration, so an unverified one is labelled as such (OAuth 2.1 "Consent Phishing").
// Deny comes first in the document, so an implicit submission (Enter) never approves.
export function renderConsentPage(view: ConsentPageView): string {
  const body = html`<div class="card">
    <p class="eyebrow">Signed in as <strong>${view.userEmail}</strong></p>
    <div class="client-heading">
      <h1>${view.clientName} wants to access your Tesorio account</h1>
      ${view.verified ? '' : html`<span class="badge">Unverified app</span>`}
    </div>
    ${
      view.verified
        ? ''
        : html`<div class="box box-warning">
            <p>Tesorio has not verified this app. Only continue if you trust it.</p>
          </div>`
    }
    <div class="box box-info">
      <p class="redirect-host">
        After you approve, you will be sent to <strong>${view.redirectHost}</strong>
      </p>
    </div>
    ${
      view.localhostOnly
        ? html`<div class="box box-warning">
            <span class="box-title">This app runs on this computer</span>
            <p>
              It sends you back to ${view.redirectHost}, an address on this computer. Only approve if you
              started this app yourself.
            </p>
          </div>`
        : ''
    }
    <form method="post" action="${view.formAction}">
      ${hiddenInputs(view.csrfToken, view.hiddenFields)} ${organizationField(view)}
      <h2>${view.clientName} will be able to:</h2>
      <ul class="scopes">
        ${view.scopes.map(scopeItem)}
      </ul>
      <div class="actions">
        <button class="button button-secondary" type="submit" name="decision" value="deny">Deny</button>
        <button class="button button-primary" type="submit" name="decision" value="approve">
          Allow access
        </button>
      </div>
    </form>
    <p class="fine-print">
      You can disconnect this app at any time from Connected apps in your Tesorio account.
    </p>
  </div>`;

  return renderPage({ title: `Connect ${view.clientName}`, body });
}

function organizationField(view: ConsentPageView): SafeHtml {
  const orgs = view.organizations;
  if (orgs.length === 1) {
    const [org] = orgs;
    return html`<p>Organization: <strong>${org.name}</strong> <span class="muted">(${org.role})</span></p>
      <input type="hidden" name="org_id" value="${org.id}" />`;
  }
  const selected = view.selectedOrgId ?? orgs[0]?.id;
  return html`<div class="field">
    <label for="org_id">Organization to connect</label>
    <select id="org_id" name="org_id">
      ${orgs.map(
        (org) =>
          html`<option value="${org.id}" ${org.id === selected ? html` selected` : ''}>
            ${org.name} (${org.role})
          </option>`,
      )}
    </select>
  </div>`;
}

function scopeItem(line: ScopeLine): SafeHtml {
  if (line.granted) {
    return html`<li class="scope">${line.description}<code>${line.scope}</code></li>`;
  }
  return html`<li class="scope scope-unavailable">
    <s>${line.description}</s><span class="scope-note">not available to your role</span
    ><code>${line.scope}</code>
  </li>`;
}
