import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trigram indexes for "contains" searches of payments by number and reference (payment.queries.ts),
 * written by hand: TypeORM cannot describe operator classes.
 */
export class PaymentTextSearchIndexes1795701000000 implements MigrationInterface {
  name = 'PaymentTextSearchIndexes1795701000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_number_trgm" ON "payments" USING gin ("number" gin_trgm_ops)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_reference_trgm" ON "payments" USING gin ("reference" gin_trgm_ops)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_payments_reference_trgm"');
    await queryRunner.query('DROP INDEX "public"."IDX_payments_number_trgm"');
  }
}
