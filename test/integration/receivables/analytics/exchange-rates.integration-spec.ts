import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../../src/common/errors/app-error';
import {
  ExchangeRatesService,
  MissingExchangeRateError,
} from '../../../../src/receivables/currency/exchange-rates.service';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

describe('ExchangeRatesService', () => {
  let db: TestDatabase;
  let service: ExchangeRatesService;
  let books: Books;
  let other: Books;

  before(async () => {
    db = await createTestDatabase();
    service = new ExchangeRatesService(db.dataSource);
    books = await Books.create(db.dataSource);
    await books.rate('EUR', 'USD', '2026-03-01', '1.10');
    await books.rate('EUR', 'USD', '2026-04-01', '1.20');
    await books.rate('USD', 'JPY', '2026-03-01', '150');
    await books.rate('GBP', 'USD', '2026-03-01', '1.25');
    await books.rate('USD', 'GBP', '2026-03-15', '0.75');
    await books.rate('BHD', 'USD', '2026-03-01', '2.65');
    other = await Books.create(db.dataSource);
    await other.rate('CHF', 'USD', '2026-03-01', '1.05');
    await other.rate('EUR', 'USD', '2026-03-31', '9.99');
  });
  after(async () => db.drop());

  it('uses the latest rate on or before the date', async () => {
    assert.deepEqual(await service.quote(books.orgId, 'EUR', 'USD', '2026-03-31'), {
      fromCurrency: 'EUR',
      toCurrency: 'USD',
      rate: '1.1',
      rateDate: '2026-03-01',
      inverted: false,
    });
    assert.equal((await service.quote(books.orgId, 'EUR', 'USD', '2026-04-01')).rate, '1.2');
    const converted = await service.convert(books.orgId, 100_000, 'EUR', 'USD', '2026-03-31');
    assert.equal(converted.amount, 110_000);
  });

  it('inverts the opposite pair when only it is stored', async () => {
    const quote = await service.quote(books.orgId, 'JPY', 'USD', '2026-03-31');
    assert.equal(quote.inverted, true);
    // 1 / 150
    assert.equal(quote.rate, '0.0066666667');
    // ¥50,000 ÷ 150 = $333.33
    assert.equal((await service.convert(books.orgId, 50_000, 'JPY', 'USD', '2026-03-31')).amount, 33_333);
  });

  it('prefers whichever direction was recorded more recently', async () => {
    // 03-10: only GBP→USD 1.25 (03-01) applies; 03-31: USD→GBP 0.75 (03-15) is newer → 1 / 0.75.
    assert.equal((await service.quote(books.orgId, 'GBP', 'USD', '2026-03-10')).rate, '1.25');
    const later = await service.quote(books.orgId, 'GBP', 'USD', '2026-03-31');
    assert.deepEqual([later.rate, later.rateDate, later.inverted], ['1.3333333333', '2026-03-15', true]);
    // £300.00 / 0.75 = $400.00
    assert.equal((await service.convert(books.orgId, 30_000, 'GBP', 'USD', '2026-03-31')).amount, 40_000);
  });

  it('respects each currency’s minor unit', async () => {
    // 1.500 BHD (1,500 fils) × 2.65 = $3.975 → 398 cents
    assert.equal((await service.convert(books.orgId, 1_500, 'BHD', 'USD', '2026-03-31')).amount, 398);
    const converter = await service.converter(books.orgId, 'USD', ['USD', 'EUR', 'JPY'], '2026-03-31');
    assert.equal(converter.convert(12_345, 'USD'), 12_345);
    assert.deepEqual(
      converter.quotes().map((q) => q.fromCurrency),
      ['EUR', 'JPY'],
    );
  });

  it('names every missing pair, including dates before the first rate', async () => {
    await assert.rejects(
      service.converter(books.orgId, 'USD', ['CHF', 'EUR', 'SEK'], '2026-03-31'),
      (error: unknown) => {
        assert.ok(error instanceof MissingExchangeRateError);
        assert.equal(
          error.message.startsWith(
            'No exchange rate for CHF→USD, SEK→USD (nor the inverse) on or before 2026-03-31',
          ),
          true,
        );
        assert.deepEqual(error.details, { missingPairs: ['CHF/USD', 'SEK/USD'], onOrBefore: '2026-03-31' });
        return true;
      },
    );
    await assert.rejects(service.quote(books.orgId, 'EUR', 'USD', '2026-02-28'), MissingExchangeRateError);
  });

  it('never uses another organization’s rates', async () => {
    // The other organization has CHF and a later EUR rate (9.99 on 03-31): neither is visible here.
    await assert.rejects(service.quote(books.orgId, 'CHF', 'USD', '2026-03-31'), MissingExchangeRateError);
    assert.equal((await service.quote(books.orgId, 'EUR', 'USD', '2026-03-31')).rate, '1.1');
    assert.equal((await service.quote(other.orgId, 'EUR', 'USD', '2026-03-31')).rate, '9.99');
  });

  it('refuses malformed currencies, dates and amounts with a coded error', async () => {
    await assert.rejects(service.quote(books.orgId, 'eur', 'USD', '2026-03-31'), InvalidArgumentError);
    await assert.rejects(service.quote(books.orgId, 'EUR', 'USD', '31/03/2026'), InvalidArgumentError);
    await assert.rejects(service.convert(books.orgId, 1.5, 'EUR', 'USD', '2026-03-31'), InvalidArgumentError);
  });
});
