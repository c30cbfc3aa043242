/**
 * Customer score bands by average days beyond terms, after Tesorio's Customer Collection Score
 * (domain.md §4.8: 0–15 Great, 15–45 Good, 45–90 Poor, >90 Risk). The published ranges share their
 * ends; here each band includes its upper end, so 15.0 is Great, 15.1 Good, 90.0 Poor, 90.1 Risk
 * (the average is rounded to one decimal first, as it is shown).
 */
export type ScoreBand = 'great' | 'good' | 'poor' | 'risk' | 'no_history';

export const SCORE_BANDS: ReadonlyArray<{
  band: Exclude<ScoreBand, 'no_history'>;
  upTo: number;
  label: string;
}> = [
  { band: 'great', upTo: 15, label: 'Great: at most 15 days beyond terms on average' },
  { band: 'good', upTo: 45, label: 'Good: more than 15, at most 45 days beyond terms on average' },
  { band: 'poor', upTo: 90, label: 'Poor: more than 45, at most 90 days beyond terms on average' },
  { band: 'risk', upTo: Infinity, label: 'Risk: more than 90 days beyond terms on average' },
];

export function scoreBand(averageDaysBeyondTerms: number | null): ScoreBand {
  if (averageDaysBeyondTerms === null) return 'no_history';
  return SCORE_BANDS.find((b) => averageDaysBeyondTerms <= b.upTo)?.band ?? 'risk';
}

export function scoreBandLabel(band: ScoreBand): string {
  return SCORE_BANDS.find((b) => b.band === band)?.label ?? 'No invoice paid in the lookback window';
}
