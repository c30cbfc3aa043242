import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { todayIn } from '../../../src/receivables/shared/calendar';
import { addDays, Books } from '../../factories/books';
import { obtainTokens } from '../../support/oauth-flows';
import type { Tokens } from '../../support/oauth-flows';
import {
  COLLECTIONS_TOOLS,
  DRAFT_TOOL,
  MATCH_TOOL,
  PAYMENT_TOOLS,
  TOOLS_BY_ROLE,
  WRITE_TOOLS,
} from '../../support/tool-catalogue';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/**
 * The write tools over HTTP, as a connected assistant uses them: people of one organization sign
 * in through the real OAuth flow with the scopes a client would ask for, the official SDK v2
 * client calls each tool, and every effect is checked in the database — including the audit row
 * naming the user and the OAuth client that acted (DESIGN.md "The principal"). Scopes are checked
 * the way a client meets them: tools/list filtered by the role-narrowed grant, and HTTP 403
 * insufficient_scope for a tool the grant lacks (security.md K4).
 *
 * Acme books (org USD, UTC), T = today, amounts in cents; invoice numbers are ACME-1xx:
 *   Acme: 101 (100,000, 30 days late), 102-105 for the money tools, 106 to dispute, 107 and 108
 *         with open disputes to update and resolve, 109 with an open dispute (the failing rule),
 *         110 matched by payment P-MATCH's reference; payments P-APPLY 35,000 and P-MATCH 12,345
 *         unapplied; credit memo CM-A 10,000 unused; contacts Alice (primary, billing) and Bob;
 *         a pending promise on 101; five tasks (one already done).
 *   Beta:  201 (25,000), tags [key-account].
 *   Gamma: 301, not yet due.
 */

const IDEMPOTENCY_KEY_DESCRIPTION =
  'Any unique string for this action; retrying with the same key and input returns the first result instead of acting twice';

type Row = Record<string, unknown>;

async function connect(app: OAuthTestApp, tokens: Tokens): Promise<Client> {
  const client = new Client({ name: 'write-tools-e2e', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(app.resource), {
      authProvider: { token: () => Promise.resolve(tokens.access_token) },
    }),
  );
  return client;
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name);
}

