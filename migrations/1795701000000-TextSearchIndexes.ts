import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trigram indexes for "contains" searches of payments (number, reference) and credit memos
 * (number, reason): shared/filters.ts, idsContainingText. Written by hand: TypeORM cannot describe
 * operator classes.
 */
export class TextSearchIndexes1795701000000 implements MigrationInterface {
  name = 'TextSearchIndexes1795701000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_number_trgm" ON "payments" USING gin ("number" gin_trgm_ops)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_reference_trgm" ON "payments" USING gin ("reference" gin_trgm_ops)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_credit_memos_number_trgm" ON "credit_memos" USING gin ("number" gin_trgm_ops)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_credit_memos_reason_trgm" ON "credit_memos" USING gin ("reason" gin_trgm_ops)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_credit_memos_reason_trgm"');
    await queryRunner.query('DROP INDEX "public"."IDX_credit_memos_number_trgm"');
    await queryRunner.query('DROP INDEX "public"."IDX_payments_reference_trgm"');
    await queryRunner.query('DROP INDEX "public"."IDX_payments_number_trgm"');
  }
}
