import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Aging as of a past day, cached per organization, day, basis and bucket edges at the grain of a
 * customer (docs/adr/0015), and invalidated by the same triggers as the KPI totals (ADR 0013),
 * which now also cover what aging reads and the KPIs do not: payments and credit memos (unapplied
 * cash, open credits) and which customer and subsidiary an invoice, payment or credit belongs to.
 */

/** A history trigger function as in ReceivableTotalsCache1795699000000, for one table. */
function historyFunction(table: string, dayOf: string, updatedFrom: string): string {
  return `
    CREATE OR REPLACE FUNCTION receivable_history_from_${table}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE changed record;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        FOR changed IN SELECT org_id, min(${dayOf}) AS from_day FROM new_rows GROUP BY org_id LOOP
          PERFORM receivable_history_invalidate(changed.org_id, changed.from_day);
        END LOOP;
      ELSIF TG_OP = 'DELETE' THEN
        FOR changed IN SELECT org_id, min(${dayOf}) AS from_day FROM old_rows GROUP BY org_id LOOP
          PERFORM receivable_history_invalidate(changed.org_id, changed.from_day);
        END LOOP;
      ELSE
        FOR changed IN
          SELECT n.org_id, min(${updatedFrom}) AS from_day
            FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
           GROUP BY n.org_id
        LOOP
          IF changed.from_day IS NOT NULL THEN
            PERFORM receivable_history_invalidate(changed.org_id, changed.from_day);
          END IF;
        END LOOP;
      END IF;
      RETURN NULL;
    END $$`;
}

/** The earliest day an update changed, now and before this migration, per table already watched. */
const UPDATED_FROM: Record<string, { dayOf: string; now: string; before: string }> = {
  invoices: {
    dayOf: 'issue_date',
    now: `CASE WHEN (o.total, o.currency, o.issue_date, o.due_date, o.status = 'void', o.customer_id, o.subsidiary_id)
                 IS DISTINCT FROM (n.total, n.currency, n.issue_date, n.due_date, n.status = 'void', n.customer_id, n.subsidiary_id)
               THEN LEAST(o.issue_date, n.issue_date)
               WHEN (o.written_off_on, o.amount_written_off) IS DISTINCT FROM (n.written_off_on, n.amount_written_off)
               THEN LEAST(o.written_off_on, n.written_off_on) END`,
    before: `CASE WHEN (o.total, o.currency, o.issue_date, o.due_date, o.status = 'void')
                 IS DISTINCT FROM (n.total, n.currency, n.issue_date, n.due_date, n.status = 'void')
               THEN LEAST(o.issue_date, n.issue_date)
               WHEN (o.written_off_on, o.amount_written_off) IS DISTINCT FROM (n.written_off_on, n.amount_written_off)
               THEN LEAST(o.written_off_on, n.written_off_on) END`,
  },
  payment_applications: {
    dayOf: 'applied_on',
    now: `CASE WHEN (o.invoice_id, o.payment_id, o.amount, o.applied_on) IS DISTINCT FROM (n.invoice_id, n.payment_id, n.amount, n.applied_on)
               THEN LEAST(o.applied_on, n.applied_on)
               WHEN o.unapplied_on IS DISTINCT FROM n.unapplied_on
               THEN LEAST(o.unapplied_on, n.unapplied_on) END`,
    before: `CASE WHEN (o.invoice_id, o.amount, o.applied_on) IS DISTINCT FROM (n.invoice_id, n.amount, n.applied_on)
               THEN LEAST(o.applied_on, n.applied_on)
               WHEN o.unapplied_on IS DISTINCT FROM n.unapplied_on
               THEN LEAST(o.unapplied_on, n.unapplied_on) END`,
  },
  credit_applications: {
    dayOf: 'applied_on',
    now: `CASE WHEN (o.invoice_id, o.credit_memo_id, o.amount, o.applied_on) IS DISTINCT FROM (n.invoice_id, n.credit_memo_id, n.amount, n.applied_on)
               THEN LEAST(o.applied_on, n.applied_on) END`,
    before: `CASE WHEN (o.invoice_id, o.amount, o.applied_on) IS DISTINCT FROM (n.invoice_id, n.amount, n.applied_on)
               THEN LEAST(o.applied_on, n.applied_on) END`,
  },
};

