import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A promise's link to an invoice is deleted with the invoice, as it already was with the promise.
 * Deleting an organization cascades to its invoices and its promises in no fixed order; with
 * NO ACTION here, an organization that had promises to pay could not be deleted.
 */

export class PromiseInvoicesCascadeWithInvoice1795711476435 implements MigrationInterface {
  name = 'PromiseInvoicesCascadeWithInvoice1795711476435';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" DROP CONSTRAINT "FK_3da4e37c440b5dce20e678ec4fa"',
    );
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" ADD CONSTRAINT "FK_3da4e37c440b5dce20e678ec4fa" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" DROP CONSTRAINT "FK_3da4e37c440b5dce20e678ec4fa"',
    );
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" ADD CONSTRAINT "FK_3da4e37c440b5dce20e678ec4fa" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
  }
}
