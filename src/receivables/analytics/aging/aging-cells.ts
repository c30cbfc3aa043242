/**
 * An aging at the grain of a customer, and how any grouping of the report is built from it: past
 * days are cached at that grain (aging-cells-cache.ts), so a change of a customer's collector or
 * subsidiary needs no invalidation.
 */

/** Bucket amounts of one group, currency and bucket: what the report accumulates. */
export interface BucketRow {
  groupKey: string | null;
  currency: string;
  bucket: number;
  amount: number;
  invoiceCount: number;
}

/** Unapplied cash or unused credit of one group and currency. */
export interface CreditRow {
  kind: 'cash' | 'credit_memo';
  groupKey: string | null;
  currency: string;
  amount: number;
  count: number;
  oldestDate: string | null;
}

/** Open invoice balances of one customer, invoice subsidiary (null: the customer's), currency and bucket. */
export type CustomerBucketCell = Omit<BucketRow, 'groupKey'> & {
  customerId: string;
  subsidiaryId: string | null;
};

/** Unapplied cash (customerId null: unidentified cash) or unused credit of one customer and currency. */
export type CustomerCreditCell = Omit<CreditRow, 'groupKey'> & { customerId: string | null };

/** An aging at the end of a day, at the grain of a customer: any grouping is built from it. */
export interface AgingCells {
  buckets: CustomerBucketCell[];
  credits: CustomerCreditCell[];
}

/** What the grouping of a customer's cells needs to know about the customer. */
export interface CustomerGrouping {
  collectorUserId: string | null;
  subsidiaryId: string | null;
}

export type AgingGroupBy = 'none' | 'customer' | 'collector' | 'subsidiary' | 'currency';

/**
 * The cells summed per group, currency and bucket, exactly as the SQL grouping of a live report
 * does it (an invoice's own subsidiary before its customer's; credits by the customer's), so a
 * cached day and a computed one give the same report to the cent.
 */
export function groupCells(
  cells: AgingCells,
  groupBy: AgingGroupBy,
  customers: ReadonlyMap<string, CustomerGrouping>,
): { bucketRows: BucketRow[]; creditRows: CreditRow[] } {
  const customerKey = (customerId: string | null): string | null => {
    if (customerId === null) return null;
    if (groupBy === 'customer') return customerId;
    if (groupBy === 'collector') return customers.get(customerId)?.collectorUserId ?? null;
    if (groupBy === 'subsidiary') return customers.get(customerId)?.subsidiaryId ?? null;
    return null;
  };
  const buckets = new Map<string, BucketRow>();
  for (const cell of cells.buckets) {
    const groupKey =
      groupBy === 'currency'
        ? cell.currency
        : groupBy === 'subsidiary'
          ? (cell.subsidiaryId ?? customerKey(cell.customerId))
          : customerKey(cell.customerId);
    const id = `${groupKey}|${cell.currency}|${cell.bucket}`;
    const row = buckets.get(id);
    if (row) {
      row.amount += cell.amount;
      row.invoiceCount += cell.invoiceCount;
    } else {
      const { currency, bucket, amount, invoiceCount } = cell;
      buckets.set(id, { groupKey, currency, bucket, amount, invoiceCount });
    }
  }
  const credits = new Map<string, CreditRow>();
  for (const cell of cells.credits) {
    const groupKey = groupBy === 'currency' ? cell.currency : customerKey(cell.customerId);
    const id = `${cell.kind}|${groupKey}|${cell.currency}`;
    const row = credits.get(id);
    if (row) {
      row.amount += cell.amount;
      row.count += cell.count;
      if (cell.oldestDate !== null && (row.oldestDate === null || cell.oldestDate < row.oldestDate)) {
        row.oldestDate = cell.oldestDate;
      }
    } else {
      const { kind, currency, amount, count, oldestDate } = cell;
      credits.set(id, { kind, groupKey, currency, amount, count, oldestDate });
    }
  }
  return { bucketRows: [...buckets.values()], creditRows: [...credits.values()] };
}
