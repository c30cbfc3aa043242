import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receivable totals per day, cached for the KPIs, and invalidated by the database itself
 * whenever a write changes the history of those days (docs/adr/0013-receivable-totals-cache.md).
 * Both tables are derived data with no entity: only the SQL of analytics/kpis and these triggers
 * touch them.
 */
/**
 * The tables whose rows make up receivables on a day, with the SQL of the day a row counts from
 * (inserted or deleted) and of the earliest day an update changed (null: none), over `o`ld and `n`ew.
 */
const HISTORY_TABLES: [table: string, dayOf: string, updatedFrom: string][] = [
  [
    'invoices',
    'issue_date',
    `CASE WHEN (o.total, o.currency, o.issue_date, o.due_date, o.status = 'void')
                 IS DISTINCT FROM (n.total, n.currency, n.issue_date, n.due_date, n.status = 'void')
               THEN LEAST(o.issue_date, n.issue_date)
               WHEN (o.written_off_on, o.amount_written_off) IS DISTINCT FROM (n.written_off_on, n.amount_written_off)
               THEN LEAST(o.written_off_on, n.written_off_on) END`,
  ],
  [
    'payment_applications',
    'applied_on',
    `CASE WHEN (o.invoice_id, o.amount, o.applied_on) IS DISTINCT FROM (n.invoice_id, n.amount, n.applied_on)
               THEN LEAST(o.applied_on, n.applied_on)
               WHEN o.unapplied_on IS DISTINCT FROM n.unapplied_on
               THEN LEAST(o.unapplied_on, n.unapplied_on) END`,
  ],
  [
    'credit_applications',
    'applied_on',
    `CASE WHEN (o.invoice_id, o.amount, o.applied_on) IS DISTINCT FROM (n.invoice_id, n.amount, n.applied_on)
               THEN LEAST(o.applied_on, n.applied_on) END`,
  ],
];

export class ReceivableTotalsCache1795699000000 implements MigrationInterface {
  name = 'ReceivableTotalsCache1795699000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // totals: [{currency, total, current}] at the end of `day`.
    await queryRunner.query(`
      CREATE TABLE receivable_day_totals (
        org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        day date NOT NULL,
        totals jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, day))`);
    // Which transaction changed the history from which day: a cache entry computed in a snapshot
    // that did not see such a change is not stored. Pruned after an hour (HistoryLogPruner). No
    // foreign key: deleting an organization deletes its invoices, whose trigger logs a change of
    // the organization being deleted.
    await queryRunner.query(`
      CREATE TABLE receivable_history_changes (
        org_id uuid NOT NULL,
        from_day date NOT NULL,
        xid bigint NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now())`);
    await queryRunner.query(
      'CREATE INDEX "IDX_receivable_history_changes_org" ON receivable_history_changes (org_id, from_day)',
    );
    // For each organization a statement changed the history of, from the earliest day it changed:
    // drop the cached days from then on and log the change, under a shared advisory lock that the
    // cache takes exclusively while storing (4201 is the lock class of this cache).
    await queryRunner.query(`
      CREATE FUNCTION receivable_history_invalidate(org uuid, from_day date) RETURNS void
      LANGUAGE sql AS $$
        SELECT pg_advisory_xact_lock_shared(4201, hashtext(org::text));
        DELETE FROM receivable_day_totals WHERE org_id = org AND day >= from_day;
        INSERT INTO receivable_history_changes (org_id, from_day, xid)
        VALUES (org, from_day, pg_current_xact_id()::text::bigint);
      $$`);
    // The earliest day each statement changed, per table and operation. An invoice update counts
    // only when what AR is made of changed (total, dates, currency, void, write-off): balance
    // changes come with the applications that caused them, and flag updates change nothing.
    for (const [table, dayOf, updatedFrom] of HISTORY_TABLES) {
      await queryRunner.query(`
        CREATE FUNCTION receivable_history_from_${table}() RETURNS trigger
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
        END $$`);
      await queryRunner.query(
        `CREATE TRIGGER "TRG_${table}_receivable_history_insert" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_history_from_${table}()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "TRG_${table}_receivable_history_update" AFTER UPDATE ON "${table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_history_from_${table}()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "TRG_${table}_receivable_history_delete" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_history_from_${table}()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table] of HISTORY_TABLES) {
      for (const event of ['insert', 'update', 'delete']) {
        await queryRunner.query(`DROP TRIGGER "TRG_${table}_receivable_history_${event}" ON "${table}"`);
      }
      await queryRunner.query(`DROP FUNCTION receivable_history_from_${table}()`);
    }
    await queryRunner.query('DROP FUNCTION receivable_history_invalidate(uuid, date)');
    await queryRunner.query('DROP TABLE receivable_history_changes');
    await queryRunner.query('DROP TABLE receivable_day_totals');
  }
}
