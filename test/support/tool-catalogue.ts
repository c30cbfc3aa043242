/**
 * Every MCP tool the service lists, by the scope it needs: what the e2e suites hold tools/list to,
 * exactly, so a tool added or dropped without its tests fails them.
 */

/** Reads (ar:read), suggest_payment_matches excepted (below). */
export const READ_TOOLS = [
  'get_context',
  'search_customers',
  'get_customer',
  'search_invoices',
  'get_invoice',
  'search_payments',
  'get_payment',
  'search_credit_memos',
  'get_credit_memo',
  'search_disputes',
  'get_dispute',
  'search_promises',
  'get_promise',
  'search_tasks',
  'get_task',
  'search_contacts',
  'get_contact',
  'get_timeline',
  'get_aging',
  'get_kpis',
  'get_kpi_trend',
  'get_top_overdue_customers',
  'get_payment_behaviour',
  'get_cash_forecast',
  'get_statement_of_account',
  'get_collector_worklist',
];

export const COLLECTIONS_TOOLS: Record<string, { destructive: boolean; idempotent: boolean }> = {
  add_note: { destructive: false, idempotent: false },
  log_activity: { destructive: false, idempotent: false },
  create_task: { destructive: false, idempotent: false },
  update_task: { destructive: false, idempotent: true },
  complete_task: { destructive: true, idempotent: true },
  reassign_task: { destructive: false, idempotent: true },
  cancel_task: { destructive: true, idempotent: true },
  record_promise_to_pay: { destructive: false, idempotent: false },
  cancel_promise_to_pay: { destructive: true, idempotent: true },
  open_dispute: { destructive: false, idempotent: true },
  update_dispute: { destructive: false, idempotent: true },
  resolve_dispute: { destructive: true, idempotent: true },
  assign_collector: { destructive: false, idempotent: true },
  set_customer_tags: { destructive: true, idempotent: true },
  add_customer_tags: { destructive: false, idempotent: true },
  remove_customer_tags: { destructive: true, idempotent: true },
  pause_dunning: { destructive: false, idempotent: true },
  resume_dunning: { destructive: true, idempotent: true },
  create_contact: { destructive: false, idempotent: false },
  update_contact: { destructive: false, idempotent: true },
};

export const PAYMENT_TOOLS: Record<string, { destructive: boolean; idempotent: boolean }> = {
  record_payment: { destructive: false, idempotent: false },
  apply_payment: { destructive: false, idempotent: false },
  unapply_payment: { destructive: true, idempotent: false },
  apply_credit_memo: { destructive: false, idempotent: false },
  write_off_invoice: { destructive: true, idempotent: false },
};

/** Collections work that writes nothing (ar:write, readOnlyHint true). */
export const DRAFT_TOOL = 'draft_collection_email';
/** Read-only cash-application help (ar:read). */
export const MATCH_TOOL = 'suggest_payment_matches';

export const WRITE_TOOLS = [...Object.keys(COLLECTIONS_TOOLS), ...Object.keys(PAYMENT_TOOLS)];

/** What tools/list shows for each role (the role decides the list; the grant's scopes, the calls). */
export const TOOLS_BY_ROLE = {
  viewer: [...READ_TOOLS, MATCH_TOOL],
  collector: [...READ_TOOLS, MATCH_TOOL, ...Object.keys(COLLECTIONS_TOOLS), DRAFT_TOOL],
  manager: [
    ...READ_TOOLS,
    MATCH_TOOL,
    ...Object.keys(COLLECTIONS_TOOLS),
    DRAFT_TOOL,
    ...Object.keys(PAYMENT_TOOLS),
  ],
} as const;
