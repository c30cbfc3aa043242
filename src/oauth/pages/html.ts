/**
 * A tiny tagged template for server-rendered pages. Every interpolated value is escaped unless it
 * is a SafeHtml that `html` itself produced, so client names, emails and hosts chosen by a
 * dynamically registered client can never become markup (RFC 9700 §4.2, MCP "Consent UI").
 */

/** Markup that is already safe to emit: only `html` (or a deliberate `new SafeHtml`) makes one. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What may be interpolated. Objects other than SafeHtml are refused: format them explicitly. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

/**
 * Escapes text for use in element content and in quoted attribute values. The backtick and `=`
 * are included so a value cannot close or start an attribute even if a template forgets quotes.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=]/g, (c) => ENTITIES[c]);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value));
  // A Date or plain object would render as something unhelpful; make the mistake loud instead.
  throw new TypeError(`html: cannot interpolate a value of type ${Object.prototype.toString.call(value)}`);
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + strings[i + 1];
  }
  return new SafeHtml(out);
}
