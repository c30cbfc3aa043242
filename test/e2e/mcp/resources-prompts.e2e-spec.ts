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

  before(async () => {
    app = await startOAuthTestApp();
    const books = await Books.create(app.dataSource, { name: 'Acme' });
    const other = await Books.create(app.dataSource, { name: 'Globex' });
    customerId = (await books.customer({ name: 'Initech' })).id;
    foreignCustomerId = (await other.customer({ name: 'Hooli' })).id;
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
