import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { renderConnectionsPage } from './connections.page';
import type { ConnectionsPageView } from './connections.page';
import { renderConsentPage } from './consent.page';
import type { ConsentPageView } from './consent.page';
import { renderErrorPage } from './error.page';
import { PAGE_CONTENT_SECURITY_POLICY, PAGE_STYLE_HASH } from './layout';
import { renderLoginPage } from './login.page';
import { renderSignedOutPage } from './signed-out.page';

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const QUOTED_EMAIL = `o"brien'@example.com`;

type Attributes = Record<string, string>;

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#96;': '`',
  '&#61;': '=',
};

/** Attributes of every <tag ...> in the page, values decoded (boolean attributes become ''). */
function tags(page: string, tag: string): Attributes[] {
  return [...page.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map(([, raw]) => {
    const attributes: Attributes = {};
    for (const [, name, value] of raw.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
      attributes[name] = (value ?? '').replace(/&(?:amp|lt|gt|quot|#39|#96|#61);/g, (e) => ENTITIES[e]);
    }
    return attributes;
  });
}

/** Each element's visible text, tags removed and whitespace collapsed (as a browser shows it). */
function elementTexts(page: string, tag: string): string[] {
  return [...page.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map(([, inner]) =>
    text(inner).trim(),
  );
}

function input(page: string, name: string): Attributes {
  const found = tags(page, 'input').filter((a) => a.name === name);
  assert.equal(found.length, 1, `expected exactly one input name="${name}"`);
  return found[0];
}

/** Visible text with tags removed and whitespace collapsed, for sentence checks. */
function text(page: string): string {
  return page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ');
}

function consentView(overrides: Partial<ConsentPageView> = {}): ConsentPageView {
  return {
    formAction: '/oauth/consent',
    csrfToken: 'csrf-123',
    hiddenFields: { request_id: 'req-1' },
    clientName: 'Claude',
    verified: true,
    redirectHost: 'claude.ai',
    localhostOnly: false,
    userEmail: 'ana@acme.example',
    scopes: [
      { scope: 'receivables:read', description: 'See your customers, invoices and payments', granted: true },
      { scope: 'receivables:write', description: 'Record payments and notes for you', granted: false },
    ],
    organizations: [{ id: 'org-1', name: 'Acme Ltd', role: 'Admin' }],
    ...overrides,
  };
}

function connectionsView(overrides: Partial<ConnectionsPageView> = {}): ConnectionsPageView {
  return {
    userEmail: 'ana@acme.example',
    csrfToken: 'csrf-456',
    disconnectAction: '/account/connections/disconnect',
    signOutAction: '/account/sign-out',
    connections: [
      {
        grantId: 'grant-1',
        clientName: 'Cursor',
        verified: true,
        redirectHost: 'cursor.com',
        organizationName: 'Acme Ltd',
        scopes: ['receivables:read'],
        createdAt: new Date('2026-11-26T07:15:42Z'),
        lastUsedAt: null,
      },
      {
        grantId: 'grant-2',
        clientName: 'Claude',
        verified: false,
        redirectHost: 'claude.ai',
        organizationName: 'Globex',
        scopes: ['receivables:read', 'receivables:write'],
        createdAt: new Date('2026-11-20T23:59:00Z'),
        lastUsedAt: new Date('2026-11-25T08:05:00Z'),
      },
    ],
    ...overrides,
  };
}

const allPages = (): [string, string][] => [
  [
    'login',
    renderLoginPage({
      formAction: '/oauth/login',
      csrfToken: 't',
      hiddenFields: { request_id: 'r' },
      clientName: 'Claude',
      error: 'Wrong email or password.',
    }),
  ],
  ['consent', renderConsentPage(consentView({ verified: false, localhostOnly: true }))],
  ['error', renderErrorPage({ title: 'Request expired', message: 'Start again.', hint: 'From your app.' })],
  ['connections', renderConnectionsPage(connectionsView({ notice: 'Disconnected Cursor.' }))],
  ['connections (empty)', renderConnectionsPage(connectionsView({ connections: [] }))],
  ['signed out', renderSignedOutPage()],
];

describe('page layout and Content-Security-Policy', () => {
  it('sends the exact policy: hash-allowed style, no unsafe-inline, no framing, no form-action', () => {
    assert.equal(
      PAGE_CONTENT_SECURITY_POLICY,
      `default-src 'none'; style-src ${PAGE_STYLE_HASH}; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'`,
    );
    assert.doesNotMatch(PAGE_CONTENT_SECURITY_POLICY, /unsafe-inline|form-action/);
    assert.match(PAGE_STYLE_HASH, /^'sha256-[A-Za-z0-9+/]{43}='$/);
  });

  for (const [name, page] of allPages()) {
    it(`${name}: the browser would apply its one inline style under the CSP hash`, () => {
      const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)];
      assert.equal(styles.length, 1);
      const digest = createHash('sha256').update(styles[0][1], 'utf8').digest('base64');
      assert.equal(`'sha256-${digest}'`, PAGE_STYLE_HASH);
      // A hash does not cover style attributes; one would silently be dropped by the browser.
      assert.doesNotMatch(page, /\sstyle=/);
    });

    it(`${name}: is a complete HTML5 document that loads nothing and runs nothing`, () => {
      assert.match(page, /^<!doctype html>\s*<html lang="en">/);
      assert.match(page, /<meta charset="utf-8">/);
      assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
      assert.match(page, /<title>[^<]+<\/title>/);
      assert.match(page, /<header class="site-header"><span class="brand">Tesorio<\/span><\/header>/);
      assert.doesNotMatch(page, /<script|<iframe|<img|\son[a-z]+=/i);
      // RFC 9700 §4.2: no third-party resources or links that could leak the URL via Referer.
      assert.doesNotMatch(page, /https?:|\/\/[a-z]/i);
      for (const link of tags(page, 'link')) assert.equal(link.href, 'data:,');
    });
  }
});

describe('login page', () => {
  const view = {
    formAction: '/oauth/login',
    csrfToken: 'csrf-abc',
    hiddenFields: { request_id: 'req-42' },
  };

  it('posts email and password with the CSRF token and the hidden fields', () => {
    const page = renderLoginPage(view);
    assert.deepEqual(tags(page, 'form'), [{ method: 'post', action: '/oauth/login' }]);
    assert.equal(input(page, 'csrf_token').value, 'csrf-abc');
    assert.equal(input(page, 'csrf_token').type, 'hidden');
    assert.equal(input(page, 'request_id').value, 'req-42');
    const email = input(page, 'email');
    assert.equal(email.type, 'email');
    assert.equal(email.autocomplete, 'username');
    assert.ok('required' in email && 'autofocus' in email);
    const password = input(page, 'password');
    assert.equal(password.type, 'password');
    assert.equal(password.autocomplete, 'current-password');
    assert.ok('required' in password);
    assert.ok(!('value' in password), 'a password is never echoed back');
    assert.deepEqual(tags(page, 'button'), [{ class: 'button button-primary button-block', type: 'submit' }]);
    assert.deepEqual(elementTexts(page, 'button'), ['Sign in']);
  });

  it('ties each label to its input so keyboard and screen-reader users can fill the form', () => {
    const page = renderLoginPage(view);
    for (const field of ['email', 'password']) {
      const { id } = input(page, field);
      assert.ok(
        tags(page, 'label').some((label) => label.for === id),
        `label for ${field}`,
      );
    }
  });

  it('names the app being connected, or Tesorio when there is none', () => {
    assert.deepEqual(elementTexts(renderLoginPage({ ...view, clientName: 'Cursor' }), 'h1'), [
      'Sign in to connect Cursor',
    ]);
    assert.deepEqual(elementTexts(renderLoginPage(view), 'h1'), ['Sign in to Tesorio']);
  });

  it('prefills the email and announces the error in an alert region after a failed attempt', () => {
    const page = renderLoginPage({ ...view, email: 'ana@acme.example', error: 'Wrong email or password.' });
    assert.equal(input(page, 'email').value, 'ana@acme.example');
    assert.match(page, /role="alert"[^>]*>\s*<p>Wrong email or password\.<\/p>/);
    for (const field of ['email', 'password']) {
      assert.equal(input(page, field)['aria-invalid'], 'true');
      assert.equal(input(page, field)['aria-describedby'], 'login-error');
    }
    const fresh = renderLoginPage(view);
    assert.doesNotMatch(fresh, /role="alert"/);
    assert.ok(!('aria-invalid' in input(fresh, 'email')));
  });

  it('escapes a hostile client name, an email with quotes and hostile hidden fields', () => {
    const page = renderLoginPage({
      ...view,
      clientName: HOSTILE,
      email: QUOTED_EMAIL,
      error: HOSTILE,
      hiddenFields: { return_to: '"><script>x</script>' },
    });
    assert.ok(!page.includes('<script'));
    assert.ok(page.includes(`Sign in to connect ${HOSTILE_ESCAPED}`));
    assert.ok(page.includes('value="o&quot;brien&#39;@example.com"'));
    assert.equal(input(page, 'email').value, QUOTED_EMAIL);
    assert.equal(input(page, 'return_to').value, '"><script>x</script>');
  });
});

describe('consent page', () => {
  it('posts org, CSRF token and hidden fields, with Deny before Allow so Enter never approves', () => {
    const page = renderConsentPage(consentView());
    assert.deepEqual(tags(page, 'form'), [{ method: 'post', action: '/oauth/consent' }]);
    assert.equal(input(page, 'csrf_token').value, 'csrf-123');
    assert.equal(input(page, 'request_id').value, 'req-1');
    const buttons = tags(page, 'button').map((b) => `${b.type}:${b.name}=${b.value}`);
    assert.deepEqual(buttons, ['submit:decision=deny', 'submit:decision=approve']);
    assert.deepEqual(elementTexts(page, 'button'), ['Deny', 'Allow access']);
  });

  it('shows the redirect host prominently', () => {
    const page = renderConsentPage(consentView({ redirectHost: 'evil.example' }));
    assert.ok(page.includes('After you approve, you will be sent to <strong>evil.example</strong>'));
  });

  it('marks an unverified app with a badge and a warning sentence, and a verified one with neither', () => {
    const unverified = text(renderConsentPage(consentView({ verified: false })));
    assert.ok(unverified.includes('Unverified app'));
    assert.ok(unverified.includes('Tesorio has not verified this app. Only continue if you trust it.'));
    const verified = text(renderConsentPage(consentView({ verified: true })));
    assert.ok(!verified.includes('Unverified app'));
    assert.ok(!verified.includes('has not verified'));
  });

  it('warns that a localhost-only app runs on this computer', () => {
    const page = text(renderConsentPage(consentView({ localhostOnly: true, redirectHost: '127.0.0.1' })));
    assert.ok(page.includes('This app runs on this computer'));
    assert.ok(page.includes('Only approve if you started this app yourself.'));
    assert.ok(!text(renderConsentPage(consentView())).includes('runs on this computer'));
  });

  it('states a single organization as text with a hidden org_id', () => {
    const page = renderConsentPage(consentView());
    assert.equal(input(page, 'org_id').type, 'hidden');
    assert.equal(input(page, 'org_id').value, 'org-1');
    assert.ok(text(page).includes('Organization: Acme Ltd (Admin)'));
    assert.ok(!page.includes('<select'));
  });

  it('offers a labelled select when the user belongs to several organizations', () => {
    const page = renderConsentPage(
      consentView({
        organizations: [
          { id: 'org-1', name: 'Acme Ltd', role: 'Admin' },
          { id: 'org-2', name: 'Globex', role: 'Viewer' },
        ],
        selectedOrgId: 'org-2',
      }),
    );
    const [select] = tags(page, 'select');
    assert.equal(select.name, 'org_id');
    assert.ok(tags(page, 'label').some((l) => l.for === select.id));
    assert.match(page, /<label for="org_id">Organization to connect<\/label>/);
    assert.deepEqual(tags(page, 'option'), [{ value: 'org-1' }, { value: 'org-2', selected: '' }]);
    assert.ok(!tags(page, 'input').some((a) => a.name === 'org_id'));
  });

  it('lists scopes in plain language and strikes the ones the role does not allow', () => {
    const page = renderConsentPage(consentView());
    assert.ok(text(page).includes('Claude will be able to:'));
    assert.deepEqual(
      tags(page, 'li').map((li) => li.class),
      ['scope', 'scope scope-unavailable'],
    );
    const [granted, unavailable] = elementTexts(page, 'li');
    assert.ok(granted.startsWith('See your customers, invoices and payments'));
    assert.ok(unavailable.includes('not available to your role'));
    // Struck through for sighted users; the note above says the same in words.
    assert.deepEqual(elementTexts(page, 's'), ['Record payments and notes for you']);
    assert.deepEqual(elementTexts(page, 'code'), ['receivables:read', 'receivables:write']);
  });

  it('escapes a hostile client name, email, host, organization and scope everywhere', () => {
    const page = renderConsentPage(
      consentView({
        clientName: HOSTILE,
        userEmail: QUOTED_EMAIL,
        redirectHost: HOSTILE,
        scopes: [{ scope: HOSTILE, description: HOSTILE, granted: true }],
        organizations: [
          { id: '"x', name: HOSTILE, role: HOSTILE },
          { id: 'o2', name: 'Globex', role: 'Admin' },
        ],
        hiddenFields: { request_id: '"><script>' },
      }),
    );
    assert.ok(!page.includes('<script'));
    assert.ok(page.includes(`<h1>${HOSTILE_ESCAPED} wants to access your Tesorio account</h1>`));
    assert.ok(page.includes(`<title>Connect ${HOSTILE_ESCAPED} – Tesorio</title>`));
    assert.ok(page.includes(`you will be sent to <strong>${HOSTILE_ESCAPED}</strong>`));
    assert.ok(page.includes('o&quot;brien&#39;@example.com'));
    assert.equal(tags(page, 'option')[0].value, '"x');
  });
});

describe('error page', () => {
  it('shows title, message and the hint only when given, all escaped', () => {
    const page = renderErrorPage({ title: 'Bad <request>', message: HOSTILE, hint: 'Try "again"' });
    assert.ok(page.includes('<h1>Bad &lt;request&gt;</h1>'));
    assert.ok(page.includes(`<p>${HOSTILE_ESCAPED}</p>`));
    assert.ok(page.includes('Try &quot;again&quot;'));
    assert.ok(!page.includes('<script'));
    assert.doesNotMatch(renderErrorPage({ title: 'T', message: 'M' }), /class="muted"/);
  });
});

describe('connections page', () => {
  it('gives each connection its own disconnect form with the CSRF token and grant id', () => {
    const page = renderConnectionsPage(connectionsView());
    const forms = tags(page, 'form');
    assert.deepEqual(forms, [
      { method: 'post', action: '/account/sign-out' },
      { method: 'post', action: '/account/connections/disconnect' },
      { method: 'post', action: '/account/connections/disconnect' },
    ]);
    const hidden = tags(page, 'input').map((a) => `${a.type}:${a.name}=${a.value}`);
    assert.deepEqual(hidden, [
      'hidden:csrf_token=csrf-456',
      'hidden:csrf_token=csrf-456',
      'hidden:grant_id=grant-1',
      'hidden:csrf_token=csrf-456',
      'hidden:grant_id=grant-2',
    ]);
    // Each Disconnect button names its app (visually hidden) for screen-reader users tabbing through.
    assert.deepEqual(elementTexts(page, 'button'), ['Sign out', 'Disconnect Cursor', 'Disconnect Claude']);
    assert.match(page, /Disconnect<span class="visually-hidden"> Cursor<\/span>/);
  });

  it('shows host, organization, scopes, the unverified badge and dates in UTC', () => {
    const page = renderConnectionsPage(connectionsView());
    const visible = text(page);
    assert.ok(visible.includes('Sends you to cursor.com'));
    assert.ok(visible.includes('Globex'));
    assert.ok(visible.includes('receivables:write'));
    assert.equal(visible.match(/Unverified app/g)?.length, 1);
    assert.ok(visible.includes('2026-11-26 07:15 UTC'));
    assert.ok(visible.includes('2026-11-20 23:59 UTC'));
    assert.ok(visible.includes('2026-11-25 08:05 UTC'));
    assert.match(page, /<time datetime="2026-11-26T07:15:42.000Z">/);
    assert.match(page, /data-label="Last used">never<\/td>/);
  });

  it('shows the empty state and the notice in a status region', () => {
    const empty = renderConnectionsPage(connectionsView({ connections: [] }));
    assert.ok(text(empty).includes('No apps are connected.'));
    assert.ok(!empty.includes('<table'));
    assert.doesNotMatch(empty, /role="status"/);
    const notice = renderConnectionsPage(connectionsView({ notice: 'Disconnected Cursor.' }));
    assert.match(notice, /role="status"[^>]*>\s*<p>Disconnected Cursor\.<\/p>/);
  });

  it('escapes hostile client names, hosts, scopes and the email', () => {
    const [first] = connectionsView().connections;
    const page = renderConnectionsPage(
      connectionsView({
        userEmail: QUOTED_EMAIL,
        notice: HOSTILE,
        connections: [
          {
            ...first,
            grantId: '"><script>',
            clientName: HOSTILE,
            redirectHost: HOSTILE,
            organizationName: HOSTILE,
            scopes: [HOSTILE],
          },
        ],
      }),
    );
    assert.ok(!page.includes('<script'));
    assert.ok(page.includes(`<span class="app-name">${HOSTILE_ESCAPED}</span>`));
    assert.ok(page.includes('o&quot;brien&#39;@example.com'));
    assert.equal(input(page, 'grant_id').value, '"><script>');
  });
});

describe('signed-out page', () => {
  it('says the user is signed out', () => {
    assert.match(renderSignedOutPage(), /<h1>You are signed out\.<\/h1>/);
  });
});
