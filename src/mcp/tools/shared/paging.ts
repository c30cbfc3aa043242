import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../receivables/shared/pagination';
import type { Page } from '../../../receivables/shared/pagination';

/** Page-size and cursor arguments every search tool takes. */
export const pageArguments = {
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .optional()
    .describe(
      `Rows per page, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}). Ask for what you need; there is never a silent cap.`,
    ),
  cursor: z
    .string()
    .max(2000)
    .optional()
    .describe('nextCursor from the previous page of the SAME search; omit for the first page.'),
};

/** Output fields of every page: the rows plus whether there is more and how to get it. */
export function pageOutput<T extends z.ZodTypeAny>(item: T) {
  return {
    items: z.array(item),
    hasMore: z.boolean().describe('True when more rows match than this page holds.'),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as cursor (same filters) to get the next page; null at the end.'),
  };
}

/** The closing line of a page's text rendering, telling the model how to continue. */
export function pageFooter(page: Page<unknown>, noun: string): string {
  if (page.items.length === 0) return `No ${noun} match.`;
  return page.hasMore
    ? `Showing ${page.items.length} ${noun}; more match. Call again with cursor "${page.nextCursor}" for the next page.`
    : `Showing all ${page.items.length} matching ${noun}.`;
}
