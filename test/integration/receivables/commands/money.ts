import type { DataSource } from 'typeorm';
import type { User } from '../../../../src/identity/user.entity';
import { CreditCommands } from '../../../../src/receivables/credits/credit.commands';
import { CreditMemo } from '../../../../src/receivables/credits/credit-memo.entity';
import { InvoiceCommands } from '../../../../src/receivables/invoices/invoice.commands';
import { Invoice } from '../../../../src/receivables/invoices/invoice.entity';
import { PaymentApplication } from '../../../../src/receivables/payments/payment-application.entity';
import { PaymentMatching } from '../../../../src/receivables/payments/payment-matching.service';
import { PaymentCommands } from '../../../../src/receivables/payments/payment.commands';
import { Payment } from '../../../../src/receivables/payments/payment.entity';
import type { CommandContext } from '../../../../src/receivables/commands/actor';
import { actingAs, commandWorld } from './commands';
import type { CommandWorld } from './commands';

/**
 * The money commands' test world: the command world (two organizations, Nest-wired receivables)
 * plus a manager in each organization (payments:write is a manager's or admin's scope) and the
 * money services.
 */
export interface MoneyWorld extends CommandWorld {
  payments: PaymentCommands;
  credits: CreditCommands;
  invoices: InvoiceCommands;
  matching: PaymentMatching;
  /** The manager of organization A. */
  maria: User;
  /** Maria acting in organization A through CLIENT_ID, optionally with an idempotency key. */
  money(idempotencyKey?: string): CommandContext;
  /** The manager of organization B acting there. */
  otherMoney(): CommandContext;
}

export async function moneyWorld(): Promise<MoneyWorld> {
  const world = await commandWorld();
  const maria = await world.books.member('manager', { name: 'Maria Manager' });
  const oscar = await world.other.member('manager', { name: 'Oscar Other' });
  return {
    ...world,
    payments: world.app.get(PaymentCommands),
    credits: world.app.get(CreditCommands),
    invoices: world.app.get(InvoiceCommands),
    matching: world.app.get(PaymentMatching),
    maria,
    money: (idempotencyKey) => actingAs(world.books, maria, idempotencyKey),
    otherMoney: () => actingAs(world.other, oscar),
  };
}

/** Rows as they are in the database now (not as a factory's object remembers them). */
export const reread = {
  invoice: (ds: DataSource, orgId: string, id: string): Promise<Invoice> =>
    ds.getRepository(Invoice).findOneByOrFail({ orgId, id }),
  payment: (ds: DataSource, orgId: string, id: string): Promise<Payment> =>
    ds.getRepository(Payment).findOneByOrFail({ orgId, id }),
  creditMemo: (ds: DataSource, orgId: string, id: string): Promise<CreditMemo> =>
    ds.getRepository(CreditMemo).findOneByOrFail({ orgId, id }),
  applications: (ds: DataSource, orgId: string, paymentId: string): Promise<PaymentApplication[]> =>
    ds
      .getRepository(PaymentApplication)
      .find({ where: { orgId, paymentId }, order: { appliedOn: 'ASC', createdAt: 'ASC', amount: 'DESC' } }),
};

/** The money columns of an invoice, for one-line assertions. */
export function money(invoice: Invoice): [number, number, number, number, string, string | null] {
  return [
    invoice.amountPaid,
    invoice.amountCredited,
    invoice.amountWrittenOff,
    invoice.balance,
    invoice.status,
    invoice.closedOn,
  ];
}
