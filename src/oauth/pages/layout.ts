import { createHash } from 'node:crypto';
import { html, SafeHtml } from './html';

/**
 * The one stylesheet of every page. It is inline so the pages load nothing from anywhere
 * (RFC 9700 §4.2: no third-party resources on authorization pages), and it is allowed by its hash
 * rather than 'unsafe-inline'. Because of that, no element may carry a `style` attribute.
 */
const PAGE_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7;
  --surface: #ffffff;
  --text: #172033;
  --muted: #4d5769;
  --border: #dde1e7;
  --border-strong: #8a93a3;
  --accent: #1d4ed8;
  --accent-hover: #1e40af;
  --on-accent: #ffffff;
  --focus: #1d4ed8;
  --danger-bg: #fdeeee;
  --danger-border: #e6a3a3;
  --danger-text: #8f1d1d;
  --warn-bg: #fff6e5;
  --warn-border: #e7b552;
  --warn-text: #6a4300;
  --ok-bg: #ecf8f0;
  --ok-border: #8fcfa5;
  --ok-text: #1d5e33;
  --subtle: #f7f8fa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1218;
    --surface: #181c24;
    --text: #e7eaf0;
    --muted: #a8b0bd;
    --border: #2c323d;
    --border-strong: #6b7483;
    --accent: #8fb0ff;
    --accent-hover: #b3caff;
    --on-accent: #0b1020;
    --focus: #8fb0ff;
    --danger-bg: #3a1618;
    --danger-border: #7d3035;
    --danger-text: #ffc9c9;
    --warn-bg: #33270f;
    --warn-border: #8a6418;
    --warn-text: #ffdf9e;
    --ok-bg: #12301d;
    --ok-border: #2f6d43;
    --ok-text: #b5ebc6;
    --subtle: #1e232c;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  min-height: 100vh;
  background: var(--bg);
  color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 1rem;
  line-height: 1.5;
}
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.site-header { padding: 1rem 1.25rem; border-bottom: 1px solid var(--border); background: var(--surface); }
.brand { display: inline-flex; align-items: center; gap: 0.5rem; font-weight: 700; font-size: 1.0625rem; letter-spacing: -0.01em; }
.brand::before { content: ""; width: 1.125rem; height: 1.125rem; border-radius: 0.3125rem; background: var(--accent); }
main { max-width: 30rem; margin: 2.5rem auto 3rem; padding: 0 1rem; }
main.wide { max-width: 72rem; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: 0.75rem; padding: 2rem 1.75rem; box-shadow: 0 1px 3px rgba(16, 24, 40, 0.06); }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 0.75rem; letter-spacing: -0.01em; overflow-wrap: anywhere; }
h2 { font-size: 1rem; margin: 1.5rem 0 0.5rem; }
p { margin: 0 0 1rem; }
.muted { color: var(--muted); }
.small { font-size: 0.875rem; }
.eyebrow { color: var(--muted); font-size: 0.875rem; margin-bottom: 0.5rem; overflow-wrap: anywhere; }
.field { margin-bottom: 1.25rem; }
label { display: block; font-weight: 600; margin-bottom: 0.375rem; }
input[type="email"], input[type="password"], select {
  display: block;
  width: 100%;
  min-height: 2.75rem;
  padding: 0.625rem 0.75rem;
  font: inherit;
  color: var(--text);
  background: var(--surface);
  border: 1px solid var(--border-strong);
  border-radius: 0.5rem;
}
input[aria-invalid="true"] { border-color: var(--danger-text); }
.button {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  min-height: 2.75rem;
  padding: 0.625rem 1.25rem;
  font: inherit;
  font-weight: 600;
  line-height: 1.2;
  border-radius: 0.5rem;
  border: 1px solid transparent;
  cursor: pointer;
}
.button-primary { background: var(--accent); color: var(--on-accent); }
.button-primary:hover { background: var(--accent-hover); }
.button-secondary { background: var(--surface); color: var(--text); border-color: var(--border-strong); }
.button-secondary:hover { background: var(--subtle); }
.button-small { min-height: 2.75rem; padding: 0.5rem 0.875rem; font-size: 0.9375rem; }
.button-block { width: 100%; }
.actions { display: flex; gap: 0.75rem; justify-content: flex-end; margin-top: 1.75rem; }
.box { border: 1px solid; border-radius: 0.5rem; padding: 0.75rem 1rem; margin: 0 0 1.25rem; overflow-wrap: anywhere; }
.box p:last-child { margin-bottom: 0; }
.box-alert { background: var(--danger-bg); border-color: var(--danger-border); color: var(--danger-text); }
.box-warning { background: var(--warn-bg); border-color: var(--warn-border); color: var(--warn-text); }
.box-status { background: var(--ok-bg); border-color: var(--ok-border); color: var(--ok-text); }
.box-info { background: var(--subtle); border-color: var(--border); }
.box-title { display: block; font-weight: 700; margin-bottom: 0.25rem; }
.badge { display: inline-block; padding: 0.125rem 0.5rem; border: 1px solid var(--warn-border); border-radius: 999px; background: var(--warn-bg); color: var(--warn-text); font-size: 0.8125rem; font-weight: 700; line-height: 1.4; white-space: nowrap; vertical-align: middle; }
.client-heading { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; margin-bottom: 1rem; }
.client-heading h1 { margin: 0; }
.redirect-host { font-size: 1.125rem; }
.redirect-host strong { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 1.0625rem; }
.scopes { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: 0.5rem; }
.scope { position: relative; padding: 0.75rem 1rem 0.75rem 2.5rem; border-top: 1px solid var(--border); }
.scope:first-child { border-top: 0; }
.scope::before { content: "\\2713"; position: absolute; left: 1rem; top: 0.75rem; color: var(--ok-text); font-weight: 700; }
.scope-unavailable { color: var(--muted); background: var(--subtle); }
.scope-unavailable::before { content: "\\2715"; color: var(--muted); }
.scope-note { display: block; font-size: 0.875rem; font-style: italic; }
.scope code, .chip { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8125rem; color: var(--muted); }
.scope code { display: block; margin-top: 0.125rem; overflow-wrap: anywhere; }
.chips { display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0; padding: 0; list-style: none; }
.chip { padding: 0.0625rem 0.375rem; border: 1px solid var(--border); border-radius: 0.25rem; background: var(--subtle); }
.fine-print { margin: 1.5rem 0 0; color: var(--muted); font-size: 0.875rem; }
.page-heading { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 1rem; margin-bottom: 1.25rem; }
.page-heading h1 { margin-bottom: 0.25rem; }
.page-heading p { margin: 0; overflow-wrap: anywhere; }
.page-heading form { margin: 0; }
.table-wrap { border: 1px solid var(--border); border-radius: 0.5rem; overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 0.9375rem; }
th, td { padding: 0.75rem 1rem; text-align: left; vertical-align: top; border-top: 1px solid var(--border); }
thead th { border-top: 0; background: var(--subtle); color: var(--muted); font-size: 0.8125rem; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
tbody th { font-weight: 400; }
td form { margin: 0; }
.app-name { font-weight: 700; overflow-wrap: anywhere; }
.cell-actions { width: 1%; text-align: right; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.empty { padding: 2rem 1rem; text-align: center; color: var(--muted); border: 1px dashed var(--border-strong); border-radius: 0.5rem; margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
@media (max-width: 64rem) {
  .connections thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); }
  .connections, .connections tbody, .connections tr, .connections th, .connections td { display: block; }
  .connections tr { padding: 0.75rem 1rem; border-top: 1px solid var(--border); }
  .connections tbody tr:first-child { border-top: 0; }
  .connections th, .connections td { border: 0; padding: 0.25rem 0; }
  .connections td[data-label] { display: grid; grid-template-columns: 6.5rem 1fr; gap: 0.75rem; }
  .connections td[data-label]::before { content: attr(data-label); color: var(--muted); font-size: 0.8125rem; font-weight: 600; padding-top: 0.0625rem; }
  .connections .cell-actions { text-align: left; padding-top: 0.5rem; }
}
@media (max-width: 30rem) {
  main { margin-top: 1.25rem; padding: 0 0.75rem; }
  .card { padding: 1.5rem 1.125rem; }
  h1 { font-size: 1.3125rem; }
  .actions .button { flex: 1 1 0; }
}
@media (forced-colors: active) {
  .brand::before, .scope::before { forced-color-adjust: auto; }
  .badge, .box { border-color: CanvasText; }
}
`;

/** The inline style's CSP source: the SHA-256 of exactly the text between <style> and </style>. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE, 'utf8').digest('base64')}'`;

/**
 * Sent with every page. frame-ancestors stops clickjacking of the consent button (RFC 9700 §4.16).
 * There is deliberately no form-action: Chrome applies it to the redirect that follows a form POST,
 * which would block the hop back to the OAuth client's redirect_uri.
 */
export const PAGE_CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${PAGE_STYLE_HASH}; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'`;

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Wider column for tables (the connections page); forms stay narrow and easy to scan. */
  wide?: boolean;
}

export function renderPage(opts: PageOptions): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${opts.title} – Tesorio</title>
<style>${new SafeHtml(PAGE_STYLE)}</style>
</head>
<body>
<header class="site-header"><span class="brand">Tesorio</span></header>
<main${opts.wide ? html` class="wide"` : ''}>
${opts.body}
</main>
</body>
</html>
`;
  return page.value;
}

/** The CSRF token plus any state the handler needs back (request_id, return_to...). */
export function hiddenInputs(csrfToken: string, fields: Record<string, string> = {}): SafeHtml {
  return html`<input type="hidden" name="csrf_token" value="${csrfToken}" />${Object.entries(fields).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}`;
}
