import { Payload } from '@nestjs/microservices';
import { Prompt } from '@rekog/mcp-nest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../common/errors/app-error';
import { ArTools } from '../tools/shared/ar-tools.decorator';

interface PromptResult {
  description: string;
  messages: { role: 'user'; content: { type: 'text'; text: string } }[];
}

const ask = (description: string, text: string): PromptResult => ({
  description,
  messages: [{ role: 'user', content: { type: 'text', text } }],
});

/**
 * Ready-made starting points for the work AR teams repeat: each prompt names the tools to use and
 * the order, so the answer rests on the books rather than on guesses.
 */
@ArTools()
export class CollectionsPrompts {
  @Prompt({
    name: 'prepare_collections_call',
    description:
      'Prepare a collections call with one customer: what they owe, history, promises, disputes, talking points.',
    parameters: z.object({ customer: z.string().describe('Customer name or id') }),
  })
  prepareCall(@Payload() args: { customer: string }): PromptResult {
    return ask(
      'Collections call preparation',
      `Prepare me for a collections call with "${args.customer}".
1. Find the customer with search_customers (or get_customer if this is an id) and open the account with get_customer.
2. Use get_timeline for the last 90 days of notes, calls and emails, and search_promises for promises kept, broken and pending.
3. Use get_payment_behaviour for how they usually pay, and search_disputes for anything open.
Then give me: the amount past due by age, the oldest invoices, what they promised before and whether they kept it, open disputes to avoid demanding payment on, and three concrete talking points with a proposed ask (amount and date). Amounts in the customer's currency.`,
    );
  }

  @Prompt({
    name: 'month_end_ar_review',
    description:
      'A month-end receivables review: aging, DSO and CEI against last month, biggest risks, actions.',
    parameters: z.object({
      month: z.string().optional().describe('Month to review as YYYY-MM; default the last complete month'),
    }),
  })
  monthEnd(@Payload() args: { month?: string }): PromptResult {
    // mcp-nest passes prompt arguments through unchecked, and they end up in the model's prompt.
    if (args.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(args.month))
      throw new InvalidArgumentError(`month must be written YYYY-MM, e.g. 2026-10; got "${args.month}".`, {
        field: 'month',
      });
    const month = args.month ?? 'the last complete month';
    return ask(
      'Month-end AR review',
      `Run a month-end accounts-receivable review for ${month}.
1. get_context for the organization, currency and today.
2. get_aging as of the month's last day, and again as of the previous month's last day.
3. get_kpis for the month and get_kpi_trend for the last 6 months (DSO, best possible DSO, CEI, past-due %).
4. get_top_overdue_customers and search_disputes (open) for the risks; get_cash_forecast for the next weeks.
Report: total AR and past due with the month-over-month change per aging bucket, KPI movements with one-line explanations, the ten accounts that matter most and why, disputes blocking cash, and a short action list per collector.`,
    );
  }

  @Prompt({
    name: 'triage_disputes',
    description: 'Triage open disputes: oldest and largest first, what each needs next, who owns it.',
    parameters: z.object({}),
  })
  triageDisputes(): PromptResult {
    return ask(
      'Dispute triage',
      `Triage our open disputes.
1. search_disputes with openOnly true, sorted by amount, all pages.
2. For the largest and the oldest, get_invoice and get_timeline to see what was said.
Group them by reason; for each dispute say how long it has been open, the amount at stake, the owner, and the next step (resolve with a credit memo, reject with an explanation, or chase the customer for information). Do not change anything: propose the actions and wait for my confirmation before calling any write tool.`,
    );
  }
}
