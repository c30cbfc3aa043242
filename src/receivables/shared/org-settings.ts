import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors/app-error';
import { todayIn } from './calendar';

/** The organization settings receivables calculations depend on. */
export interface OrgSettings {
  id: string;
  name: string;
  baseCurrency: string;
  timeZone: string;
  agingBasis: 'due_date' | 'invoice_date';
  /** Upper edges of past-due buckets in days, ascending, e.g. [30, 60, 90]. */
  agingBucketEdges: number[];
}

/**
 * Reads organization settings by SQL rather than through the identity module, which receivables
 * does not depend on (DESIGN.md module map).
 */
@Injectable()
export class OrgSettingsReader {
  constructor(private readonly dataSource: DataSource) {}

  async load(orgId: string): Promise<OrgSettings> {
    const rows = await this.dataSource.query<OrgSettings[]>(
      `SELECT id, name, base_currency AS "baseCurrency", time_zone AS "timeZone",
              aging_basis AS "agingBasis", aging_bucket_edges AS "agingBucketEdges"
         FROM organizations WHERE id = $1`,
      [orgId],
    );
    if (rows.length === 0) throw new NotFoundError('organization', orgId);
    return rows[0];
  }

  async today(orgId: string): Promise<string> {
    return todayIn((await this.load(orgId)).timeZone);
  }
}
