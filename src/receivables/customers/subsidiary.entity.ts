import { Column, Entity, Index } from 'typeorm';
import { CurrencyColumn } from '../../database/columns';
import { OrgScoped } from '../shared/org-scoped.columns';

@Entity({ name: 'subsidiaries' })
@Index('UQ_subsidiaries_name', ['orgId', 'name'], { unique: true })
export class Subsidiary extends OrgScoped {
  @Column({ type: 'text' })
  name: string;

  @CurrencyColumn()
  currency: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;
}
