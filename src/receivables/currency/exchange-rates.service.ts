import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InvalidArgumentError, RuleViolationError } from '../../common/errors/app-error';
import { parseIsoDate } from '../shared/calendar';

/** The rate used to turn one currency into another, so a converted figure can be checked. */
export interface ExchangeRateQuote {
  fromCurrency: string;
  toCurrency: string;
  /** Units of toCurrency for 1 unit of fromCurrency, as a decimal string (up to 10 decimals). */
  rate: string;
  /** Date of the stored rate (the latest on or before the requested date); null for same currency. */
  rateDate: string | null;
  /** True when only the opposite pair was stored and its reciprocal was used. */
  inverted: boolean;
}

/** A stored pair is missing: figures in the target currency cannot be produced until one is added. */
export class MissingExchangeRateError extends RuleViolationError {
  constructor(pairs: Array<{ from: string; to: string }>, onOrBefore: string) {
    const names = pairs.map((p) => `${p.from}→${p.to}`).join(', ');
    super(
      `No exchange rate for ${names} (nor the inverse) on or before ${onOrBefore}: ` +
        `record the missing rate${pairs.length > 1 ? 's' : ''}, or ask for a date on which one exists.`,
      { missingPairs: pairs.map((p) => `${p.from}/${p.to}`), onOrBefore },
    );
  }
}

const CURRENCY = /^[A-Z]{3}$/;
const RATE_SCALE_DIGITS = 10;

// Building an Intl.NumberFormat costs tens of microseconds; reports convert thousands of cells.
const minorUnitCache = new Map<string, number>();

/**
 * Minor-unit digits of an ISO-4217 currency (USD 2, JPY 0, BHD 3), from the ICU data Node ships;
 * codes ICU does not know get the common 2.
 */
export function minorUnitDigits(currency: string): number {
  let digits = minorUnitCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorUnitCache.set(currency, digits);
  }
  return digits;
}

export function assertCurrencyCode(value: string, field: string): string {
  if (!CURRENCY.test(value)) {
    throw new InvalidArgumentError(
      `${field} must be a three-letter ISO-4217 code such as "USD"; got "${value}".`,
      {
        field,
      },
    );
  }
  return value;
}

/** An exact rational rate: to = from × numerator ÷ denominator (in major units). */
export interface RationalRate {
  numerator: bigint;
  denominator: bigint;
}

/** Parses a stored numeric(20,10) rate ("1.0850000000") into an exact fraction. */
export function parseRate(rate: string): RationalRate {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) throw new Error(`Malformed exchange rate "${rate}"`);
  const decimals = match[2] ?? '';
  return { numerator: BigInt(match[1] + decimals), denominator: 10n ** BigInt(decimals.length) };
}

function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (2n * d);
  return negative ? -quotient : quotient;
}

/**
 * Converts integer minor units exactly (BigInt arithmetic, one rounding, half away from zero),
 * accounting for the two currencies' minor-unit digits (USD cents → JPY yen).
 */
export function convertMinorUnits(
  amount: number,
  fromDigits: number,
  toDigits: number,
  rate: RationalRate,
): number {
  if (!Number.isSafeInteger(amount))
    throw new Error(`Amount ${amount} is not an integer number of minor units`);
  const numerator = BigInt(amount) * rate.numerator * 10n ** BigInt(toDigits);
  const denominator = rate.denominator * 10n ** BigInt(fromDigits);
  return Number(divideRoundHalfAwayFromZero(numerator, denominator));
}

