import type { Provider } from '@nestjs/common';
import { CreditCommands } from '../credits/credit.commands';
import { InvoiceCommands } from '../invoices/invoice.commands';
import { PaymentMatching } from '../payments/payment-matching.service';
import { PaymentCommands } from '../payments/payment.commands';

/**
 * Money movements: payments and their applications, credit memo applications, write-offs (scope
 * payments:write), and the read-only cash-application suggestions that go with them.
 */
export const MONEY_COMMANDS: Provider[] = [PaymentCommands, CreditCommands, InvoiceCommands, PaymentMatching];
