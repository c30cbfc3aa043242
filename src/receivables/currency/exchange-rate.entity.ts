import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** 1 unit of from_currency = rate units of to_currency, on rate_date (latest on or before wins). */
@Entity({ name: 'exchange_rates' })
@ForeignKey('organizations', ['orgId'], ['id'], { onDelete: 'CASCADE' })
@Check('CHK_exchange_rates_rate', 'rate > 0')
export class ExchangeRate {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @PrimaryColumn({ name: 'from_currency', type: 'char', length: 3 })
  fromCurrency: string;

  @PrimaryColumn({ name: 'to_currency', type: 'char', length: 3 })
  toCurrency: string;

  @PrimaryColumn({ name: 'rate_date', type: 'date' })
  rateDate: string;

  @Column({ type: 'numeric', precision: 20, scale: 10 })
  rate: string;
}
