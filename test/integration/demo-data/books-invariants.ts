/** A DataSource or the QueryRunner of an open transaction. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Rules every set of books must obey, as SQL over the whole database. Each query counts the rows
 * that break its rule, so a failure names the rule and how many rows broke it. The CHECK
 * constraints already guard single rows; these guard what only the rows together can say.
 */
export const BOOK_INVARIANTS: readonly { rule: string; sql: string }[] = [
  {
    rule: 'invoice amount_paid equals the sum of its active payment applications',
    sql: `SELECT count(*) FROM invoices i
            LEFT JOIN (SELECT org_id, invoice_id, sum(amount) AS s FROM payment_applications
                        WHERE unapplied_on IS NULL GROUP BY 1, 2) a ON a.org_id = i.org_id AND a.invoice_id = i.id
           WHERE i.amount_paid <> coalesce(a.s, 0)`,
  },
  {
    rule: 'invoice amount_credited equals the sum of its credit applications',
    sql: `SELECT count(*) FROM invoices i
            LEFT JOIN (SELECT org_id, invoice_id, sum(amount) AS s FROM credit_applications GROUP BY 1, 2) a
                   ON a.org_id = i.org_id AND a.invoice_id = i.id
           WHERE i.amount_credited <> coalesce(a.s, 0)`,
  },
  {
    rule: 'payment applied_amount equals the sum of its active applications, and status follows the amounts',
    sql: `SELECT count(*) FROM payments p
            LEFT JOIN (SELECT org_id, payment_id, sum(amount) AS s FROM payment_applications
                        WHERE unapplied_on IS NULL GROUP BY 1, 2) a ON a.org_id = p.org_id AND a.payment_id = p.id
           WHERE p.applied_amount <> coalesce(a.s, 0)
              OR p.status <> CASE WHEN p.applied_amount = 0 THEN 'unapplied'
                                  WHEN p.unapplied_amount = 0 THEN 'applied'
                                  ELSE 'partially_applied' END::payment_status`,
  },
  {
    rule: 'credit memo remaining_amount is its amount less its applications, and status follows',
    sql: `SELECT count(*) FROM credit_memos m
            LEFT JOIN (SELECT org_id, credit_memo_id, sum(amount) AS s FROM credit_applications GROUP BY 1, 2) a
                   ON a.org_id = m.org_id AND a.credit_memo_id = m.id
           WHERE m.remaining_amount <> m.amount - coalesce(a.s, 0)
              OR m.status <> CASE WHEN m.remaining_amount = m.amount THEN 'open'
                                  WHEN m.remaining_amount = 0 THEN 'applied'
                                  ELSE 'partially_applied' END::credit_memo_status`,
  },
  {
    rule: 'invoice status matches its amounts (open: untouched, partially_paid: some left, paid/written_off: nothing left)',
    sql: `SELECT count(*) FROM invoices
           WHERE NOT CASE status
                   WHEN 'open' THEN balance = total AND balance > 0 AND amount_written_off = 0
                   WHEN 'partially_paid' THEN balance > 0 AND balance < total AND amount_written_off = 0
                   WHEN 'paid' THEN balance = 0 AND amount_written_off = 0
                   WHEN 'written_off' THEN balance = 0 AND amount_written_off > 0 AND written_off_on IS NOT NULL
                   WHEN 'void' THEN balance = 0 AND amount_paid = 0 AND amount_credited = 0 AND amount_written_off = 0
                 END`,
  },
  {
    rule: 'closed_on is set exactly when the balance is zero or the invoice is void',
    sql: `SELECT count(*) FROM invoices WHERE (closed_on IS NOT NULL) <> (balance = 0 OR status = 'void')`,
  },
  {
    rule: 'closed_on is the day the last payment, credit or write-off brought the balance to zero',
    sql: `SELECT count(*) FROM invoices i
           WHERE i.status IN ('paid', 'written_off')
             AND i.closed_on IS DISTINCT FROM greatest(
                   (SELECT max(applied_on) FROM payment_applications a
                     WHERE a.org_id = i.org_id AND a.invoice_id = i.id AND a.unapplied_on IS NULL),
                   (SELECT max(applied_on) FROM credit_applications c WHERE c.org_id = i.org_id AND c.invoice_id = i.id),
                   i.written_off_on)`,
  },
  {
    rule: 'every invoice has 1 to 4 lines, each quantity × unit price, summing to the total',
    sql: `SELECT count(*) FROM invoices i
            LEFT JOIN (SELECT org_id, invoice_id, count(*) AS n, sum(amount) AS s,
                              bool_and(amount = quantity * unit_price) AS exact
                         FROM invoice_lines GROUP BY 1, 2) l ON l.org_id = i.org_id AND l.invoice_id = i.id
           WHERE l.n IS NULL OR l.n > 4 OR l.s <> i.total OR NOT l.exact`,
  },
  {
    rule: 'an application moves money between a payment and an invoice of the same customer and currency, after both exist',
    sql: `SELECT count(*) FROM payment_applications a
            JOIN payments p ON p.org_id = a.org_id AND p.id = a.payment_id
            JOIN invoices i ON i.org_id = a.org_id AND i.id = a.invoice_id
           WHERE p.customer_id IS DISTINCT FROM i.customer_id OR p.currency <> i.currency
              OR a.applied_on < p.received_on OR a.applied_on < i.issue_date
              OR (a.unapplied_on IS NOT NULL AND a.unapplied_on < a.applied_on)`,
  },
  {
    rule: 'a credit application uses a credit memo of the same customer and currency, on or after it was issued',
    sql: `SELECT count(*) FROM credit_applications a
            JOIN credit_memos m ON m.org_id = a.org_id AND m.id = a.credit_memo_id
            JOIN invoices i ON i.org_id = a.org_id AND i.id = a.invoice_id
           WHERE m.customer_id <> i.customer_id OR m.currency <> i.currency
              OR a.applied_on < m.issued_on OR a.applied_on < i.issue_date`,
  },
  {
    rule: 'invoices and payments of a customer are in the customer currency',
    sql: `SELECT (SELECT count(*) FROM invoices i JOIN customers c ON c.org_id = i.org_id AND c.id = i.customer_id
                   WHERE i.currency <> c.currency)
               + (SELECT count(*) FROM payments p JOIN customers c ON c.org_id = p.org_id AND c.id = p.customer_id
                   WHERE p.currency <> c.currency)`,
  },
  {
    rule: 'a promise is for the sum of its invoices, all of its own customer',
    sql: `SELECT count(*) FROM promises_to_pay p
            LEFT JOIN (SELECT pi.org_id, pi.promise_id, sum(pi.amount) AS s,
                              bool_and(i.customer_id = (SELECT customer_id FROM promises_to_pay x
                                                          WHERE x.org_id = pi.org_id AND x.id = pi.promise_id)) AS same
                         FROM promise_invoices pi JOIN invoices i ON i.org_id = pi.org_id AND i.id = pi.invoice_id
                        GROUP BY 1, 2) s ON s.org_id = p.org_id AND s.promise_id = p.id
           WHERE s.s IS NULL OR s.s <> p.amount OR NOT s.same OR p.amount <= 0`,
  },
  {
    rule: 'dispute status and dates agree (resolved ones carry a credit memo, active ones no resolution date)',
    sql: `SELECT count(*) FROM disputes d JOIN invoices i ON i.org_id = d.org_id AND i.id = d.invoice_id
           WHERE d.amount <= 0 OR d.amount > i.total OR d.currency <> i.currency OR d.customer_id <> i.customer_id
              OR (d.status IN ('open', 'in_review')) <> (d.resolved_on IS NULL)
              OR (d.status = 'resolved') <> (d.credit_memo_id IS NOT NULL)
              OR d.resolved_on < d.opened_on OR d.opened_on < i.issue_date`,
  },
  {
    rule: 'tasks are completed exactly when done',
    sql: `SELECT count(*) FROM tasks WHERE (status = 'done') <> (completed_at IS NOT NULL)`,
  },
  {
    rule: 'invoice disputed flag is set exactly when an open or in-review dispute names the invoice',
    sql: `SELECT count(*) FROM invoices i
           WHERE i.disputed <> EXISTS (SELECT 1 FROM disputes d WHERE d.org_id = i.org_id AND d.invoice_id = i.id
                                         AND d.status IN ('open', 'in_review'))`,
  },
  {
    rule: 'invoice has_promise flag is set exactly when a pending promise covers the invoice',
    sql: `SELECT count(*) FROM invoices i
           WHERE i.has_promise <> EXISTS (SELECT 1 FROM promise_invoices pi
                                            JOIN promises_to_pay p ON p.org_id = pi.org_id AND p.id = pi.promise_id
                                           WHERE pi.org_id = i.org_id AND pi.invoice_id = i.id AND p.status = 'pending')`,
  },
];

