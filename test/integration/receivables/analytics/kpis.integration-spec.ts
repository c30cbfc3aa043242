import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../../src/common/errors/app-error';
import { KpiService } from '../../../../src/receivables/analytics/kpis/kpi.service';
import {
  ExchangeRatesService,
  MissingExchangeRateError,
} from '../../../../src/receivables/currency/exchange-rates.service';
import { addDays, todayIn } from '../../../../src/receivables/shared/calendar';
import { OrgSettingsReader } from '../../../../src/receivables/shared/org-settings';
import { Books } from '../../../factories/books';
import { createTestDatabase } from '../../../support/test-database';
import type { TestDatabase } from '../../../support/test-database';

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('KpiService', () => {
  let db: TestDatabase;
  let service: KpiService;
  let addBooks: Books;
  let ceiBooks: Books;
  let fxBooks: Books;

  before(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    service = new KpiService(ds, new OrgSettingsReader(ds), new ExchangeRatesService(ds));

    // domain.md §4.5 example, April 2026 (30 days), dollars ×100 = cents:
    //   A1 issued 01-15  5,000.00 due 02-14, A2 issued 02-01 6,000.00 due 03-03: past due on 04-30
    //   B  issued 04-10  6,000.00, paid in full 04-20
    //   C  issued 04-25  4,000.00 due 05-25: current on 04-30 (paid 05-05, after the period)
    // Ending AR 15,000.00, current 4,000.00, credit sales (B + C) 10,000.00.
    addBooks = await Books.create(ds);
    const acme = await addBooks.customer();
    const a1 = await addBooks.invoice(acme, 500_000, '2026-01-15');
    await addBooks.invoice(acme, 600_000, '2026-02-01');
    const b = await addBooks.invoice(acme, 600_000, '2026-04-10');
    await addBooks.pay(b, 600_000, '2026-04-20');
    const c = await addBooks.invoice(acme, 400_000, '2026-04-25');
    await addBooks.pay(c, 400_000, '2026-05-05');
    await addBooks.pay(a1, 500_000, '2026-06-01');

    // domain.md §4.6 example (creditguru), January–March 2026. The §4.5 organization above also
    // invoiced in January and February, and this one leaves $1,750.00 open in April: if either
    // organization's rows reached the other's figures, the hand-worked numbers below would change.
    //
    //   X issued 2025-11-15 6,200.00, paid 2026-01-20        → beginning AR (12-31) 6,200.00
    //   J issued 01-10 3,390.00 due 02-09, 2,390.00 paid 02-15 → 1,000.00 past due on 03-31
    //   F issued 02-10 3,610.00 due 03-12, 1,860.00 paid 03-20 → 1,750.00 past due on 03-31
    //   M issued 03-15 3,890.00 due 04-14,   300.00 paid 03-25 → 3,590.00 current on 03-31
    //   After the period: M's 3,590.00 paid 04-05, J's 1,000.00 paid 04-10.
    ceiBooks = await Books.create(ds);
    const beta = await ceiBooks.customer();
    const x = await ceiBooks.invoice(beta, 620_000, '2025-11-15');
    await ceiBooks.pay(x, 620_000, '2026-01-20');
    const j = await ceiBooks.invoice(beta, 339_000, '2026-01-10');
    await ceiBooks.pay(j, 239_000, '2026-02-15');
    const f = await ceiBooks.invoice(beta, 361_000, '2026-02-10');
    await ceiBooks.pay(f, 186_000, '2026-03-20');
    const m = await ceiBooks.invoice(beta, 389_000, '2026-03-15');
    await ceiBooks.pay(m, 30_000, '2026-03-25');
    await ceiBooks.pay(m, 359_000, '2026-04-05');
    await ceiBooks.pay(j, 100_000, '2026-04-10');
    await ceiBooks.invoice(beta, 999_900, '2026-02-20', { status: 'void' });

    // March 2026 in two currencies, base USD:
    //   E  issued 03-05 €800.00 due 04-04 (current); EUR→USD 1.25 from 03-20 (2.00 from 04-02)
    //   U  issued 03-10 $500.00 due 04-09, $300.00 paid 03-20
    fxBooks = await Books.create(ds);
    const euro = await fxBooks.customer({ currency: 'EUR' });
    await fxBooks.invoice(euro, 80_000, '2026-03-05');
    const u = await fxBooks.invoice(await fxBooks.customer(), 50_000, '2026-03-10');
    await fxBooks.pay(u, 30_000, '2026-03-20');
    await fxBooks.rate('EUR', 'USD', '2026-01-01', '1.10');
    await fxBooks.rate('EUR', 'USD', '2026-03-20', '1.25');
    await fxBooks.rate('EUR', 'USD', '2026-04-02', '2.00');
  });
  after(async () => db.drop());

  it('gives DSO 45, best possible DSO 12 and ADD 33 on the §4.5 example', async () => {
    const r = await service.kpis(addBooks.orgId, { from: '2026-04-01', to: '2026-04-30' });
    assert.deepEqual(r.period, { from: '2026-04-01', to: '2026-04-30', days: 30, months: 1 });
    assert.deepEqual(r.inputs.creditSales, usd(1_000_000));
    assert.deepEqual(r.inputs.endingAr, { ...usd(1_500_000), asOf: '2026-04-30' });
    assert.deepEqual(r.inputs.endingCurrentAr, usd(400_000));
    assert.deepEqual(r.inputs.endingPastDueAr, usd(1_100_000));
    // 15,000 / 10,000 × 30 = 45; 4,000 / 10,000 × 30 = 12; 45 − 12 = 33.
    assert.equal(r.dso.days, 45);
    assert.equal(r.bestPossibleDso.days, 12);
    assert.equal(r.averageDaysDelinquent.days, 33);
    // 11,000 / 15,000 = 73.33%.
    assert.equal(r.pastDuePercent.percent, 73.3);
    // Beginning AR (03-31) = A1 + A2 = 11,000: (11,000 + 10,000 − 15,000) / (11,000 + 10,000 − 4,000)
    // = 6,000 / 17,000 = 35.29%.
    assert.deepEqual(r.inputs.beginningAr, { ...usd(1_100_000), asOf: '2026-03-31' });
    assert.equal(r.cei.percent, 35.3);
  });

  it('counts back through calendar months with their actual days, empty months included', async () => {
    const r = await service.kpis(addBooks.orgId, { from: '2026-04-01', to: '2026-04-30' });
    // 15,000 − April 10,000 → 30 days, 5,000 left; March has no sales → 31 days; February 6,000
    // > 5,000 → 5,000 / 6,000 × 28 = 23.33 days. 30 + 31 + 23.33 = 84.3.
    assert.equal(r.countBackDso.days, 84.3);
    assert.deepEqual(
      r.countBackDso.months.map((mo) => [
        mo.from,
        mo.to,
        mo.days,
        mo.creditSales.amount,
        mo.arCovered.amount,
        mo.daysCounted,
      ]),
      [
        ['2026-04-01', '2026-04-30', 30, 1_000_000, 1_000_000, 30],
        ['2026-03-01', '2026-03-31', 31, 0, 0, 31],
        ['2026-02-01', '2026-02-28', 28, 600_000, 500_000, 23.33],
      ],
    );
    assert.equal(r.countBackDso.lowerBound, false);
  });

  it('gives CEI 55.9% with sales ÷ N on the §4.6 three-month example', async () => {
    const r = await service.kpis(ceiBooks.orgId, { from: '2026-01-01', to: '2026-03-31' });
    assert.deepEqual(r.period, { from: '2026-01-01', to: '2026-03-31', days: 90, months: 3 });
    assert.deepEqual(r.inputs.beginningAr, { ...usd(620_000), asOf: '2025-12-31' });
    // 3,390 + 3,610 + 3,890 (the void invoice never counts)
    assert.deepEqual(r.inputs.creditSales, usd(1_089_000));
    assert.deepEqual(r.inputs.endingAr, { ...usd(634_000), asOf: '2026-03-31' });
    assert.deepEqual(r.inputs.endingCurrentAr, usd(359_000));
    // (6,200 + 10,890/3 − 6,340) / (6,200 + 3,630 − 3,590) = 3,490 / 6,240 = 55.93%
    assert.equal(r.cei.percent, 55.9);
    assert.equal(r.cei.months, 3);
    assert.deepEqual(r.cei.monthlyCreditSales, usd(363_000));
    // 6,340 / 10,890 × 90 = 52.40; 3,590 / 10,890 × 90 = 29.67; 52.397 − 29.669 = 22.73
    assert.equal(r.dso.days, 52.4);
    assert.equal(r.bestPossibleDso.days, 29.7);
    assert.equal(r.averageDaysDelinquent.days, 22.7);
    // 6,340 − March 3,890 → 31 days; 2,450 / February 3,610 × 28 = 19.00 → 50.0
    assert.equal(r.countBackDso.days, 50);
    // (1,000 + 1,750) / 6,340 = 43.38%
    assert.equal(r.pastDuePercent.percent, 43.4);
    assert.deepEqual(r.notes, []);
  });

  it('reports each of the last months as its own period', async () => {
    const trend = await service.trend(ceiBooks.orgId, { months: 3, through: '2026-03-31' });
    assert.deepEqual(
      trend.months.map((p) => [
        p.from,
        p.to,
        p.creditSales.amount,
        p.endingAr.amount,
        p.dso,
        p.countBackDso,
        p.bestPossibleDso,
        p.averageDaysDelinquent,
        p.cei,
        p.pastDuePercent,
      ]),
      [
        // January: sales 3,390, AR 3,390 all current (J). DSO = BPDSO = 31; CEI (6,200 + 3,390 − 3,390)
        // / (6,200 + 3,390 − 3,390) = 100%. Count-back: AR equals January's sales → 31 days.
        ['2026-01-01', '2026-01-31', 339_000, 339_000, 31, 31, 31, 0, 100, 0],
        // February: sales 3,610, AR 1,000 (J, past due) + 3,610 (F) = 4,610. DSO 4,610/3,610×28 = 35.76;
        // BPDSO 28; ADD 7.76; CEI (3,390 + 3,610 − 4,610) / (3,390 + 3,610 − 3,610) = 70.50%;
        // past due 1,000/4,610 = 21.69%. Count-back 28 + 1,000/3,390 × 31 = 37.14.
        ['2026-02-01', '2026-02-28', 361_000, 461_000, 35.8, 37.1, 28, 7.8, 70.5, 21.7],
        // March: sales 3,890, AR 6,340. DSO 6,340/3,890×31 = 50.52; BPDSO 3,590/3,890×31 = 28.61;
        // ADD 21.91; CEI (4,610 + 3,890 − 6,340) / (4,610 + 3,890 − 3,590) = 43.99%.
        ['2026-03-01', '2026-03-31', 389_000, 634_000, 50.5, 50, 28.6, 21.9, 44, 43.4],
      ],
    );
    const march = await service.kpis(ceiBooks.orgId, { from: '2026-03-01', to: '2026-03-31' });
    assert.equal(march.cei.percent, trend.months[2].cei);
    assert.equal(march.dso.days, trend.months[2].dso);
  });

  it('ends the trend with last month by default', async () => {
    const trend = await service.trend(ceiBooks.orgId, {});
    const lastMonthEnd = addDays(`${todayIn('UTC').slice(0, 7)}-01`, -1);
    assert.equal(trend.months.length, 6);
    assert.equal(trend.months[5].to, lastMonthEnd);
    assert.equal(trend.months[5].from, `${lastMonthEnd.slice(0, 7)}-01`);
    // Everything was collected by April 10 except F's 1,750.00.
    assert.deepEqual(trend.months[5].endingAr, usd(175_000));
  });

  it('converts sales and receivables at the rates of the period end', async () => {
    const r = await service.kpis(fxBooks.orgId, { from: '2026-03-01', to: '2026-03-31' });
    // €800.00 × 1.25 (03-20 rate, not 04-02's 2.00) = $1,000.00; plus $500.00.
    assert.deepEqual(r.inputs.creditSales, usd(150_000));
    // $1,000.00 + $200.00 left on U, all current.
    assert.deepEqual(r.inputs.endingAr, { ...usd(120_000), asOf: '2026-03-31' });
    assert.deepEqual(r.inputs.endingCurrentAr, usd(120_000));
    // 1,200 / 1,500 × 31 = 24.8; CEI (0 + 1,500 − 1,200) / (0 + 1,500 − 1,200) = 100%.
    assert.equal(r.dso.days, 24.8);
    assert.equal(r.bestPossibleDso.days, 24.8);
    assert.equal(r.averageDaysDelinquent.days, 0);
    assert.equal(r.cei.percent, 100);
    assert.equal(r.ratesAsOf, '2026-03-31');
    assert.deepEqual(
      r.exchangeRates.map((q) => [q.fromCurrency, q.rate, q.rateDate]),
      [['EUR', '1.25', '2026-03-20']],
    );
  });

  it('counts an invoice due on the last day of the period as current, not past due', async () => {
    const edge = await Books.create(db.dataSource);
    const customer = await edge.customer();
    // Due 03-31 exactly (not past due on 03-31) and due 03-30 (one day past due).
    await edge.invoice(customer, 10_000, '2026-03-01');
    await edge.invoice(customer, 30_000, '2026-02-28');
    const r = await service.kpis(edge.orgId, { from: '2026-03-01', to: '2026-03-31' });
    assert.deepEqual(r.inputs.endingCurrentAr, usd(10_000));
    assert.deepEqual(r.inputs.endingPastDueAr, usd(30_000));
    // 30,000 / 40,000
    assert.equal(r.pastDuePercent.percent, 75);
  });

  it('says a ratio is undefined rather than dividing by zero', async () => {
    // The §4.6 books had no sales and no AR in June 2026.
    const r = await service.kpis(ceiBooks.orgId, { from: '2025-06-01', to: '2025-06-30' });
    assert.equal(r.dso.days, null);
    assert.equal(r.bestPossibleDso.days, null);
    assert.equal(r.averageDaysDelinquent.days, null);
    assert.equal(r.cei.percent, null);
    assert.equal(r.pastDuePercent.percent, null);
    assert.equal(r.countBackDso.days, 0);
    assert.match(r.notes[0], /No credit sales/);
  });

  it('names the missing pair when a currency has no rate', async () => {
    const lonely = await Books.create(db.dataSource);
    await lonely.invoice(await lonely.customer({ currency: 'CHF' }), 10_000, '2026-03-01');
    await assert.rejects(
      service.kpis(lonely.orgId, { from: '2026-03-01', to: '2026-03-31' }),
      (error: unknown) => {
        assert.ok(error instanceof MissingExchangeRateError);
        assert.match(error.message, /CHF→USD/);
        return true;
      },
    );
  });

  it('answers impossible periods with a coded error', async () => {
    const today = todayIn('UTC');
    const bad = [
      { from: '2026-03-31', to: '2026-03-01' },
      { from: '2026-01-01', to: addDays(today, 1) },
      { from: '2024-01-01', to: '2025-12-31' },
      { from: '2026-13-01', to: '2026-12-31' },
      { from: '31/01/2026', to: '2026-03-31' },
    ];
    for (const period of bad) {
      await assert.rejects(
        service.kpis(addBooks.orgId, period),
        InvalidArgumentError,
        JSON.stringify(period),
      );
    }
    await assert.rejects(service.kpis(addBooks.orgId, bad[0]), /from \(2026-03-31\) is after to/);
    for (const query of [
      { months: 0 },
      { months: 25 },
      { months: 1.5 },
      { through: addDays(today, 1) },
      { through: 'May' },
    ]) {
      await assert.rejects(service.trend(addBooks.orgId, query), InvalidArgumentError, JSON.stringify(query));
    }
  });
});
