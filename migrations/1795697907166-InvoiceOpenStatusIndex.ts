import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InvoiceOpenStatusIndex1795697907166 implements MigrationInterface {
  name = 'InvoiceOpenStatusIndex1795697907166';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_open_status" ON "invoices"  ("org_id", "status", "due_date", "id") WHERE balance > 0',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_open_status"');
  }
}
