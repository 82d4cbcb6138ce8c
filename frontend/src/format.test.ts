import { formatDate, formatDateTime, formatMoney, formatTime } from './format';

// fr-FR groups thousands with a narrow no-break space and puts a no-break space before €.
const nnbsp = '\u202f';
const nbsp = '\u00a0';

describe('formatMoney', () => {
  it('formats integer cents as French euros', () => {
    expect(formatMoney(123456)).toBe(`1${nnbsp}234,56${nbsp}€`);
  });

  it('keeps two decimals for round amounts and groups millions', () => {
    expect(formatMoney(50000000)).toBe(`500${nnbsp}000,00${nbsp}€`);
    expect(formatMoney(123456789)).toBe(`1${nnbsp}234${nnbsp}567,89${nbsp}€`);
  });

  it('handles small, zero and negative amounts without float drift', () => {
    expect(formatMoney(5)).toBe(`0,05${nbsp}€`);
    expect(formatMoney(0)).toBe(`0,00${nbsp}€`);
    expect(formatMoney(-1999)).toBe(`-19,99${nbsp}€`);
    expect(formatMoney(1005)).toBe(`10,05${nbsp}€`);
  });

  it('returns an empty string for a non-number', () => {
    expect(formatMoney(Number.NaN)).toBe('');
  });
});

describe('dates in Europe/Paris', () => {
  it('runs in a zone other than Paris, so these tests prove the conversion', () => {
    // vite.config.ts sets TZ for the test workers.
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('Pacific/Auckland');
  });

  it('converts a UTC instant to Paris summer time (UTC+2)', () => {
    expect(formatDateTime('2027-03-31T15:00:00Z')).toBe('31/03/2027 à 17:00');
  });

  it('converts a UTC instant to Paris winter time (UTC+1)', () => {
    expect(formatDateTime('2026-12-01T08:00:00Z')).toBe('01/12/2026 à 09:00');
  });

  it('uses the Paris calendar day, not the UTC one', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(formatDate('2026-12-31T23:30:00Z')).toBe('01/01/2027');
    expect(formatTime('2026-12-31T23:30:00Z')).toBe('00:30');
  });

  it('uses a 24-hour clock', () => {
    expect(formatTime('2027-06-15T20:05:00Z')).toBe('22:05');
  });

  it('accepts Date objects and English wording', () => {
    expect(formatDateTime(new Date(Date.UTC(2027, 0, 5, 11, 0)), 'en')).toBe('05/01/2027 at 12:00');
  });

  it('returns an empty string for missing or invalid values', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });
});
