import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Tool } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { todayIn } from '../../../src/receivables/shared/calendar';
import { addDays, Books } from '../../factories/books';
import { obtainTokens } from '../../support/oauth-flows';
import { startOAuthTestApp } from '../../support/oauth-test-app';
import type { OAuthTestApp } from '../../support/oauth-test-app';

/**
 * Cross-tenant IDOR matrix for every MCP tool, generated from tools/list (security.md L1, L2, L4):
 * a manager of organization B with every scope calls each tool that takes an id, once per id
 * argument, with organization A's ids. Each call must answer "not found" (or, for a search
 * filter, an answer without a single A record), and neither organization's books may change —
 * compared row by row, updated_at and balances included.
 *
 * The argument templates below are the only hand-written part. The suite fails when tools/list
 * has an id argument no template exercises, so a new tool (or a new id argument) cannot ship
 * without its isolation check.
 */

/** Ids of one organization's seeded rows, by role in the templates. */
interface OrgIds {
  customer: string;
  invoice: string;
  /** A second open invoice without a dispute (B only needs it for dispute templates). */
  invoice2: string;
  payment: string;
  creditMemo: string;
  dispute: string;
  promise: string;
  task: string;
  contact: string;
  /** A member who does collections work. */
  user: string;
}

type Args = Record<string, unknown>;
/** notFound: the call must fail as "not found". filter: a search may also succeed, leaking nothing. */
type Expect = 'notFound' | 'filter';
interface Case {
  expect: Expect;
  args: (a: OrgIds, b: OrgIds) => Args;
}

const T = todayIn('UTC');
const money = { amount: 1_000, currency: 'USD' };
const range = { from: addDays(T, -365), to: T };

const notFound = (args: Case['args']): Case => ({ expect: 'notFound', args });
const filter = (args: Case['args']): Case => ({ expect: 'filter', args });