describe('write tools over MCP (SDK v2 client, real OAuth tokens)', () => {
  let app: OAuthTestApp;
  let books: Books;
  let orgId: string;
  let managerId: string;
  let collectorId: string;
  let collectorTokens: Tokens;
  let managerTokens: Tokens;
  let collector: Client;
  let manager: Client;
  const T = todayIn('UTC');
  const ids: Record<string, string> = {};

  before(async () => {
    app = await startOAuthTestApp();
    books = await Books.create(app.dataSource, { name: 'Acme Books' });
    orgId = books.orgId;
    managerId = await app.createUser('manager@acme.test', [{ orgId, role: 'manager' }]);
    collectorId = await app.createUser('collector@acme.test', [{ orgId, role: 'collector' }]);
    await app.createUser('viewer@acme.test', [{ orgId, role: 'viewer' }]);

    const acme = await books.customer({ name: 'Acme Corp' });
    const beta = await books.customer({ name: 'Beta LLC', tags: ['key-account'] });
    const gamma = await books.customer({ name: 'Gamma Inc' });
    const invoice = (n: number, total: number, issuedDaysAgo: number, customer = acme) =>
      books.invoice(customer, total, addDays(T, -issuedDaysAgo), { number: `ACME-${n}` });
    const a101 = await invoice(101, 100_000, 60);
    const a102 = await invoice(102, 50_000, 45);
    const a103 = await invoice(103, 30_000, 40);
    const a104 = await invoice(104, 20_000, 35);
    const a105 = await invoice(105, 40_000, 20);
    const a106 = await invoice(106, 60_000, 40);
    const a107 = await invoice(107, 45_000, 25);
    const a108 = await invoice(108, 80_000, 25);
    const a109 = await invoice(109, 15_000, 25);
    const a110 = await invoice(110, 12_345, 50);
    const b201 = await invoice(201, 25_000, 50, beta);
    const g301 = await invoice(301, 10_000, 5, gamma);
    const d107 = await books.dispute(a107, { amount: 20_000 });
    const d108 = await books.dispute(a108, { amount: 30_000, reason: 'damaged_goods' });
    const d109 = await books.dispute(a109);
    const pApply = await books.payment(acme, 35_000, addDays(T, -3), { number: 'P-APPLY' });
    const pMatch = await books.payment(acme, 12_345, addDays(T, -2), {
      number: 'P-MATCH',
      reference: 'Remittance ACME-110',
    });
    const cm = await books.creditMemo(acme, 10_000, addDays(T, -10), { number: 'CM-A' });
    const alice = await books.contact(acme, {
      name: 'Alice AP',
      email: 'alice@acme.test',
      isPrimary: true,
      isBilling: true,
    });
    const bob = await books.contact(acme, { name: 'Bob Buyer', email: 'bob@acme.test' });
    const promise = await books.promise(acme, [a101], addDays(T, 10));
    const task = (title: string, fields: Parameters<Books['task']>[0] = {}) =>
      books.task({ title, customerId: acme.id, status: 'open', dueOn: addDays(T, 5), ...fields });
    const tUpdate = await task('Update me');
    const tComplete = await task('Complete me');
    const tReassign = await task('Reassign me', { assigneeUserId: collectorId });
    const tCancel = await task('Cancel me');
    const tDone = await task('Already done', { status: 'done', completedAt: new Date() });
    Object.assign(ids, {
      acme: acme.id,
      beta: beta.id,
      gamma: gamma.id,
      a101: a101.id,
      a102: a102.id,
      a103: a103.id,
      a104: a104.id,
      a105: a105.id,
      a106: a106.id,
      a109: a109.id,
      a110: a110.id,
      b201: b201.id,
      g301: g301.id,
      d107: d107.id,
      d108: d108.id,
      d109: d109.id,
      pApply: pApply.id,
      pMatch: pMatch.id,
      cm: cm.id,
      alice: alice.id,
      bob: bob.id,
      promise: promise.id,
      tUpdate: tUpdate.id,
      tComplete: tComplete.id,
      tReassign: tReassign.id,
      tCancel: tCancel.id,
      tDone: tDone.id,
    });

    collectorTokens = await obtainTokens(
      app,
      { email: 'collector@acme.test', orgId },
      { overrides: { scope: 'ar:read ar:write offline_access' } },
    );
    managerTokens = await obtainTokens(
      app,
      { email: 'manager@acme.test', orgId },
      { overrides: { scope: 'ar:read ar:write payments:write offline_access' } },
    );
    collector = await connect(app, collectorTokens);
    manager = await connect(app, managerTokens);
  });

  after(async () => {
    await collector?.close();
    await manager?.close();
    await app?.stop();
  });

  async function query<T = Row>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return app.dataSource.query<T[]>(sql, parameters);
  }

  async function one<T = Row>(sql: string, parameters: unknown[] = []): Promise<T> {
    const rows = await query<T>(sql, parameters);
    assert.equal(rows.length, 1, `expected one row from: ${sql}`);
    return rows[0];
  }

  /** The row as stored (every column, updated_at included), to prove a failed call changed nothing. */
  async function rowOf(table: string, id: string): Promise<string> {
    const [row] = await query<{ json: string }>(
      `SELECT row_to_json(t)::text AS json FROM ${table} t WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    assert.ok(row, `no ${table} row ${id}`);
    return row.json;
  }

  async function count(table: string): Promise<number> {
    const [row] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE org_id = $1`, [
      orgId,
    ]);
    return row.n;
  }

  async function ok<T = Row>(client: Client, name: string, args: Row): Promise<T> {
    const result = await client.callTool({ name, arguments: args });
    assert.notEqual(result.isError, true, `${name} failed: ${textOf(result)}`);
    assert.ok(result.structuredContent, `${name} returned no structuredContent`);
    return result.structuredContent as T;
  }

  async function okText(client: Client, name: string, args: Row): Promise<string> {
    const result = await client.callTool({ name, arguments: args });
    assert.notEqual(result.isError, true, `${name} failed: ${textOf(result)}`);
    return textOf(result);
  }

  async function fails(client: Client, name: string, args: Row, expected: RegExp): Promise<string> {
    const result = await client.callTool({ name, arguments: args });
    const text = textOf(result);
    assert.equal(result.isError, true, `${name} should have failed: ${text}`);
    assert.match(text, expected);
    // A sentence a person can act on, never a stack trace or SQL.
    assert.doesNotMatch(text, /at .*\.js:\d+|SELECT |INSERT |UPDATE .* SET/);
    return text;
  }

  /** The audit row of one write, made by `userId` through the OAuth client of `tokens`. */
  async function assertAudited(action: string, targetId: string, userId: string, tokens: Tokens) {
    const rows = await query<{ actor_type: string; actor_user_id: string; client_id: string }>(
      `SELECT actor_type, actor_user_id, client_id FROM audit_log
        WHERE org_id = $1 AND action = $2 AND target_id = $3 ORDER BY created_at DESC`,
      [orgId, action, targetId],
    );
    assert.ok(rows.length > 0, `no audit row for ${action} on ${targetId}`);
    assert.deepEqual(rows[0], {
      actor_type: 'user',
      actor_user_id: userId,
      client_id: tokens.client.client_id,
    });
  }

  describe('tools/list and scopes', () => {
    it('lists every write tool with honest annotations, an output schema and a strict, described input', async () => {
      const { tools } = await manager.listTools();
      const byName = new Map<string, Tool>(tools.map((t) => [t.name, t]));
      for (const [name, hints] of Object.entries({ ...COLLECTIONS_TOOLS, ...PAYMENT_TOOLS })) {
        const tool = byName.get(name);
        assert.ok(tool, `${name} is not listed`);
        assert.equal(tool.annotations?.readOnlyHint, false, `${name} readOnlyHint`);
        assert.equal(tool.annotations?.destructiveHint, hints.destructive, `${name} destructiveHint`);
        assert.equal(tool.annotations?.idempotentHint, hints.idempotent, `${name} idempotentHint`);
        assert.equal(tool.annotations?.openWorldHint, false, `${name} openWorldHint`);
        assert.ok(tool.annotations?.title, `${name} has no title`);
        assert.ok(tool.outputSchema, `${name} has no outputSchema`);
        assert.equal(tool.inputSchema.additionalProperties, false, `${name} input is not strict`);
        const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
        for (const [field, schema] of Object.entries(properties)) {
          assert.ok(schema.description, `${name}.${field} has no description`);
        }
        assert.equal(properties.idempotencyKey?.description, IDEMPOTENCY_KEY_DESCRIPTION, name);
        assert.ok(!(tool.inputSchema.required ?? []).includes('idempotencyKey'), name);
      }
      for (const name of Object.keys(PAYMENT_TOOLS)) {
        assert.match(byName.get(name)?.description ?? '', /approval/, `${name} must ask for confirmation`);
      }
      for (const name of [DRAFT_TOOL, MATCH_TOOL]) {
        const tool = byName.get(name);
        assert.ok(tool, `${name} is not listed`);
        assert.equal(tool.annotations?.readOnlyHint, true, `${name} readOnlyHint`);
        assert.equal(tool.annotations?.destructiveHint, false, `${name} destructiveHint`);
        assert.ok(tool.outputSchema, `${name} has no outputSchema`);
      }
    });

    it('a viewer sees no write tool, even though the client asked for ar:write and payments:write', async () => {
      const viewerTokens = await obtainTokens(
        app,
        { email: 'viewer@acme.test', orgId },
        { overrides: { scope: 'ar:read ar:write payments:write' } },
      );
      const viewer = await connect(app, viewerTokens);
      try {
        const names = await toolNames(viewer);
        for (const name of [...WRITE_TOOLS, DRAFT_TOOL]) assert.ok(!names.includes(name), name);
        assert.ok(names.includes(MATCH_TOOL), 'suggestions need only ar:read');
        assert.deepEqual(names.sort(), [...TOOLS_BY_ROLE.viewer].sort());
      } finally {
        await viewer.close();
      }
    });

    it('a collector with ar:read ar:write sees the collections tools and no money tools', async () => {
      const names = await toolNames(collector);
      for (const name of [...Object.keys(COLLECTIONS_TOOLS), DRAFT_TOOL, MATCH_TOOL]) {
        assert.ok(names.includes(name), `${name} should be listed`);
      }
      for (const name of Object.keys(PAYMENT_TOOLS)) assert.ok(!names.includes(name), name);
      assert.deepEqual(names.sort(), [...TOOLS_BY_ROLE.collector].sort());
    });

    it('a manager with every scope sees every tool', async () => {
      const names = await toolNames(manager);
      for (const name of [...WRITE_TOOLS, DRAFT_TOOL, MATCH_TOOL, 'get_context', 'search_invoices']) {
        assert.ok(names.includes(name), `${name} should be listed`);
      }
      assert.deepEqual(names.sort(), [...TOOLS_BY_ROLE.manager].sort(), 'exactly the tools of the catalogue');
    });

    it('a collector whose client asked for payments:write still cannot record a payment', async () => {
      const tokens = await obtainTokens(
        app,
        { email: 'collector@acme.test', orgId },
        { overrides: { scope: 'ar:read ar:write payments:write' } },
      );
      const client = await connect(app, tokens);
      const payments = await count('payments');
      try {
        const context = await ok<{ scopes: string[] }>(client, 'get_context', {});
        assert.ok(context.scopes.includes('ar:write'));
        assert.ok(!context.scopes.includes('payments:write'), 'the collector role narrows the grant');
        assert.ok(!(await toolNames(client)).includes('record_payment'));
        const args = {
          customerId: ids.acme,
          amount: 1_000,
          currency: 'USD',
          receivedOn: T,
          method: 'ach',
        };
        // The SDK meets the 403 step-up challenge and reports what it would have to ask for.
        await assert.rejects(
          client.callTool({ name: 'record_payment', arguments: args }),
          /Insufficient scope: required "payments:write"/,
        );
        const response = await rawToolCall(tokens.access_token, 'record_payment', args);
        assert.equal(response.status, 403);
        assert.match(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
      } finally {
        await client.close();
      }
      assert.equal(await count('payments'), payments, 'no payment may be recorded');
    });

    it('a tool whose scope the grant lacks answers HTTP 403 insufficient_scope with the scope to ask for', async () => {
      const readOnly = await obtainTokens(
        app,
        { email: 'manager@acme.test', orgId },
        { overrides: { scope: 'ar:read' } },
      );
      const payments = await count('payments');
      const response = await rawToolCall(readOnly.access_token, 'record_payment', {
        customerId: ids.acme,
        amount: 1_000,
        currency: 'USD',
        receivedOn: T,
        method: 'ach',
      });
      assert.equal(response.status, 403, await response.clone().text());
      const challenge = response.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer /);
      assert.match(challenge, /error="insufficient_scope"/);
      assert.match(challenge, /scope="payments:write"/);
      assert.ok(
        challenge.includes(`resource_metadata="${app.baseUrl}/.well-known/oauth-protected-resource/v1/mcp"`),
        challenge,
      );
      assert.equal(await count('payments'), payments);
    });
  });

  async function rawToolCall(token: string, name: string, args: Row): Promise<Response> {
    return fetch(app.resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name, arguments: args },
      }),
    });
  }

  describe('collections work (a collector, ar:write)', () => {
    it('add_note adds a note authored by the user, audited with the user and the OAuth client', async () => {
      const note = await ok<{ id: string; customerId: string; invoiceId: string }>(collector, 'add_note', {
        invoiceId: ids.a101,
        body: 'Customer says the cheque is in the post.',
        subject: 'Cheque',
      });
      assert.equal(note.customerId, ids.acme, "the invoice's customer is implied");
      const row = await one<Row>(
        'SELECT type, body, subject, author_user_id, invoice_id FROM activities WHERE org_id = $1 AND id = $2',
        [orgId, note.id],
      );
      assert.deepEqual(row, {
        type: 'note',
        body: 'Customer says the cheque is in the post.',
        subject: 'Cheque',
        author_user_id: collectorId,
        invoice_id: ids.a101,
      });
      await assertAudited('activity.add_note', note.id, collectorId, collectorTokens);
    });

    it('log_activity records a call with a contact, subject defaulting to "Call with <contact>"', async () => {
      const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
      const activity = await ok<{ id: string; subject: string }>(collector, 'log_activity', {
        customerId: ids.acme,
        type: 'call',
        summary: 'Promised to pay ACME-101 next week.',
        contactId: ids.alice,
        occurredAt,
      });
      assert.equal(activity.subject, 'Call with Alice AP');
      const row = await one<{ type: string; occurred_at: Date }>(
        'SELECT type, occurred_at FROM activities WHERE org_id = $1 AND id = $2',
        [orgId, activity.id],
      );
      assert.equal(row.type, 'call');
      assert.equal(new Date(row.occurred_at).toISOString(), occurredAt);
      await assertAudited('activity.log', activity.id, collectorId, collectorTokens);
    });

    it('create_task creates an open task for an assignee', async () => {
      const task = await ok<{ id: string; status: string }>(collector, 'create_task', {
        title: 'Chase ACME-102',
        type: 'call',
        priority: 'high',
        dueOn: addDays(T, 3),
        invoiceId: ids.a102,
        assigneeUserId: collectorId,
      });
      assert.equal(task.status, 'open');
      const row = await one<Row>(
        `SELECT title, status, priority, to_char(due_on, 'YYYY-MM-DD') AS due_on, customer_id, assignee_user_id, created_by_user_id
           FROM tasks WHERE org_id = $1 AND id = $2`,
        [orgId, task.id],
      );
      assert.deepEqual(row, {
        title: 'Chase ACME-102',
        status: 'open',
        priority: 'high',
        due_on: addDays(T, 3),
        customer_id: ids.acme,
        assignee_user_id: collectorId,
        created_by_user_id: collectorId,
      });
      await assertAudited('task.create', task.id, collectorId, collectorTokens);
    });

    it('update_task changes only the named fields; null clears the due day', async () => {
      const text = await okText(collector, 'update_task', {
        taskId: ids.tUpdate,
        priority: 'urgent',
        dueOn: null,
      });
      assert.match(text, /changed: priority, dueOn/);
      const row = await one<Row>('SELECT title, priority, due_on FROM tasks WHERE org_id = $1 AND id = $2', [
        orgId,
        ids.tUpdate,
      ]);
      assert.deepEqual(row, { title: 'Update me', priority: 'urgent', due_on: null });
      await assertAudited('task.update', ids.tUpdate, collectorId, collectorTokens);
    });

    it('complete_task marks the task done with a completion time', async () => {
      await ok(collector, 'complete_task', { taskId: ids.tComplete, note: 'Paid.' });
      const row = await one<{ status: string; completed_at: Date | null }>(
        'SELECT status, completed_at FROM tasks WHERE org_id = $1 AND id = $2',
        [orgId, ids.tComplete],
      );
      assert.equal(row.status, 'done');
      assert.ok(row.completed_at);
      await assertAudited('task.complete', ids.tComplete, collectorId, collectorTokens);
    });

    it('reassign_task gives the task to another member', async () => {
      await ok(collector, 'reassign_task', { taskId: ids.tReassign, assigneeUserId: managerId });
      const row = await one<Row>('SELECT assignee_user_id FROM tasks WHERE org_id = $1 AND id = $2', [
        orgId,
        ids.tReassign,
      ]);
      assert.equal(row.assignee_user_id, managerId);
      await assertAudited('task.reassign', ids.tReassign, collectorId, collectorTokens);
    });

    it('cancel_task cancels an open task', async () => {
      await ok(collector, 'cancel_task', { taskId: ids.tCancel, reason: 'Duplicate' });
      const row = await one<Row>('SELECT status FROM tasks WHERE org_id = $1 AND id = $2', [
        orgId,
        ids.tCancel,
      ]);
      assert.equal(row.status, 'cancelled');
      await assertAudited('task.cancel', ids.tCancel, collectorId, collectorTokens);
    });

    it('record_promise_to_pay records a pending promise split over the invoices', async () => {
      const text = await okText(collector, 'record_promise_to_pay', {
        customerId: ids.acme,
        invoiceIds: [ids.a101],
        amount: 60_000,
        currency: 'USD',
        promisedOn: addDays(T, 7),
        contactId: ids.alice,
        source: 'call',
      });
      assert.match(text, /USD 600\.00 by /);
      const promise = await one<{ id: string; amount: number; status: string; created_by_user_id: string }>(
        `SELECT id, amount::int AS amount, status, created_by_user_id FROM promises_to_pay
          WHERE org_id = $1 AND customer_id = $2 AND promised_on = $3`,
        [orgId, ids.acme, addDays(T, 7)],
      );
      assert.equal(promise.amount, 60_000);
      assert.equal(promise.status, 'pending');
      assert.equal(promise.created_by_user_id, collectorId);
      const split = await one<{ invoice_id: string; amount: number }>(
        'SELECT invoice_id, amount::int AS amount FROM promise_invoices WHERE org_id = $1 AND promise_id = $2',
        [orgId, promise.id],
      );
      assert.deepEqual(split, { invoice_id: ids.a101, amount: 60_000 });
      await assertAudited('promise.record', promise.id, collectorId, collectorTokens);
    });

    it('cancel_promise_to_pay cancels a pending promise', async () => {
      const result = await ok<{ status: string }>(collector, 'cancel_promise_to_pay', {
        promiseId: ids.promise,
        reason: 'Customer withdrew it',
      });
      assert.equal(result.status, 'cancelled');
      const row = await one<Row>('SELECT status FROM promises_to_pay WHERE org_id = $1 AND id = $2', [
        orgId,
        ids.promise,
      ]);
      assert.equal(row.status, 'cancelled');
      await assertAudited('promise.cancel', ids.promise, collectorId, collectorTokens);
    });

    it('open_dispute opens a dispute for part of an invoice', async () => {
      const dispute = await ok<{ id: string }>(collector, 'open_dispute', {
        invoiceId: ids.a106,
        reason: 'quantity',
        amount: 15_000,
        description: 'Two boxes missing',
        ownerUserId: collectorId,
      });
      const row = await one<Row>(
        'SELECT invoice_id, status, reason, amount::int AS amount, owner_user_id FROM disputes WHERE org_id = $1 AND id = $2',
        [orgId, dispute.id],
      );
      assert.deepEqual(row, {
        invoice_id: ids.a106,
        status: 'open',
        reason: 'quantity',
        amount: 15_000,
        owner_user_id: collectorId,
      });
      await assertAudited('dispute.open', dispute.id, collectorId, collectorTokens);
    });

    it('update_dispute moves a dispute to in_review with a new owner', async () => {
      await ok(collector, 'update_dispute', {
        disputeId: ids.d107,
        status: 'in_review',
        ownerUserId: managerId,
      });
      const row = await one<Row>('SELECT status, owner_user_id FROM disputes WHERE org_id = $1 AND id = $2', [
        orgId,
        ids.d107,
      ]);
      assert.deepEqual(row, { status: 'in_review', owner_user_id: managerId });
      await assertAudited('dispute.update', ids.d107, collectorId, collectorTokens);
    });

    it('resolve_dispute with a credit memo moves money, so a collector without payments:write is refused', async () => {
      const refused = await collector.callTool({
        name: 'resolve_dispute',
        arguments: {
          disputeId: ids.d108,
          outcome: 'resolved',
          resolution: 'Damaged goods',
          creditMemo: { amount: 30_000 },
        },
      });
      assert.equal(refused.isError, true);
      assert.match(JSON.stringify(refused.content), /needs the payments:write permission/);
      const dispute = await one<{ status: string }>(
        'SELECT status FROM disputes WHERE org_id = $1 AND id = $2',
        [orgId, ids.d108],
      );
      assert.notEqual(dispute.status, 'resolved');
    });

    it('resolve_dispute with a credit memo closes the dispute and lowers the invoice balance', async () => {
      const text = await okText(manager, 'resolve_dispute', {
        disputeId: ids.d108,
        outcome: 'resolved',
        resolution: 'Damaged goods confirmed',
        creditMemo: { amount: 30_000 },
      });
      assert.match(text, /credit memo CM-ACME-108-1 .* for USD 300\.00/);
      assert.match(text, /balance USD 500\.00 of USD 800\.00/);
      const dispute = await one<{ status: string; credit_memo_id: string }>(
        'SELECT status, credit_memo_id FROM disputes WHERE org_id = $1 AND id = $2',
        [orgId, ids.d108],
      );
      assert.equal(dispute.status, 'resolved');
      const memo = await one<Row>(
        'SELECT number, amount::int AS amount, remaining_amount::int AS remaining FROM credit_memos WHERE org_id = $1 AND id = $2',
        [orgId, dispute.credit_memo_id],
      );
      assert.deepEqual(memo, { number: 'CM-ACME-108-1', amount: 30_000, remaining: 0 });
      const invoice = await one<Row>(
        `SELECT balance::int AS balance, amount_credited::int AS credited, status FROM invoices
          WHERE org_id = $1 AND number = 'ACME-108'`,
        [orgId],
      );
      assert.deepEqual(invoice, { balance: 50_000, credited: 30_000, status: 'partially_paid' });
      await assertAudited('dispute.resolve', ids.d108, managerId, managerTokens);
      await assertAudited('credit_memo.issue', dispute.credit_memo_id, managerId, managerTokens);
    });

    it('assign_collector assigns several customers at once, one audit row each', async () => {
      const result = await ok<{ changed: string[] }>(collector, 'assign_collector', {
        customerIds: [ids.beta, ids.gamma],
        collectorUserId: collectorId,
      });
      assert.deepEqual([...result.changed].sort(), [ids.beta, ids.gamma].sort());
      const rows = await query<{ collector_user_id: string }>(
        'SELECT collector_user_id FROM customers WHERE org_id = $1 AND id = ANY($2::uuid[])',
        [orgId, [ids.beta, ids.gamma]],
      );
      assert.deepEqual(
        rows.map((r) => r.collector_user_id),
        [collectorId, collectorId],
      );
      await assertAudited('customer.assign_collector', ids.beta, collectorId, collectorTokens);
      await assertAudited('customer.assign_collector', ids.gamma, collectorId, collectorTokens);
    });

    it('set, add and remove customer tags, normalised as the books spell them', async () => {
      const tagsOf = async () =>
        (
          await one<{ tags: string[] }>('SELECT tags FROM customers WHERE org_id = $1 AND id = $2', [
            orgId,
            ids.beta,
          ])
        ).tags;
      await ok(collector, 'add_customer_tags', { customerId: ids.beta, tags: ['Payment Plan'] });
      assert.deepEqual(await tagsOf(), ['key-account', 'payment-plan']);
      await assertAudited('customer.add_tags', ids.beta, collectorId, collectorTokens);
      await ok(collector, 'remove_customer_tags', { customerId: ids.beta, tags: ['key-account'] });
      assert.deepEqual(await tagsOf(), ['payment-plan']);
      await assertAudited('customer.remove_tags', ids.beta, collectorId, collectorTokens);
      const set = await ok<{ added: string[]; removed: string[] }>(collector, 'set_customer_tags', {
        customerId: ids.beta,
        tags: ['vip', 'slow_payer'],
      });
      assert.deepEqual(set, {
        customerId: ids.beta,
        tags: ['slow-payer', 'vip'],
        added: ['slow-payer', 'vip'],
        removed: ['payment-plan'],
      });
      assert.deepEqual(await tagsOf(), ['slow-payer', 'vip']);
      await assertAudited('customer.set_tags', ids.beta, collectorId, collectorTokens);
    });

    it('pause_dunning pauses reminders until a day; resume_dunning lifts the pause', async () => {
      const until = addDays(T, 30);
      await ok(collector, 'pause_dunning', { customerId: ids.acme, until, reason: 'Payment plan agreed' });
      let row = await one<Row>(
        `SELECT to_char(dunning_paused_until, 'YYYY-MM-DD') AS until, dunning_pause_reason AS reason
           FROM customers WHERE org_id = $1 AND id = $2`,
        [orgId, ids.acme],
      );
      assert.deepEqual(row, { until, reason: 'Payment plan agreed' });
      await assertAudited('customer.pause_dunning', ids.acme, collectorId, collectorTokens);
      await ok(collector, 'resume_dunning', { customerId: ids.acme, reason: 'Plan broken' });
      row = await one<Row>(
        'SELECT dunning_paused_until AS until, dunning_pause_reason AS reason FROM customers WHERE org_id = $1 AND id = $2',
        [orgId, ids.acme],
      );
      assert.deepEqual(row, { until: null, reason: null });
      await assertAudited('customer.resume_dunning', ids.acme, collectorId, collectorTokens);
    });

    it('create_contact adds a contact; making one primary demotes the old primary', async () => {
      const contact = await ok<{ id: string; demotedContactIds: string[] }>(collector, 'create_contact', {
        customerId: ids.acme,
        name: 'Carl Controller',
        email: 'carl@ACME.test',
        title: 'Controller',
        isPrimary: true,
      });
      assert.deepEqual(contact.demotedContactIds, [ids.alice]);
      const row = await one<Row>(
        'SELECT name, email, title, is_primary FROM contacts WHERE org_id = $1 AND id = $2',
        [orgId, contact.id],
      );
      assert.deepEqual(row, {
        name: 'Carl Controller',
        email: 'carl@acme.test',
        title: 'Controller',
        is_primary: true,
      });
      const alice = await one<Row>('SELECT is_primary FROM contacts WHERE org_id = $1 AND id = $2', [
        orgId,
        ids.alice,
      ]);
      assert.equal(alice.is_primary, false);
      await assertAudited('contact.create', contact.id, collectorId, collectorTokens);
      // Alice is the primary contact again for the email draft below.
      await ok(collector, 'update_contact', { contactId: ids.alice, isPrimary: true });
    });

    it('update_contact changes the named fields; null clears one', async () => {
      await ok(collector, 'update_contact', { contactId: ids.bob, phone: '+1 (555) 010-2030', email: null });
      const row = await one<Row>('SELECT phone, email FROM contacts WHERE org_id = $1 AND id = $2', [
        orgId,
        ids.bob,
      ]);
      assert.deepEqual(row, { phone: '+1 (555) 010-2030', email: null });
      await assertAudited('contact.update', ids.bob, collectorId, collectorTokens);
    });

    it('draft_collection_email drafts from the account state and writes nothing', async () => {
      const audits = await count('audit_log');
      const activities = await count('activities');
      const draft = await ok<{
        to: { contactId: string } | null;
        subject: string;
        invoices: { number: string }[];
        excluded: { number: string; reason: string }[];
      }>(collector, DRAFT_TOOL, { customerId: ids.acme, tone: 'firm' });
      assert.equal(draft.to?.contactId, ids.alice);
      assert.match(draft.subject, /Overdue invoices for Acme Corp/);
      assert.ok(draft.invoices.some((i) => i.number === 'ACME-102'));
      assert.ok(draft.excluded.some((e) => e.number === 'ACME-106' && e.reason === 'disputed'));
      assert.equal(await count('audit_log'), audits, 'a draft is not audited: it changes nothing');
      assert.equal(await count('activities'), activities, 'a draft sends and logs nothing');
    });
  });

  describe('money movements (a manager, payments:write)', () => {
    it('record_payment records a receipt and applies part of it at once', async () => {
      const text = await okText(manager, 'record_payment', {
        customerId: ids.acme,
        amount: 30_000,
        currency: 'USD',
        receivedOn: T,
        method: 'wire',
        reference: 'WIRE-REC-1',
        applications: [{ invoiceId: ids.a102, amount: 20_000 }],
      });
      assert.match(text, /of USD 300\.00 from customer/);
      assert.match(text, /USD 200\.00 to invoice ACME-102 .* balance USD 500\.00 → USD 300\.00/);
      const { id: paymentId, ...payment } = await one<Row & { id: string }>(
        `SELECT id, amount::int AS amount, applied_amount::int AS applied, unapplied_amount::int AS unapplied, status
           FROM payments WHERE org_id = $1 AND reference = 'WIRE-REC-1'`,
        [orgId],
      );
      assert.deepEqual(payment, {
        amount: 30_000,
        applied: 20_000,
        unapplied: 10_000,
        status: 'partially_applied',
      });
      const invoice = await one<Row>(
        'SELECT balance::int AS balance, status FROM invoices WHERE org_id = $1 AND id = $2',
        [orgId, ids.a102],
      );
      assert.deepEqual(invoice, { balance: 30_000, status: 'partially_paid' });
      await assertAudited('payment.record', paymentId, managerId, managerTokens);
    });

    it('apply_payment applies unapplied cash to an invoice', async () => {
      const result = await ok<{ unappliedAmount: number; status: string }>(manager, 'apply_payment', {
        paymentId: ids.pApply,
        applications: [{ invoiceId: ids.a103, amount: 30_000 }],
      });
      assert.deepEqual(
        { unapplied: result.unappliedAmount, status: result.status },
        { unapplied: 5_000, status: 'partially_applied' },
      );
      const invoice = await one<Row>(
        'SELECT balance::int AS balance, status FROM invoices WHERE org_id = $1 AND id = $2',
        [orgId, ids.a103],
      );
      assert.deepEqual(invoice, { balance: 0, status: 'paid' });
      await assertAudited('payment.apply', ids.pApply, managerId, managerTokens);
    });

    it('unapply_payment takes part of an application back and reopens the invoice', async () => {
      const text = await okText(manager, 'unapply_payment', {
        paymentId: ids.pApply,
        invoiceId: ids.a103,
        amount: 10_000,
      });
      assert.match(text, /Unapplied USD 100\.00 of payment P-APPLY from invoice ACME-103/);
      const invoice = await one<Row>(
        'SELECT balance::int AS balance, status FROM invoices WHERE org_id = $1 AND id = $2',
        [orgId, ids.a103],
      );
      assert.deepEqual(invoice, { balance: 10_000, status: 'partially_paid' });
      const payment = await one<Row>(
        'SELECT unapplied_amount::int AS unapplied FROM payments WHERE org_id = $1 AND id = $2',
        [orgId, ids.pApply],
      );
      assert.equal(payment.unapplied, 15_000);
      await assertAudited('payment.unapply', ids.pApply, managerId, managerTokens);
    });

    it('apply_credit_memo settles an invoice with unused credit', async () => {
      await ok(manager, 'apply_credit_memo', {
        creditMemoId: ids.cm,
        applications: [{ invoiceId: ids.a104, amount: 10_000 }],
      });
      const memo = await one<Row>(
        'SELECT remaining_amount::int AS remaining, status FROM credit_memos WHERE org_id = $1 AND id = $2',
        [orgId, ids.cm],
      );
      assert.deepEqual(memo, { remaining: 0, status: 'applied' });
      const invoice = await one<Row>(
        'SELECT balance::int AS balance, amount_credited::int AS credited FROM invoices WHERE org_id = $1 AND id = $2',
        [orgId, ids.a104],
      );
      assert.deepEqual(invoice, { balance: 10_000, credited: 10_000 });
      await assertAudited('credit_memo.apply', ids.cm, managerId, managerTokens);
    });

    it('write_off_invoice writes off the whole balance and closes the invoice', async () => {
      const text = await okText(manager, 'write_off_invoice', {
        invoiceId: ids.a105,
        reason: 'Customer bankrupt',
      });
      assert.match(text, /Wrote off USD 400\.00 of invoice ACME-105/);
      const invoice = await one<Row>(
        'SELECT balance::int AS balance, amount_written_off::int AS written_off, status FROM invoices WHERE org_id = $1 AND id = $2',
        [orgId, ids.a105],
      );
      assert.deepEqual(invoice, { balance: 0, written_off: 40_000, status: 'written_off' });
      await assertAudited('invoice.write_off', ids.a105, managerId, managerTokens);
      const audit = await one<{ reason: string }>(
        `SELECT reason FROM audit_log WHERE org_id = $1 AND action = 'invoice.write_off' AND target_id = $2`,
        [orgId, ids.a105],
      );
      assert.equal(audit.reason, 'Customer bankrupt');
    });

    it('suggest_payment_matches ranks the invoice the reference names first and writes nothing', async () => {
      const audits = await count('audit_log');
      const result = await ok<{
        suggestions: { rank: number; applications: { invoiceId: string; amount: number }[] }[];
      }>(collector, MATCH_TOOL, { paymentId: ids.pMatch });
      assert.deepEqual(result.suggestions[0].applications, [
        {
          invoiceId: ids.a110,
          invoiceNumber: 'ACME-110',
          poNumber: null,
          dueDate: addDays(T, -20),
          balance: 12_345,
          amount: 12_345,
        },
      ]);
      assert.equal(await count('audit_log'), audits);
    });
  });

  describe('retries', () => {
    it('the same idempotencyKey twice records one payment and answers the first result again', async () => {
      const args = {
        customerId: ids.acme,
        amount: 5_000,
        currency: 'USD',
        receivedOn: T,
        method: 'check',
        reference: 'CHK-IDEM',
        applications: [{ invoiceId: ids.a101, amount: 5_000 }],
        idempotencyKey: 'pay-chk-idem-1',
      };
      const first = await ok<{ paymentId: string; number: string }>(manager, 'record_payment', args);
      const second = await ok<{ paymentId: string; number: string }>(manager, 'record_payment', args);
      assert.deepEqual(second, first);
      const rows = await query(`SELECT id FROM payments WHERE org_id = $1 AND reference = 'CHK-IDEM'`, [
        orgId,
      ]);
      assert.equal(rows.length, 1);
      const invoice = await one<Row>(
        'SELECT balance::int AS balance FROM invoices WHERE org_id = $1 AND id = $2',
        [orgId, ids.a101],
      );
      assert.equal(invoice.balance, 95_000, 'applied once');
      const audits = await query(
        `SELECT 1 FROM audit_log WHERE org_id = $1 AND action = 'payment.record' AND target_id = $2`,
        [orgId, first.paymentId],
      );
      assert.equal(audits.length, 1);
    });

    it('the same idempotencyKey twice adds one note; the key with other input is refused', async () => {
      const args = { customerId: ids.gamma, body: 'Left a voicemail.', idempotencyKey: 'note-idem-1' };
      const first = await ok<{ id: string }>(collector, 'add_note', args);
      const second = await ok<{ id: string }>(collector, 'add_note', args);
      assert.equal(second.id, first.id);
      const notes = await query(`SELECT 1 FROM activities WHERE org_id = $1 AND customer_id = $2`, [
        orgId,
        ids.gamma,
      ]);
      assert.equal(notes.length, 1);
      await fails(
        collector,
        'add_note',
        { ...args, body: 'Something else' },
        /already used for a different request; use a new key/,
      );
      assert.equal(
        (await query(`SELECT 1 FROM activities WHERE org_id = $1 AND customer_id = $2`, [orgId, ids.gamma]))
          .length,
        1,
      );
    });
  });

  describe('domain rules refused with a sentence, nothing changed', () => {
    it('malformed input: refused naming the field, before anything is written', async () => {
      const tables = ['activities', 'tasks', 'promises_to_pay', 'payments', 'audit_log'];
      const before = await Promise.all(tables.map(count));
      await fails(collector, 'add_note', { customerId: 'acme', body: 'x' }, /customerId/);
      await fails(collector, 'create_task', { customerId: ids.acme }, /title/);
      await fails(collector, 'add_note', { customerId: ids.acme, body: 'x', pinned: true }, /pinned/);
      await fails(
        collector,
        'record_promise_to_pay',
        {
          customerId: ids.acme,
          invoiceIds: [ids.a109],
          amount: 100,
          currency: 'USD',
          promisedOn: '2026-02-30',
        },
        /promisedOn/,
      );
      await fails(
        manager,
        'record_payment',
        { customerId: ids.acme, amount: -500, currency: 'USD', receivedOn: T, method: 'wire' },
        /amount/,
      );
      await fails(
        manager,
        'record_payment',
        { customerId: ids.acme, amount: 500, currency: 'usd', receivedOn: T, method: 'carrier pigeon' },
        /currency|method/,
      );
      assert.deepEqual(await Promise.all(tables.map(count)), before);
    });

    it('activities: a note naming an invoice of another customer', async () => {
      const before = await count('activities');
      await fails(
        collector,
        'add_note',
        { customerId: ids.acme, invoiceId: ids.b201, body: 'Wrong pairing' },
        /Invoice ACME-201 belongs to another customer, not Acme Corp/,
      );
      assert.equal(await count('activities'), before);
    });

    it('tasks: completing a task that is already done', async () => {
      const before = await rowOf('tasks', ids.tDone);
      await fails(collector, 'complete_task', { taskId: ids.tDone }, /already done and cannot be changed/);
      assert.equal(await rowOf('tasks', ids.tDone), before);
    });

    it('promises: promising more than the covered invoices still owe', async () => {
      const before = await count('promises_to_pay');
      await fails(
        collector,
        'record_promise_to_pay',
        {
          customerId: ids.acme,
          invoiceIds: [ids.a109],
          amount: 99_999_999,
          currency: 'USD',
          promisedOn: addDays(T, 3),
        },
        /more than the USD 150\.00 still open on the covered invoices/,
      );
      assert.equal(await count('promises_to_pay'), before);
    });

    it('disputes: opening a second dispute on an invoice that has one', async () => {
      const before = await count('disputes');
      const invoice = await rowOf('invoices', ids.a109);
      await fails(
        collector,
        'open_dispute',
        { invoiceId: ids.a109, reason: 'pricing' },
        /already has an open dispute .* update that dispute instead/,
      );
      assert.equal(await count('disputes'), before);
      assert.equal(await rowOf('invoices', ids.a109), invoice);
    });

    it('customers: pausing dunning until a day in the past', async () => {
      const before = await rowOf('customers', ids.gamma);
      await fails(
        collector,
        'pause_dunning',
        { customerId: ids.gamma, until: addDays(T, -1), reason: 'Too late' },
        /is in the past; pause dunning until today/,
      );
      assert.equal(await rowOf('customers', ids.gamma), before);
    });

    it('contacts: a second contact with an email the customer already has', async () => {
      const before = await count('contacts');
      await fails(
        collector,
        'create_contact',
        { customerId: ids.acme, name: 'Alice Again', email: 'ALICE@acme.test' },
        /Alice AP .* already has the email/,
      );
      assert.equal(await count('contacts'), before);
    });

    it('email drafts: a firm email when nothing is past due yet', async () => {
      await fails(
        collector,
        DRAFT_TOOL,
        { customerId: ids.gamma, tone: 'firm' },
        /Draft a friendly reminder instead/,
      );
    });

    it('payments: applying more than the payment has unapplied', async () => {
      const payment = await rowOf('payments', ids.pApply);
      const invoice = await rowOf('invoices', ids.a101);
      await fails(
        manager,
        'apply_payment',
        { paymentId: ids.pApply, applications: [{ invoiceId: ids.a101, amount: 50_000 }] },
        /has only 15000 \(USD 150\.00\) unapplied/,
      );
      assert.equal(await rowOf('payments', ids.pApply), payment);
      assert.equal(await rowOf('invoices', ids.a101), invoice);
    });

    it('credits: applying a credit memo that has no credit left', async () => {
      const memo = await rowOf('credit_memos', ids.cm);
      await fails(
        manager,
        'apply_credit_memo',
        { creditMemoId: ids.cm, applications: [{ invoiceId: ids.a101, amount: 100 }] },
        /Credit memo CM-A is already fully applied/,
      );
      assert.equal(await rowOf('credit_memos', ids.cm), memo);
    });

    it('write-offs: writing off more than the invoice owes', async () => {
      const invoice = await rowOf('invoices', ids.a110);
      await fails(
        manager,
        'write_off_invoice',
        { invoiceId: ids.a110, amount: 20_000, reason: 'Small balance' },
        /owes only 12345 \(USD 123\.45\); write off at most that much/,
      );
      assert.equal(await rowOf('invoices', ids.a110), invoice);
    });
  });
});
