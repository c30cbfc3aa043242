import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Books } from '../../factories/books';
import { obtainTokens } from '../../support/oauth-flows';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

describe('MCP resources and prompts', () => {
  let app: OAuthTestApp;
  let client: Client;
  let customerId: string;
  let foreignCustomerId: string;
  let invoiceId: string;
  let foreignInvoiceId: string;

  before(async () => {
    app = await startOAuthTestApp();
    const books = await Books.create(app.dataSource, { name: 'Acme' });
    const other = await Books.create(app.dataSource, { name: 'Globex' });
    customerId = (await books.customer({ name: 'Initech' })).id;
    const hooli = await other.customer({ name: 'Hooli' });
    foreignCustomerId = hooli.id;
    invoiceId = (
      await books.invoice(await books.customer({ name: 'Vandelay' }), 12_500, '2026-10-01', { number: 'V-7' })
    ).id;
    foreignInvoiceId = (await other.invoice(hooli, 99_000, '2026-10-01', { number: 'V-7' })).id;
    await app.createUser('viewer@acme.example', [{ orgId: books.orgId, role: 'viewer' }]);
    const tokens = await obtainTokens(app, { email: 'viewer@acme.example' });
    client = new Client({ name: 'resources-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(app.resource), {
        authProvider: { token: () => Promise.resolve(tokens.access_token) },
      }),
    );
  });
  after(async () => {
    await client.close();
    await app.stop();
  });

  it('lists the customer and invoice resource templates', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(), [
      'tesorio://customers/{customerId}',
      'tesorio://invoices/{invoiceId}',
    ]);
  });

  it('reads a customer of the organization as JSON', async () => {
    const result = await client.readResource({ uri: `tesorio://customers/${customerId}` });
    const content = result.contents[0] as { text: string; mimeType: string };
    assert.equal(content.mimeType, 'application/json');
    assert.equal((JSON.parse(content.text) as { name: string }).name, 'Initech');
  });

  it("does not read another organization's customer", async () => {
    await assert.rejects(
      client.readResource({ uri: `tesorio://customers/${foreignCustomerId}` }),
      /No customer/,
    );
  });

  it("reads an invoice of the organization, and not another organization's with the same number", async () => {
    const result = await client.readResource({ uri: `tesorio://invoices/${invoiceId}` });
    const invoice = JSON.parse((result.contents[0] as { text: string }).text) as Record<string, unknown>;
    assert.deepEqual([invoice.number, invoice.total, invoice.balance], ['V-7', 12_500, 12_500]);
    await assert.rejects(
      client.readResource({ uri: `tesorio://invoices/${foreignInvoiceId}` }),
      /No invoice/,
    );
  });

  it('tells the model how the tools fit together when it connects', () => {
    const instructions = client.getInstructions() ?? '';
    assert.match(instructions, /get_context/);
    assert.match(instructions, /nextCursor/);
    assert.match(instructions, /idempotencyKey/);
  });

  it('fills in the month-end review and dispute triage prompts, and refuses a month written otherwise', async () => {
    const monthEnd = await client.getPrompt({ name: 'month_end_ar_review', arguments: { month: '2026-10' } });
    const review = (monthEnd.messages[0]?.content as { text: string }).text;
    assert.match(review, /for 2026-10\./);
    assert.match(review, /get_aging/);
    await assert.rejects(
      client.getPrompt({ name: 'month_end_ar_review', arguments: { month: 'October' } }),
      /YYYY-MM/,
    );
    const triage = await client.getPrompt({ name: 'triage_disputes', arguments: {} });
    const steps = (triage.messages[0]?.content as { text: string }).text;
    assert.match(steps, /search_disputes with openOnly true/);
    assert.match(steps, /wait for my confirmation/);
  });

  it('offers the three working prompts and fills in their arguments', async () => {
    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name).sort(), [
      'month_end_ar_review',
      'prepare_collections_call',
      'triage_disputes',
    ]);
    const prompt = await client.getPrompt({
      name: 'prepare_collections_call',
      arguments: { customer: 'Initech' },
    });
    const text = (prompt.messages[0]?.content as { text: string }).text;
    assert.match(text, /"Initech"/);
    assert.match(text, /get_customer/);
  });
});