/**
 * Facts that must not lie in the future of the organization's `today`. `$1` is a JSON object
 * mapping organization id to its today.
 */
export const NOTHING_AFTER_TODAY = `
  WITH t AS (SELECT key::uuid AS org_id, value::date AS today FROM json_each_text($1::json))
  SELECT (SELECT count(*) FROM invoices x JOIN t USING (org_id) WHERE x.issue_date > t.today OR x.closed_on > t.today)
       + (SELECT count(*) FROM payments x JOIN t USING (org_id) WHERE x.received_on > t.today)
       + (SELECT count(*) FROM payment_applications x JOIN t USING (org_id) WHERE x.applied_on > t.today OR x.unapplied_on > t.today)
       + (SELECT count(*) FROM credit_memos x JOIN t USING (org_id) WHERE x.issued_on > t.today)
       + (SELECT count(*) FROM credit_applications x JOIN t USING (org_id) WHERE x.applied_on > t.today)
       + (SELECT count(*) FROM disputes x JOIN t USING (org_id) WHERE x.opened_on > t.today OR x.resolved_on > t.today)
       + (SELECT count(*) FROM promises_to_pay x JOIN t USING (org_id)
           WHERE (x.status = 'pending') <> (x.promised_on >= t.today) AND x.status NOT IN ('kept', 'cancelled'))
       + (SELECT count(*) FROM activities x JOIN t USING (org_id) JOIN organizations o ON o.id = x.org_id
           WHERE (x.occurred_at AT TIME ZONE o.time_zone)::date > t.today)
       + (SELECT count(*) FROM tasks x JOIN t USING (org_id) JOIN organizations o ON o.id = x.org_id
           WHERE (x.completed_at AT TIME ZONE o.time_zone)::date > t.today) AS count`;

export async function brokenInvariants(db: Queryable): Promise<string[]> {
  const broken: string[] = [];
  for (const { rule, sql } of BOOK_INVARIANTS) {
    const [row] = (await db.query(sql)) as Record<string, string | number>[];
    const count = Number(Object.values(row)[0]);
    if (count !== 0) broken.push(`${rule}: ${count} rows`);
  }
  return broken;
}
