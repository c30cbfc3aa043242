import { InvalidArgumentError } from '../../../common/errors/app-error';

export type AgingBasis = 'due_date' | 'invoice_date';
export const AGING_BASES: readonly AgingBasis[] = ['due_date', 'invoice_date'];

/** One column of an aging report; `minDays`/`maxDays` are inclusive, null meaning open-ended. */
export interface AgingBucket {
  key: string;
  label: string;
  minDays: number | null;
  maxDays: number | null;
}

export const MAX_BUCKET_EDGES = 10;
export const MAX_BUCKET_EDGE_DAYS = 3650;

/**
 * Validates bucket edges: the upper day of each past-due bucket, strictly ascending whole numbers
 * from 1 (domain.md §4.1: [30, 60, 90] gives 1–30, 31–60, 61–90 and over 90).
 */
export function validateBucketEdges(edges: readonly number[], field = 'bucketEdges'): number[] {
  const problem = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(
      `${field} ${why}: give 1 to ${MAX_BUCKET_EDGES} whole numbers of days in ascending order, e.g. [30, 60, 90].`,
      { field },
    );
  // Callers outside TypeScript (tool arguments) may send anything.
  const given: unknown = edges;
  if (!Array.isArray(given)) throw problem('is not a list');
  if (edges.length === 0) throw problem('is empty');
  if (edges.length > MAX_BUCKET_EDGES) throw problem(`has ${edges.length} edges`);
  edges.forEach((edge, i) => {
    if (!Number.isInteger(edge) || edge < 1 || edge > MAX_BUCKET_EDGE_DAYS) {
      throw problem(
        `contains ${String(edge)}, which is not a whole number from 1 to ${MAX_BUCKET_EDGE_DAYS}`,
      );
    }
    if (i > 0 && edge <= edges[i - 1])
      throw problem(`is not strictly ascending (${edges[i - 1]} then ${edge})`);
  });
  return [...edges];
}

/** The edges a report uses: the caller's, or else the organization's setting (checked alike). */
export function resolveBucketEdges(
  requested: readonly number[] | undefined,
  organization: readonly number[],
): number[] {
  return requested === undefined
    ? validateBucketEdges(organization, "The organization's aging bucket edges setting")
    : validateBucketEdges(requested);
}

/**
 * The buckets of a report. Due-date basis ages by days past due (as-of − due date): "Current"
 * (not yet past due, ≤ 0) then one bucket per edge and "Over N". Invoice-date basis ages by days
 * since the invoice date (never negative), so the first bucket starts at 0 and there is no
 * "Current" (domain.md §4.1).
 */
export function agingBuckets(basis: AgingBasis, edges: readonly number[]): AgingBucket[] {
  const buckets: AgingBucket[] = [];
  let lower: number;
  if (basis === 'due_date') {
    buckets.push({ key: 'current', label: 'Current', minDays: null, maxDays: 0 });
    lower = 1;
  } else {
    lower = 0;
  }
  for (const edge of edges) {
    buckets.push({ key: `${lower}-${edge}`, label: `${lower}–${edge}`, minDays: lower, maxDays: edge });
    lower = edge + 1;
  }
  const last = edges[edges.length - 1];
  buckets.push({ key: `over_${last}`, label: `Over ${last}`, minDays: last + 1, maxDays: null });
  return buckets;
}

/**
 * Lower bounds (days) of every bucket but the first, for SQL width_bucket(days, bounds), which
 * returns 0 below the first bound and i after the i-th: exactly the bucket's index.
 */
export function bucketLowerBounds(basis: AgingBasis, edges: readonly number[]): number[] {
  return agingBuckets(basis, edges)
    .slice(1)
    .map((b) => b.minDays as number);
}

/** The index of the bucket `days` falls in (same rule as the SQL). */
export function bucketIndex(basis: AgingBasis, edges: readonly number[], days: number): number {
  return bucketLowerBounds(basis, edges).filter((bound) => days >= bound).length;
}