/** Tool → valid arguments with A's ids put where ids go (B's own ids elsewhere, where needed). */
const TEMPLATES: Record<string, Case[]> = {
  // Reads.
  search_customers: [
    filter((a) => ({ collectorUserIds: [a.user] })),
    filter((a) => ({ parentId: a.customer })),
  ],
  get_customer: [notFound((a) => ({ customerId: a.customer }))],
  search_invoices: [
    filter((a) => ({ customerIds: [a.customer] })),
    filter((a) => ({ collectorUserIds: [a.user] })),
  ],
  get_invoice: [notFound((a) => ({ invoiceId: a.invoice }))],
  search_payments: [filter((a) => ({ customerIds: [a.customer] }))],
  get_payment: [notFound((a) => ({ paymentId: a.payment }))],
  search_credit_memos: [filter((a) => ({ customerIds: [a.customer] }))],
  get_credit_memo: [notFound((a) => ({ creditMemoId: a.creditMemo }))],
  search_disputes: [
    filter((a) => ({ customerIds: [a.customer] })),
    filter((a) => ({ invoiceIds: [a.invoice] })),
    filter((a) => ({ ownerUserIds: [a.user] })),
  ],
  get_dispute: [notFound((a) => ({ disputeId: a.dispute }))],
  search_promises: [
    filter((a) => ({ customerIds: [a.customer] })),
    filter((a) => ({ invoiceIds: [a.invoice] })),
    filter((a) => ({ createdByUserIds: [a.user] })),
  ],
  get_promise: [notFound((a) => ({ promiseId: a.promise }))],
  search_tasks: [
    filter((a) => ({ assigneeUserIds: [a.user] })),
    filter((a) => ({ customerIds: [a.customer] })),
    filter((a) => ({ invoiceIds: [a.invoice] })),
  ],
  get_task: [notFound((a) => ({ taskId: a.task }))],
  search_contacts: [filter((a) => ({ customerIds: [a.customer] }))],
  get_contact: [notFound((a) => ({ contactId: a.contact }))],
  get_timeline: [
    notFound((a) => ({ customerId: a.customer })),
    notFound((a) => ({ invoiceId: a.invoice })),
    filter((a, b) => ({ customerId: b.customer, authorUserIds: [a.user] })),
  ],
  get_aging: [filter((a) => ({ customerId: a.customer }))],
  get_payment_behaviour: [filter((a) => ({ customerId: a.customer }))],
  get_statement_of_account: [notFound((a) => ({ customerId: a.customer, ...range }))],
  get_collector_worklist: [filter((a) => ({ collectorUserId: a.user }))],
  suggest_payment_matches: [notFound((a) => ({ paymentId: a.payment }))],
  draft_collection_email: [
    notFound((a) => ({ customerId: a.customer, tone: 'friendly' })),
    notFound((a, b) => ({ customerId: b.customer, tone: 'friendly', invoiceIds: [a.invoice] })),
  ],

  // Collections work.
  add_note: [
    notFound((a) => ({ customerId: a.customer, body: 'x' })),
    notFound((a) => ({ invoiceId: a.invoice, body: 'x' })),
  ],
  log_activity: [
    notFound((a) => ({ customerId: a.customer, type: 'call', summary: 'x' })),
    notFound((a) => ({ invoiceId: a.invoice, type: 'call', summary: 'x' })),
    notFound((a, b) => ({ customerId: b.customer, type: 'call', summary: 'x', contactId: a.contact })),
  ],
  create_task: [
    notFound((a) => ({ title: 'x', customerId: a.customer })),
    notFound((a) => ({ title: 'x', invoiceId: a.invoice })),
    notFound((a) => ({ title: 'x', assigneeUserId: a.user })),
  ],
  update_task: [notFound((a) => ({ taskId: a.task, priority: 'urgent' }))],
  complete_task: [notFound((a) => ({ taskId: a.task }))],
  reassign_task: [
    notFound((a, b) => ({ taskId: a.task, assigneeUserId: b.user })),
    notFound((a, b) => ({ taskId: b.task, assigneeUserId: a.user })),
  ],
  cancel_task: [notFound((a) => ({ taskId: a.task }))],
  record_promise_to_pay: [
    notFound((a) => ({
      customerId: a.customer,
      invoiceIds: [a.invoice],
      ...money,
      promisedOn: addDays(T, 3),
    })),
    notFound((a, b) => ({
      customerId: b.customer,
      invoiceIds: [a.invoice],
      ...money,
      promisedOn: addDays(T, 3),
    })),
    notFound((a, b) => ({
      customerId: b.customer,
      invoiceIds: [b.invoice],
      ...money,
      promisedOn: addDays(T, 3),
      contactId: a.contact,
    })),
  ],
  cancel_promise_to_pay: [notFound((a) => ({ promiseId: a.promise }))],
  open_dispute: [
    notFound((a) => ({ invoiceId: a.invoice, reason: 'pricing' })),
    notFound((a, b) => ({ invoiceId: b.invoice, reason: 'pricing', ownerUserId: a.user })),
  ],
  update_dispute: [
    notFound((a) => ({ disputeId: a.dispute, status: 'in_review' })),
    notFound((a, b) => ({ disputeId: b.dispute, ownerUserId: a.user })),
  ],
  resolve_dispute: [notFound((a) => ({ disputeId: a.dispute, outcome: 'rejected', resolution: 'x' }))],
  assign_collector: [
    notFound((a, b) => ({ customerIds: [a.customer], collectorUserId: b.user })),
    notFound((a, b) => ({ customerIds: [b.customer], collectorUserId: a.user })),
  ],
  set_customer_tags: [notFound((a) => ({ customerId: a.customer, tags: ['x'] }))],
  add_customer_tags: [notFound((a) => ({ customerId: a.customer, tags: ['x'] }))],
  remove_customer_tags: [notFound((a) => ({ customerId: a.customer, tags: ['vip'] }))],
  pause_dunning: [notFound((a) => ({ customerId: a.customer, until: addDays(T, 5), reason: 'x' }))],
  resume_dunning: [notFound((a) => ({ customerId: a.customer }))],
  create_contact: [notFound((a) => ({ customerId: a.customer, name: 'x' }))],
  update_contact: [notFound((a) => ({ contactId: a.contact, name: 'x' }))],

  // Money movements.
  record_payment: [
    notFound((a) => ({ customerId: a.customer, ...money, receivedOn: T, method: 'ach' })),
    notFound((a, b) => ({
      customerId: b.customer,
      ...money,
      receivedOn: T,
      method: 'ach',
      applications: [{ invoiceId: a.invoice, amount: 100 }],
    })),
  ],
  apply_payment: [
    notFound((a, b) => ({ paymentId: a.payment, applications: [{ invoiceId: b.invoice, amount: 100 }] })),
    notFound((a, b) => ({ paymentId: b.payment, applications: [{ invoiceId: a.invoice, amount: 100 }] })),
  ],
  unapply_payment: [
    notFound((a, b) => ({ paymentId: a.payment, invoiceId: b.invoice })),
    notFound((a, b) => ({ paymentId: b.payment, invoiceId: a.invoice })),
  ],
  apply_credit_memo: [
    notFound((a, b) => ({
      creditMemoId: a.creditMemo,
      applications: [{ invoiceId: b.invoice, amount: 100 }],
    })),
    notFound((a, b) => ({
      creditMemoId: b.creditMemo,
      applications: [{ invoiceId: a.invoice, amount: 100 }],
    })),
  ],
  write_off_invoice: [notFound((a) => ({ invoiceId: a.invoice, reason: 'x' }))],
};

