import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, CurrencyColumn } from '../database/columns';

export type AgingBasis = 'due_date' | 'invoice_date';

@Entity({ name: 'organizations' })
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Reporting currency: aging and KPIs are totalled in it through exchange rates. */
  @CurrencyColumn('base_currency')
  baseCurrency: string;

  /** IANA zone that decides what "today" is for aging and due dates. */
  @Column({ name: 'time_zone', type: 'text', default: 'UTC' })
  timeZone: string;

  @Column({ name: 'aging_basis', type: 'text', default: 'due_date' })
  agingBasis: AgingBasis;

  /** Upper edges (days) of the past-due buckets: [30,60,90] gives 1–30, 31–60, 61–90, 90+. */
  @Column({ name: 'aging_bucket_edges', type: 'integer', array: true, default: () => "'{30,60,90}'" })
  agingBucketEdges: number[];

  @CreatedAtColumn()
  createdAt: Date;
}
