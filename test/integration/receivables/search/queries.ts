import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { AppError } from '../../../../src/common/errors/app-error';
import type { AppErrorCode } from '../../../../src/common/errors/app-error';
import { ActivityQueries } from '../../../../src/receivables/activities/activity.queries';
import { CreditMemoQueries } from '../../../../src/receivables/credits/credit-memo.queries';
import { CustomerQueries } from '../../../../src/receivables/customers/customer.queries';
import { DisputeQueries } from '../../../../src/receivables/disputes/dispute.queries';
import { InvoiceQueries } from '../../../../src/receivables/invoices/invoice.queries';
import { PaymentQueries } from '../../../../src/receivables/payments/payment.queries';
import { PromiseQueries } from '../../../../src/receivables/promises/promise.queries';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import type { Page } from '../../../../src/receivables/shared/pagination';
import { TaskQueries } from '../../../../src/receivables/tasks/task.queries';

/** The read side wired by hand, as the Nest module would. */
export function buildQueries(ds: DataSource) {
  const settings = new OrgSettingsReader(ds);
  const disputes = new DisputeQueries(ds, settings);
  const promises = new PromiseQueries(ds, settings);
  const activities = new ActivityQueries(ds, settings);
  const tasks = new TaskQueries(ds, settings);
  const payments = new PaymentQueries(ds, settings);
  const credits = new CreditMemoQueries(ds, settings);
  const invoices = new InvoiceQueries(ds, settings);
  const customers = new CustomerQueries(
    ds,
    settings,
    invoices,
    payments,
    credits,
    disputes,
    promises,
    activities,
    tasks,
  );
  return { settings, disputes, promises, activities, tasks, payments, credits, invoices, customers };
}

/** Follows nextCursor to the end and returns every row in the order the pages gave them. */
export async function walk<T>(
  fetch: (cursor: string | undefined) => Promise<Page<T>>,
  maxPages = 1000,
): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await fetch(cursor);
    rows.push(...page.items);
    if (!page.hasMore) {
      assert.equal(page.nextCursor, null, 'the last page must not hand out a cursor');
      return { rows, pages };
    }
    assert.ok(page.nextCursor, 'a page with more rows must hand out a cursor');
    assert.ok(page.items.length > 0, 'a page with more rows must not be empty');
    cursor = page.nextCursor;
  }
  throw new Error(`pagination did not end after ${maxPages} pages`);
}

/** Asserts a promise rejects with a coded AppError whose message mentions `mentions`. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: AppErrorCode,
  mentions?: string | RegExp,
): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(
      error instanceof AppError,
      `expected an AppError, got ${String((error as Error)?.stack ?? error)}`,
    );
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    if (mentions) {
      if (typeof mentions === 'string')
        assert.ok(error.message.includes(mentions), `"${error.message}" should mention "${mentions}"`);
      else assert.match(error.message, mentions);
    }
    return error;
  }
  assert.fail(`expected a ${code} error`);
}

/** Rewrites a cursor's sort value while keeping its fingerprint, as a tampering caller could. */
export function tamperCursor(cursor: string, value: unknown): string {
  const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...payload, v: value })).toString('base64url');
}