/** What tools/list says an id is: a name ending in Id/Ids, or `id`, or a uuid-formatted string. */
function isIdName(name: string): boolean {
  return /(Id|Ids)$/.test(name) || name === 'id';
}

interface JsonSchema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

function isUuid(schema: JsonSchema): boolean {
  return (
    schema.format === 'uuid' ||
    (schema.items !== undefined && isUuid(schema.items)) ||
    (schema.anyOf ?? []).some(isUuid)
  );
}

/** Paths of every id argument in an input schema: "customerId", "applications[].invoiceId". */
function idPaths(schema: JsonSchema, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    if (isIdName(name) || isUuid(property)) paths.push(path);
    for (const variant of [property, ...(property.anyOf ?? [])]) {
      if (variant.properties) paths.push(...idPaths(variant, `${path}.`));
      if (variant.items?.properties) paths.push(...idPaths(variant.items, `${path}[].`));
    }
  }
  return [...new Set(paths)];
}

/** Paths in concrete arguments whose value is (or lists) one of `ids`. */
function pathsHolding(args: unknown, ids: ReadonlySet<string>, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [name, value] of Object.entries(args as Args)) {
    const path = `${prefix}${name}`;
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (values.some((v) => typeof v === 'string' && ids.has(v))) paths.push(path);
    for (const v of values) {
      if (v && typeof v === 'object') {
        paths.push(...pathsHolding(v, ids, Array.isArray(value) ? `${path}[].` : `${path}.`));
      }
    }
  }
  return paths;
}

