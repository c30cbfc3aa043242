import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * invoices.disputed and invoices.has_promise, derived from disputes and promises and kept by
 * statement-level triggers (docs/adr/0012-invoice-flags-kept-by-triggers.md), with partial indexes
 * that make "disputed" and "has a promise" invoice searches ordered index ranges.
 */
export class InvoiceDisputeAndPromiseFlags1795697839941 implements MigrationInterface {
  name = 'InvoiceDisputeAndPromiseFlags1795697839941';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "invoices" ADD "disputed" boolean NOT NULL DEFAULT false');
    await queryRunner.query('ALTER TABLE "invoices" ADD "has_promise" boolean NOT NULL DEFAULT false');
    // Both flags of the given invoices from their disputes and promises; rows already right are
    // not rewritten.
    await queryRunner.query(`
      CREATE FUNCTION invoice_flags_refresh(org uuid, invoice_ids uuid[]) RETURNS void
      LANGUAGE sql AS $$
        UPDATE invoices i
           SET disputed = f.disputed, has_promise = f.has_promise
          FROM (SELECT x.id,
                       EXISTS (SELECT 1 FROM disputes d
                                WHERE d.org_id = org AND d.invoice_id = x.id
                                  AND d.status IN ('open', 'in_review')) AS disputed,
                       EXISTS (SELECT 1 FROM promise_invoices pi
                                 JOIN promises_to_pay p ON p.org_id = pi.org_id AND p.id = pi.promise_id
                                WHERE pi.org_id = org AND pi.invoice_id = x.id
                                  AND p.status = 'pending') AS has_promise
                  FROM unnest(invoice_ids) AS x(id)) f
         WHERE i.org_id = org AND i.id = f.id
           AND (i.disputed, i.has_promise) IS DISTINCT FROM (f.disputed, f.has_promise)
      $$`);
    // For disputes and promise_invoices: refresh the invoices their changed rows name.
    await queryRunner.query(`
      CREATE FUNCTION invoice_flags_from_invoice_rows() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE touched record;
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          FOR touched IN SELECT org_id, array_agg(DISTINCT invoice_id) AS ids FROM new_rows GROUP BY org_id LOOP
            PERFORM invoice_flags_refresh(touched.org_id, touched.ids);
          END LOOP;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          FOR touched IN SELECT org_id, array_agg(DISTINCT invoice_id) AS ids FROM old_rows GROUP BY org_id LOOP
            PERFORM invoice_flags_refresh(touched.org_id, touched.ids);
          END LOOP;
        END IF;
        RETURN NULL;
      END $$`);
    // For promises_to_pay: a status change (kept, broken, cancelled) refreshes the invoices it covers.
    await queryRunner.query(`
      CREATE FUNCTION invoice_flags_from_promises() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE touched record;
      BEGIN
        FOR touched IN
          SELECT pi.org_id, array_agg(DISTINCT pi.invoice_id) AS ids
            FROM new_rows n
            JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
            JOIN promise_invoices pi ON pi.org_id = n.org_id AND pi.promise_id = n.id
           WHERE n.status IS DISTINCT FROM o.status
           GROUP BY pi.org_id
        LOOP
          PERFORM invoice_flags_refresh(touched.org_id, touched.ids);
        END LOOP;
        RETURN NULL;
      END $$`);
    for (const table of ['disputes', 'promise_invoices']) {
      await queryRunner.query(
        `CREATE TRIGGER "TRG_${table}_invoice_flags_insert" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION invoice_flags_from_invoice_rows()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "TRG_${table}_invoice_flags_update" AFTER UPDATE ON "${table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION invoice_flags_from_invoice_rows()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "TRG_${table}_invoice_flags_delete" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION invoice_flags_from_invoice_rows()`,
      );
    }
    await queryRunner.query(
      'CREATE TRIGGER "TRG_promises_to_pay_invoice_flags_update" AFTER UPDATE ON "promises_to_pay" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION invoice_flags_from_promises()',
    );
    // The books written before this migration.
    await queryRunner.query(
      `UPDATE invoices i SET disputed = true
        WHERE EXISTS (SELECT 1 FROM disputes d WHERE d.org_id = i.org_id AND d.invoice_id = i.id AND d.status IN ('open', 'in_review'))`,
    );
    await queryRunner.query(
      `UPDATE invoices i SET has_promise = true
        WHERE EXISTS (SELECT 1 FROM promise_invoices pi JOIN promises_to_pay p ON p.org_id = pi.org_id AND p.id = pi.promise_id
                       WHERE pi.org_id = i.org_id AND pi.invoice_id = i.id AND p.status = 'pending')`,
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_promised" ON "invoices"  ("org_id", "due_date", "id") WHERE has_promise',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_disputed" ON "invoices"  ("org_id", "due_date", "id") WHERE disputed',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_disputed"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_promised"');
    await queryRunner.query('DROP TRIGGER "TRG_promises_to_pay_invoice_flags_update" ON "promises_to_pay"');
    for (const table of ['disputes', 'promise_invoices']) {
      for (const event of ['insert', 'update', 'delete']) {
        await queryRunner.query(`DROP TRIGGER "TRG_${table}_invoice_flags_${event}" ON "${table}"`);
      }
    }
    await queryRunner.query('DROP FUNCTION invoice_flags_from_promises()');
    await queryRunner.query('DROP FUNCTION invoice_flags_from_invoice_rows()');
    await queryRunner.query('DROP FUNCTION invoice_flags_refresh(uuid, uuid[])');
    await queryRunner.query('ALTER TABLE "invoices" DROP COLUMN "has_promise"');
    await queryRunner.query('ALTER TABLE "invoices" DROP COLUMN "disputed"');
  }
}