/**
 * Newly watched: what a payment or credit memo holds beside its applications (those are watched
 * already, and the stored unapplied and remaining amounts only follow them).
 */
const NEW_TABLES: [table: string, dayOf: string, updatedFrom: string][] = [
  [
    'payments',
    'received_on',
    `CASE WHEN (o.amount, o.currency, o.received_on, o.customer_id, o.status = 'void')
                 IS DISTINCT FROM (n.amount, n.currency, n.received_on, n.customer_id, n.status = 'void')
               THEN LEAST(o.received_on, n.received_on) END`,
  ],
  [
    'credit_memos',
    'issued_on',
    `CASE WHEN (o.amount, o.currency, o.issued_on, o.customer_id, o.status = 'void')
                 IS DISTINCT FROM (n.amount, n.currency, n.issued_on, n.customer_id, n.status = 'void')
               THEN LEAST(o.issued_on, n.issued_on) END`,
  ],
];

const EVENTS: [event: string, transitions: string][] = [
  ['insert', 'REFERENCING NEW TABLE AS new_rows'],
  ['update', 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'],
  ['delete', 'REFERENCING OLD TABLE AS old_rows'],
];

export class AgingCellsCache1795702000000 implements MigrationInterface {
  name = 'AgingCellsCache1795702000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // cells: {"buckets": [[customer, invoice subsidiary, currency, bucket, amount, invoices]],
    //         "credits": [[kind, customer, currency, amount, count, oldest date]]} at the end of day.
    await queryRunner.query(`
      CREATE TABLE aging_day_cells (
        org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        day date NOT NULL,
        basis text NOT NULL,
        bucket_edges integer[] NOT NULL,
        cells json NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, day, basis, bucket_edges))`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION receivable_history_invalidate(org uuid, from_day date) RETURNS void
      LANGUAGE sql AS $$
        SELECT pg_advisory_xact_lock_shared(4201, hashtext(org::text));
        DELETE FROM receivable_day_totals WHERE org_id = org AND day >= from_day;
        DELETE FROM aging_day_cells WHERE org_id = org AND day >= from_day;
        INSERT INTO receivable_history_changes (org_id, from_day, xid)
        VALUES (org, from_day, pg_current_xact_id()::text::bigint);
      $$`);
    for (const [table, { dayOf, now }] of Object.entries(UPDATED_FROM)) {
      await queryRunner.query(historyFunction(table, dayOf, now));
    }
    for (const [table, dayOf, updatedFrom] of NEW_TABLES) {
      await queryRunner.query(historyFunction(table, dayOf, updatedFrom));
      for (const [event, transitions] of EVENTS) {
        await queryRunner.query(
          `CREATE TRIGGER "TRG_${table}_receivable_history_${event}" AFTER ${event.toUpperCase()} ON "${table}" ${transitions} FOR EACH STATEMENT EXECUTE FUNCTION receivable_history_from_${table}()`,
        );
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table] of NEW_TABLES) {
      for (const [event] of EVENTS) {
        await queryRunner.query(`DROP TRIGGER "TRG_${table}_receivable_history_${event}" ON "${table}"`);
      }
      await queryRunner.query(`DROP FUNCTION receivable_history_from_${table}()`);
    }
    for (const [table, { dayOf, before }] of Object.entries(UPDATED_FROM)) {
      await queryRunner.query(historyFunction(table, dayOf, before));
    }
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION receivable_history_invalidate(org uuid, from_day date) RETURNS void
      LANGUAGE sql AS $$
        SELECT pg_advisory_xact_lock_shared(4201, hashtext(org::text));
        DELETE FROM receivable_day_totals WHERE org_id = org AND day >= from_day;
        INSERT INTO receivable_history_changes (org_id, from_day, xid)
        VALUES (org, from_day, pg_current_xact_id()::text::bigint);
      $$`);
    await queryRunner.query('DROP TABLE aging_day_cells');
  }
}
