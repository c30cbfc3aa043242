/**
 * SQL for what was open at the end of a day D: invoice balances, unapplied cash and unused credit.
 *
 * The balance of an invoice as of D is
 *   total − Σ payment applications applied on or before D and not unapplied by D
 *         − Σ credit applications applied on or before D − (written off by D ? amount written off : 0).
 * Summing a history of a million invoices for that would be slow, so it is computed backwards from
 * the stored balance (which the write commands keep equal to the same sum over today's state):
 *   balance(D) = balance + Σ applications applied after D and still applied
 *                        − Σ applications applied by D but unapplied after D
 *                        + Σ credit applications after D + (written off after D ? amount written off : 0).
 * Only events dated after D are read (index ranges on applied_on / unapplied_on), and only invoices
 * whose balance can be non-zero on D: those open now (an index-only scan of IDX_invoices_open_aging)
 * and those closed after D (closed_on being the day the balance last reached zero). For D = today
 * that is the open slice and nothing else, however long the history.
 * Void invoices, payments and credit memos never count: they are not receivables.
 *
 * Fragments take placeholders already bound in a SqlParams: `org` (uuid), `asOf` (date) and
 * optionally `customer` (uuid).
 */
export interface AsOfPlaceholders {
  org: string;
  asOf: string;
  /** One customer (uuid). */
  customer?: string;
  /** Several customers (uuid[]); invoices only. */
  customers?: string;
}

/** Net change of applied cash, per invoice or per payment, between the end of D and now. */
function paymentApplicationChangesAfter(p: AsOfPlaceholders, key: 'invoice_id' | 'payment_id'): string {
  return `SELECT ${key},
                 SUM(CASE WHEN applied_on > ${p.asOf}::date
                          THEN CASE WHEN unapplied_on IS NULL THEN amount ELSE 0 END
                          ELSE -amount END)::bigint AS delta
            FROM payment_applications
           WHERE org_id = ${p.org} AND (applied_on > ${p.asOf}::date OR unapplied_on > ${p.asOf}::date)
           GROUP BY ${key}`;
}

/**
 * Invoices of which a part could be open at the end of `asOf` (see above), with the columns of
 * IDX_invoices_open_aging only, so the open part is read from the index alone.
 */
function candidateInvoicesSql(p: {
  org: string;
  issuedBy: string;
  closedAfter: string;
  customer?: string;
  customers?: string;
}): string {
  const columns = `id, customer_id, subsidiary_id, currency, issue_date, due_date, balance, written_off_on, amount_written_off`;
  const customerFilter = p.customer
    ? `AND customer_id = ${p.customer}`
    : p.customers
      ? `AND customer_id = ANY(${p.customers}::uuid[])`
      : '';
  return `SELECT ${columns} FROM invoices
           WHERE org_id = ${p.org} AND balance > 0 AND issue_date <= ${p.issuedBy}::date AND status <> 'void'
             ${customerFilter}
          UNION ALL
          SELECT ${columns} FROM invoices
           WHERE org_id = ${p.org} AND balance = 0 AND closed_on > ${p.closedAfter}::date
             AND issue_date <= ${p.issuedBy}::date AND status <> 'void'
             ${customerFilter}`;
}

/**
 * Invoices with a balance above zero at the end of D, one row each. Columns: id, customer_id,
 * subsidiary_id, currency, issue_date, due_date, balance (as of D).
 */
export function openInvoicesAsOfSql(p: AsOfPlaceholders): string {
  return `SELECT * FROM (
            SELECT i.id, i.customer_id, i.subsidiary_id, i.currency::text AS currency, i.issue_date, i.due_date,
                   (i.balance + COALESCE(pa.delta, 0) + COALESCE(ca.delta, 0)
                      + CASE WHEN i.written_off_on > ${p.asOf}::date THEN i.amount_written_off ELSE 0 END
                   )::bigint AS balance
              FROM (${candidateInvoicesSql({ ...p, issuedBy: p.asOf, closedAfter: p.asOf })}) i
              LEFT JOIN (${paymentApplicationChangesAfter(p, 'invoice_id')}) pa ON pa.invoice_id = i.id
              LEFT JOIN (SELECT invoice_id, SUM(amount)::bigint AS delta
                           FROM credit_applications
                          WHERE org_id = ${p.org} AND applied_on > ${p.asOf}::date
                          GROUP BY invoice_id) ca ON ca.invoice_id = i.id
          ) open_invoice WHERE balance > 0`;
}

export interface TotalsAsOfPlaceholders {
  org: string;
  /** date[] of the ends of day wanted. */
  dates: string;
  /** The earliest and the latest of them. */
  first: string;
  last: string;
}

/**
 * Total and current (not yet past due: due date on or after D) receivables per currency at the end
 * of each of several days, in one pass. Columns: date (text), currency, total, current.
 *
 * Balances are additive, so no per-invoice grouping is needed: the stored balances of the
 * candidate invoices (collapsed by the dates the figures depend on) plus every application
 * change after D, each counted for the days it affects.
 */