/** Every receivables table (all carry org_id), compared whole, row by row. */
const TABLES = [
  'customers',
  'contacts',
  'subsidiaries',
  'invoices',
  'invoice_lines',
  'payments',
  'payment_applications',
  'credit_memos',
  'credit_applications',
  'disputes',
  'promises_to_pay',
  'promise_invoices',
  'tasks',
  'activities',
  'exchange_rates',
  'memberships',
  'audit_log',
  'idempotency_keys',
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const NOT_FOUND =
  /No [a-z ]+ with id "[0-9a-f-]{36}" exists in this organization|do not exist in this organization/;

async function seed(books: Books, user: string, label: string): Promise<OrgIds> {
  const today = T;
  const customer = await books.customer({
    name: `${label} Customer`,
    tags: ['vip'],
    collectorUserId: user,
    dunningPausedUntil: addDays(today, 10),
    dunningPauseReason: 'plan',
  });
  const child = await books.customer({ name: `${label} Child`, parentId: customer.id });
  const invoice = await books.invoice(customer, 100_000, addDays(today, -60), { number: `${label}-1` });
  const invoice2 = await books.invoice(customer, 50_000, addDays(today, -40), { number: `${label}-2` });
  await books.invoice(child, 10_000, addDays(today, -10), { number: `${label}-3` });
  await books.invoiceLine(invoice, 1, { amount: 100_000, unitPrice: 100_000 });
  await books.pay(invoice2, 10_000, addDays(today, -5));
  const payment = await books.payment(customer, 20_000, addDays(today, -2), { reference: `${label}-1` });
  await books.apply(payment, invoice, 5_000, addDays(today, -1));
  const creditMemo = await books.creditMemo(customer, 3_000, addDays(today, -3));
  // On the second invoice, so the first stays free to be disputed by the templates.
  const dispute = await books.dispute(invoice2, { ownerUserId: user });
  const promise = await books.promise(customer, [invoice], addDays(today, 7), { createdByUserId: user });
  const task = await books.task({
    title: `${label} task`,
    customerId: customer.id,
    invoiceId: invoice.id,
    assigneeUserId: user,
    dueOn: addDays(today, 2),
  });
  const contact = await books.contact(customer, { name: `${label} AP`, isPrimary: true, isBilling: true });
  await books.activity(customer, { invoiceId: invoice.id, authorUserId: user, body: `${label} note` });
  return {
    customer: customer.id,
    invoice: invoice.id,
    invoice2: invoice2.id,
    payment: payment.id,
    creditMemo: creditMemo.id,
    dispute: dispute.id,
    promise: promise.id,
    task: task.id,
    contact: contact.id,
    user,
  };
}

describe('failing: tenant isolation of every id-taking MCP tool (generated from tools/list)', () => {
  let app: OAuthTestApp;
  let client: Client;
  let tools: Tool[];
  let orgA: string;
  let orgB: string;
  let modernClient: Client;
  let a: OrgIds;
  let b: OrgIds;
  /** Every id organization A holds, in any table: none may appear in an answer to B. */
  let idsOfA: Set<string>;

  before(async () => {
    app = await startOAuthTestApp();
    const booksA = await Books.create(app.dataSource, { name: 'Org A' });
    const booksB = await Books.create(app.dataSource, { name: 'Org B' });
    orgA = booksA.orgId;
    orgB = booksB.orgId;
    const collectorA = await app.createUser('collector@a.test', [{ orgId: orgA, role: 'collector' }]);
    const managerB = await app.createUser('manager@b.test', [{ orgId: orgB, role: 'manager' }]);
    a = await seed(booksA, collectorA, 'A');
    b = await seed(booksB, managerB, 'B');
    idsOfA = new Set([...(await idsOf(orgA)), collectorA]);

    const tokens = await obtainTokens(
      app,
      { email: 'manager@b.test', orgId: orgB },
      { overrides: { scope: 'ar:read ar:write payments:write offline_access' } },
    );
    client = new Client({ name: 'tenant-isolation-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(app.resource), {
        authProvider: { token: () => Promise.resolve(tokens.access_token) },
      }),
    );
    tools = (await client.listTools()).tools;
    // The same grant through the sessionless 2026-07-28 revision (no initialize).
    modernClient = new Client(
      { name: 'tenant-isolation-e2e', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await modernClient.connect(
      new StreamableHTTPClientTransport(new URL(app.resource), {
        authProvider: { token: () => Promise.resolve(tokens.access_token) },
      }),
    );
  });

  after(async () => {
    await client?.close();
    await modernClient?.close();
    await app?.stop();
  });

  async function idsOf(orgId: string): Promise<string[]> {
    const ids: string[] = [];
    for (const table of TABLES) {
      const [{ hasId }] = await app.dataSource.query<{ hasId: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                         WHERE table_name = $1 AND column_name = 'id') AS "hasId"`,
        [table],
      );
      if (!hasId) continue;
      const rows = await app.dataSource.query<{ id: string }[]>(
        `SELECT id::text AS id FROM ${table} WHERE org_id = $1`,
        [orgId],
      );
      ids.push(...rows.map((r) => r.id));
    }
    return ids.filter((id) => /^[0-9a-f-]{36}$/.test(id));
  }

  /** Count and digest of every row of the organization, table by table. */
  async function snapshot(orgId: string): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const table of TABLES) {
      const [row] = await app.dataSource.query<{ n: number; digest: string | null }[]>(
        `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest
           FROM ${table} t WHERE org_id = $1`,
        [orgId],
      );
      result[table] = `${row.n} rows, ${row.digest ?? 'empty'}`;
    }
    return result;
  }

  it('has a template for every id argument of every listed tool', () => {
    const missing: string[] = [];
    for (const tool of tools) {
      const paths = idPaths(tool.inputSchema as JsonSchema);
      if (paths.length === 0) continue;
      const cases = TEMPLATES[tool.name];
      if (!cases) {
        missing.push(`${tool.name} (no template; id arguments: ${paths.join(', ')})`);
        continue;
      }
      const covered = new Set(cases.flatMap((c) => pathsHolding(c.args(a, b), idsOfA)));
      for (const path of paths) {
        if (!covered.has(path)) missing.push(`${tool.name}.${path}`);
      }
    }
    assert.deepEqual(missing, [], `add isolation templates for: ${missing.join('; ')}`);
    const listed = new Set(tools.map((t) => t.name));
    const stale = Object.keys(TEMPLATES).filter((name) => !listed.has(name));
    assert.deepEqual(stale, [], 'templates for tools that are no longer listed');
    // Sanity: the generator found the id-taking tools (a broken walker would make this vacuous).
    assert.ok(tools.filter((t) => idPaths(t.inputSchema as JsonSchema).length > 0).length >= 30);
  });

  for (const era of ['2025-11-25', '2026-07-28'] as const) {
    it(`refuses organization A's ids in every id argument, and neither organization's books change (${era})`, async () => {
      await refusesForeignIds(era === '2025-11-25' ? client : modernClient);
    });
  }

  async function refusesForeignIds(client: Client): Promise<void> {
    const beforeA = await snapshot(orgA);
    const beforeB = await snapshot(orgB);
    const failures: string[] = [];
    let calls = 0;
    for (const tool of tools) {
      for (const [n, testCase] of (TEMPLATES[tool.name] ?? []).entries()) {
        const args = testCase.args(a, b);
        const label = `${tool.name}#${n + 1} ${JSON.stringify(args)}`;
        const result = await client.callTool({ name: tool.name, arguments: args });
        calls++;
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
        if (result.isError) {
          if (!NOT_FOUND.test(text)) failures.push(`${label}: failed, but not as "not found": ${text}`);
        } else if (testCase.expect === 'notFound') {
          failures.push(`${label}: succeeded with another organization's id: ${text.slice(0, 300)}`);
        }
        // Whatever the answer, it names no A record except the ids B itself sent.
        const sent = new Set(JSON.stringify(args).match(UUID) ?? []);
        const answer = `${text}\n${JSON.stringify(result.structuredContent ?? null)}`;
        const leaked = (answer.match(UUID) ?? []).filter((id) => idsOfA.has(id) && !sent.has(id));
        if (leaked.length > 0) failures.push(`${label}: leaked A ids ${[...new Set(leaked)].join(', ')}`);
        const afterA = await snapshot(orgA);
        const changedA = Object.keys(afterA).filter((table) => afterA[table] !== beforeA[table]);
        if (changedA.length > 0) {
          failures.push(`${label}: changed organization A's ${changedA.join(', ')}`);
          Object.assign(beforeA, afterA);
        }
        const afterB = await snapshot(orgB);
        const changedB = Object.keys(afterB).filter((table) => afterB[table] !== beforeB[table]);
        if (changedB.length > 0) {
          failures.push(`${label}: changed organization B's ${changedB.join(', ')}`);
          Object.assign(beforeB, afterB);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(calls >= 60, `only ${calls} calls were made`);
  }
});
