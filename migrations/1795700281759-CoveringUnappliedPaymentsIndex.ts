import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Unapplied cash read from the index alone by aging (as-of-balances.sql.ts, unappliedCashAsOfSql). */
export class CoveringUnappliedPaymentsIndex1795700281759 implements MigrationInterface {
  name = 'CoveringUnappliedPaymentsIndex1795700281759';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_payments_unapplied"');
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_unapplied" ON "payments"  ("org_id", "received_on", "id", "customer_id", "currency", "unapplied_amount", "status", "number") WHERE unapplied_amount > 0',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_payments_unapplied"');
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_unapplied" ON "payments" ("org_id", "received_on", "id") WHERE unapplied_amount > 0',
    );
  }
}