function formatRate(rate: RationalRate): string {
  const scaled = divideRoundHalfAwayFromZero(
    rate.numerator * 10n ** BigInt(RATE_SCALE_DIGITS),
    rate.denominator,
  );
  const digits = scaled.toString().padStart(RATE_SCALE_DIGITS + 1, '0');
  const whole = digits.slice(0, -RATE_SCALE_DIGITS);
  const fraction = digits.slice(-RATE_SCALE_DIGITS).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

interface ResolvedRate {
  rate: RationalRate;
  quote: ExchangeRateQuote;
}

/** Converts amounts of several currencies into one target currency at rates fixed for one date. */
export class CurrencyConverter {
  constructor(
    readonly toCurrency: string,
    readonly onOrBefore: string,
    private readonly rates: ReadonlyMap<string, ResolvedRate>,
  ) {}

  /** Whether amounts of `currency` can be converted (a rate was loaded, or it is the target). */
  covers(currency: string): boolean {
    return currency === this.toCurrency || this.rates.has(currency);
  }

  /** `amount` minor units of `fromCurrency` in minor units of the target currency. */
  convert(amount: number, fromCurrency: string): number {
    if (fromCurrency === this.toCurrency) return amount;
    const resolved = this.rates.get(fromCurrency);
    if (!resolved)
      throw new MissingExchangeRateError([{ from: fromCurrency, to: this.toCurrency }], this.onOrBefore);
    return convertMinorUnits(
      amount,
      minorUnitDigits(fromCurrency),
      minorUnitDigits(this.toCurrency),
      resolved.rate,
    );
  }

  /**
   * Value of one minor unit of `fromCurrency` in target minor units, as a float: only for
   * weighting (e.g. amount-weighted averages), never for reported money.
   */
  weight(fromCurrency: string): number {
    if (fromCurrency === this.toCurrency) return 1;
    const resolved = this.rates.get(fromCurrency);
    if (!resolved)
      throw new MissingExchangeRateError([{ from: fromCurrency, to: this.toCurrency }], this.onOrBefore);
    const digits = minorUnitDigits(this.toCurrency) - minorUnitDigits(fromCurrency);
    return (Number(resolved.rate.numerator) / Number(resolved.rate.denominator)) * 10 ** digits;
  }

  /** The rates used, one per source currency other than the target, sorted by currency. */
  quotes(): ExchangeRateQuote[] {
    return [...this.rates.values()]
      .map((r) => r.quote)
      .sort((a, b) => a.fromCurrency.localeCompare(b.fromCurrency));
  }
}

interface RateRow {
  fromCurrency: string;
  toCurrency: string;
  rateDate: string;
  rate: string;
}

/**
 * Exchange rates of an organization (exchange_rates: 1 from = rate to, on rate_date). A conversion
 * on date D uses the latest stored rate on or before D; if only the opposite pair is stored, its
 * reciprocal is used; when both exist the more recent wins, the direct pair on a tie.
 */
@Injectable()
export class ExchangeRatesService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A converter into `toCurrency` for every currency in `fromCurrencies`, at rates on or before
   * `onOrBefore`. Fails naming every missing pair, so one answer tells what to record.
   */
  async converter(
    orgId: string,
    toCurrency: string,
    fromCurrencies: Iterable<string>,
    onOrBefore: string,
  ): Promise<CurrencyConverter> {
    assertCurrencyCode(toCurrency, 'currency');
    parseIsoDate(onOrBefore, 'onOrBefore');
    const wanted = [...new Set(fromCurrencies)].filter((c) => c !== toCurrency).sort();
    wanted.forEach((c) => assertCurrencyCode(c, 'currency'));
    const rates = new Map<string, ResolvedRate>();
    if (wanted.length === 0) return new CurrencyConverter(toCurrency, onOrBefore, rates);

    // One row per stored direction: the primary key (org_id, from, to, rate_date) makes this a
    // short backward index scan per pair.
    const rows = await this.dataSource.query<RateRow[]>(
      `SELECT DISTINCT ON (from_currency, to_currency)
              from_currency AS "fromCurrency", to_currency AS "toCurrency",
              rate_date::text AS "rateDate", rate::text AS rate
         FROM exchange_rates
        WHERE org_id = $1 AND rate_date <= $2
          AND ((from_currency = ANY($3::bpchar[]) AND to_currency = $4)
            OR (from_currency = $4 AND to_currency = ANY($3::bpchar[])))
        ORDER BY from_currency, to_currency, rate_date DESC`,
      [orgId, onOrBefore, wanted, toCurrency],
    );
    const missing: Array<{ from: string; to: string }> = [];
    for (const currency of wanted) {
      const direct = rows.find((r) => r.fromCurrency === currency && r.toCurrency === toCurrency);
      const inverse = rows.find((r) => r.fromCurrency === toCurrency && r.toCurrency === currency);
      const useInverse =
        inverse !== undefined && (direct === undefined || inverse.rateDate > direct.rateDate);
      const chosen = useInverse ? inverse : direct;
      if (!chosen) {
        missing.push({ from: currency, to: toCurrency });
        continue;
      }
      const stored = parseRate(chosen.rate);
      const rate = useInverse ? { numerator: stored.denominator, denominator: stored.numerator } : stored;
      rates.set(currency, {
        rate,
        quote: {
          fromCurrency: currency,
          toCurrency,
          rate: formatRate(rate),
          rateDate: chosen.rateDate,
          inverted: useInverse,
        },
      });
    }
    if (missing.length > 0) throw new MissingExchangeRateError(missing, onOrBefore);
    return new CurrencyConverter(toCurrency, onOrBefore, rates);
  }

  /** The rate from one currency to another on or before a date. */
  async quote(
    orgId: string,
    fromCurrency: string,
    toCurrency: string,
    onOrBefore: string,
  ): Promise<ExchangeRateQuote> {
    assertCurrencyCode(fromCurrency, 'fromCurrency');
    if (fromCurrency === toCurrency) {
      assertCurrencyCode(toCurrency, 'toCurrency');
      return { fromCurrency, toCurrency, rate: '1', rateDate: null, inverted: false };
    }
    const converter = await this.converter(orgId, toCurrency, [fromCurrency], onOrBefore);
    return converter.quotes()[0];
  }

  /** Converts `amount` minor units of `fromCurrency` into `toCurrency` at the rate on or before a date. */
  async convert(
    orgId: string,
    amount: number,
    fromCurrency: string,
    toCurrency: string,
    onOrBefore: string,
  ): Promise<{ amount: number; currency: string; rate: ExchangeRateQuote }> {
    if (!Number.isSafeInteger(amount)) {
      throw new InvalidArgumentError(`amount must be a whole number of minor units; got ${amount}.`, {
        field: 'amount',
      });
    }
    assertCurrencyCode(fromCurrency, 'fromCurrency');
    const converter = await this.converter(orgId, toCurrency, [fromCurrency], onOrBefore);
    const rate = converter.quotes()[0] ?? {
      fromCurrency,
      toCurrency,
      rate: '1',
      rateDate: null,
      inverted: false,
    };
    return { amount: converter.convert(amount, fromCurrency), currency: toCurrency, rate };
  }
}
