import { Module } from '@nestjs/common';
import { ActivityQueries } from './activities/activity.queries';
import { AgingService } from './analytics/aging/aging.service';
import { CashForecastService } from './analytics/forecast/cash-forecast.service';
import { HistoryLogPruner } from './analytics/kpis/history-log.pruner';
import { PastDaysWarmer } from './analytics/warm-up/past-days-warmer';
import { KpiService } from './analytics/kpis/kpi.service';
import { OverdueCustomersService } from './analytics/overdue/overdue-customers.service';
import { PaymentBehaviourService } from './analytics/payment-behaviour/payment-behaviour.service';
import { StatementOfAccountService } from './analytics/statement/statement-of-account.service';
import { CollectorWorklistService } from './analytics/worklist/collector-worklist.service';
import { COLLECTION_COMMANDS } from './commands/collections.commands';
import { CommandRunner } from './commands/command-runner';
import { MONEY_COMMANDS } from './commands/money.commands';
import { CreditMemoQueries } from './credits/credit-memo.queries';
import { ExchangeRatesService } from './currency/exchange-rates.service';
import { CustomerQueries } from './customers/customer.queries';
import { DisputeQueries } from './disputes/dispute.queries';
import { InvoiceQueries } from './invoices/invoice.queries';
import { PaymentQueries } from './payments/payment.queries';
import { PromiseQueries } from './promises/promise.queries';
import { OrgSettingsReader } from './shared/org-settings';
import { TaskQueries } from './tasks/task.queries';

/**
 * The receivables domain: org-scoped searches and detail views, and the analytics over them.
 * No HTTP, OAuth or MCP here; every method takes the organization id from the caller's principal.
 */
const QUERIES = [
  CustomerQueries,
  InvoiceQueries,
  PaymentQueries,
  CreditMemoQueries,
  DisputeQueries,
  PromiseQueries,
  ActivityQueries,
  TaskQueries,
];

const ANALYTICS = [
  AgingService,
  KpiService,
  HistoryLogPruner,
  PastDaysWarmer,
  OverdueCustomersService,
  PaymentBehaviourService,
  CashForecastService,
  StatementOfAccountService,
  CollectorWorklistService,
];

/** Write commands: one transaction each, with its audit record (commands/command-runner.ts). */
const COMMANDS = [CommandRunner, ...COLLECTION_COMMANDS, ...MONEY_COMMANDS];

const PROVIDERS = [OrgSettingsReader, ExchangeRatesService, ...QUERIES, ...ANALYTICS, ...COMMANDS];

@Module({
  providers: PROVIDERS,
  exports: PROVIDERS,
})
export class ReceivablesModule {}
