import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { KeysetPosition } from './pagination';

export type SortDirection = 'asc' | 'desc';

export interface KeysetOptions {
  /** SQL expression of the sort key; must never be NULL (wrap nullable columns in COALESCE). */
  sortExpression: string;
  /** SQL expression of the unique tie-breaker, normally "<alias>.id". */
  idExpression: string;
  direction: SortDirection;
  after?: KeysetPosition;
  pageSize: number;
}

/**
 * Orders by (sort key, id) and starts strictly after the cursor's row, so a page costs an index
 * range scan however deep it is, and rows inserted meanwhile never shift or repeat results.
 */
export function applyKeyset<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  options: KeysetOptions,
): SelectQueryBuilder<T> {
  const dir = options.direction === 'asc' ? 'ASC' : 'DESC';
  qb.orderBy(options.sortExpression, dir).addOrderBy(options.idExpression, dir);
  if (options.after) {
    const op = options.direction === 'asc' ? '>' : '<';
    qb.andWhere(`(${options.sortExpression}, ${options.idExpression}) ${op} (:keysetValue, :keysetId)`, {
      keysetValue: options.after.value,
      keysetId: options.after.id,
    });
  }
  return qb.limit(options.pageSize + 1);
}
