import { ForeignKey, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn } from '../../database/columns';

/**
 * Columns every receivables table starts with. The primary key is (org_id, id) so that every
 * reference can be a composite (org_id, x_id) foreign key: a row can never point into another
 * organization, whatever the application does.
 */
export abstract class OrgScoped {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  orgId: string;

  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreatedAtColumn()
  createdAt: Date;
}
