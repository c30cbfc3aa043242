import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, SafeHtml } from './html';

describe('escapeHtml', () => {
  it('escapes every character that could start markup or leave an attribute', () => {
    assert.equal(escapeHtml(`&<>"'\`=`), '&amp;&lt;&gt;&quot;&#39;&#96;&#61;');
    assert.equal(escapeHtml('plain text stays 100% readable'), 'plain text stays 100% readable');
  });

  it('does not double-decode: an already escaped entity is escaped again', () => {
    assert.equal(escapeHtml('&lt;b&gt;'), '&amp;lt;b&amp;gt;');
  });
});

describe('html', () => {
  it('escapes interpolated strings in text and in attributes', () => {
    const name = '<script>alert(1)</script>';
    const value = '" onfocus="alert(1)';
    const out = html`<p title="${value}">${name}</p>`;
    assert.ok(out instanceof SafeHtml);
    assert.equal(
      out.value,
      '<p title="&quot; onfocus&#61;&quot;alert(1)">&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
  });

  it('keeps markup built by html and escapes everything else inside it', () => {
    const inner = html`<b>${'a & b'}</b>`;
    assert.equal(html`<p>${inner}</p>`.value, '<p><b>a &amp; b</b></p>');
  });

  it('joins arrays, escaping plain strings and keeping SafeHtml items', () => {
    const items = ['<i>', 'x'].map((s) => html`<li>${s}</li>`);
    // prettier-ignore
    assert.equal(html`<ul>${items}</ul>`.value, '<ul><li>&lt;i&gt;</li><li>x</li></ul>');
    // prettier-ignore
    assert.equal(html`${['<a>', html`<br>`, [html`<hr>`, '&']]}`.value, '&lt;a&gt;<br><hr>&amp;');
  });

  it('renders null, undefined and false as nothing, so conditions read naturally', () => {
    const show = false;
    assert.equal(html`[${null}${undefined}${false}${show && html`<b>x</b>`}]`.value, '[]');
    assert.equal(html`${0} ${true}`.value, '0 true');
  });

  it('refuses objects that would otherwise render as [object Object] or a locale date', () => {
    assert.throws(() => html`${{} as unknown as string}`, TypeError);
    assert.throws(() => html`${new Date(0) as unknown as string}`, TypeError);
  });

  it('does not treat a look-alike object as safe markup', () => {
    const fake = { value: '<script>' } as unknown as SafeHtml;
    assert.throws(() => html`${fake}`, TypeError);
  });
});