export function receivableTotalsAsOfSql(p: TotalsAsOfPlaceholders): string {
  return `WITH day AS (SELECT unnest(${p.dates}::date[]) AS d),
          candidate AS NOT MATERIALIZED (${candidateInvoicesSql({ org: p.org, issuedBy: p.last, closedAfter: p.first })}),
          stored AS (
            SELECT currency, issue_date, due_date, written_off_on,
                   SUM(balance)::bigint AS balance, SUM(amount_written_off)::bigint AS written_off
              FROM candidate GROUP BY 1, 2, 3, 4),
          change AS (
            SELECT c.currency, c.issue_date, c.due_date, e.applied_on, e.unapplied_on, SUM(e.amount)::bigint AS amount
              FROM (SELECT invoice_id, applied_on, unapplied_on, amount FROM payment_applications
                     WHERE org_id = ${p.org} AND (applied_on > ${p.first}::date OR unapplied_on > ${p.first}::date)
                    UNION ALL
                    SELECT invoice_id, applied_on, NULL, amount FROM credit_applications
                     WHERE org_id = ${p.org} AND applied_on > ${p.first}::date) e
              JOIN candidate c ON c.id = e.invoice_id
             GROUP BY 1, 2, 3, 4, 5),
          piece AS (
            SELECT day.d, s.currency, s.due_date >= day.d AS current,
                   s.balance + CASE WHEN s.written_off_on > day.d THEN s.written_off ELSE 0 END AS amount
              FROM stored s JOIN day ON s.issue_date <= day.d
            UNION ALL
            SELECT day.d, ch.currency, ch.due_date >= day.d,
                   CASE WHEN ch.applied_on > day.d THEN CASE WHEN ch.unapplied_on IS NULL THEN ch.amount ELSE 0 END
                        WHEN ch.unapplied_on > day.d THEN -ch.amount
                        ELSE 0 END
              FROM change ch JOIN day ON ch.issue_date <= day.d)
          SELECT d::text AS date, currency::text AS currency, SUM(amount)::bigint AS total,
                 COALESCE(SUM(amount) FILTER (WHERE current), 0)::bigint AS current
            FROM piece GROUP BY d, currency`;
}

/**
 * Payments received by D with cash not applied to any invoice at the end of D. Columns: id,
 * customer_id (null for unidentified cash), number, currency, received_on, amount (unapplied on D).
 */
export function unappliedCashAsOfSql(p: AsOfPlaceholders): string {
  const customerFilter = p.customer ? `AND customer_id = ${p.customer}` : '';
  const paymentCustomerFilter = p.customer ? `AND pm.customer_id = ${p.customer}` : '';
  // Two parts: payments none of whose applications changed after D, whose unapplied cash today
  // is D's (read from the covering partial index IDX_payments_unapplied alone), and payments whose
  // applications changed after D, rebuilt from those changes; nothing else can have had unapplied
  // cash on D. Of the changed ones, those received after D (most of them: cash is applied soon
  // after it arrives) are set aside by an index-only range of IDX_payments_received before any
  // is fetched. The LATERAL ... LIMIT 1 keeps each remaining one a primary-key lookup: as a plain
  // join the planner preferred to scan every payment of the organization (measured 4× slower a
  // month back).
  return `SELECT * FROM (
            SELECT id, customer_id, number, currency::text AS currency, received_on, unapplied_amount AS amount
              FROM payments
             WHERE org_id = ${p.org} AND unapplied_amount > 0 AND received_on <= ${p.asOf}::date
               AND status <> 'void' ${customerFilter}
               AND id NOT IN (SELECT payment_id FROM payment_applications
                               WHERE org_id = ${p.org}
                                 AND (applied_on > ${p.asOf}::date OR unapplied_on > ${p.asOf}::date))
            UNION ALL
            SELECT pm.id, pm.customer_id, pm.number, pm.currency::text, pm.received_on,
                   (pm.unapplied_amount + changes.delta)::bigint
              FROM (${paymentApplicationChangesAfter(p, 'payment_id')}) changes
              CROSS JOIN LATERAL (SELECT * FROM payments
                                   WHERE org_id = ${p.org} AND id = changes.payment_id LIMIT 1) pm
             WHERE changes.payment_id NOT IN (SELECT id FROM payments
                                               WHERE org_id = ${p.org} AND received_on > ${p.asOf}::date)
               AND pm.received_on <= ${p.asOf}::date AND pm.status <> 'void'
               ${paymentCustomerFilter}
          ) unapplied WHERE amount > 0`;
}

/**
 * Credit memos issued by D with credit not yet applied at the end of D. Columns: id, customer_id,
 * number, currency, issued_on, amount (unused on D).
 */
export function openCreditMemosAsOfSql(p: AsOfPlaceholders): string {
  const customerFilter = p.customer ? `AND m.customer_id = ${p.customer}` : '';
  return `SELECT * FROM (
            SELECT m.id, m.customer_id, m.number, m.currency::text AS currency, m.issued_on,
                   (m.remaining_amount + COALESCE(later.delta, 0))::bigint AS amount
              FROM credit_memos m
              LEFT JOIN (SELECT credit_memo_id, SUM(amount)::bigint AS delta
                           FROM credit_applications
                          WHERE org_id = ${p.org} AND applied_on > ${p.asOf}::date
                          GROUP BY credit_memo_id) later ON later.credit_memo_id = m.id
             WHERE m.org_id = ${p.org} AND m.issued_on <= ${p.asOf}::date AND m.status <> 'void'
               AND (m.remaining_amount > 0 OR later.credit_memo_id IS NOT NULL)
               ${customerFilter}
          ) open_credit WHERE amount > 0`;
}
