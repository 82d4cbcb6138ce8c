// Display formats shared by every page. Amounts are integer cents end to end; dates are shown in
// Europe/Paris whatever the browser's time zone, because deadlines are legal Paris times.

/** The time zone every date and time is displayed in. */
export const displayTimeZone = 'Europe/Paris';

const money = new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: displayTimeZone,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

const timeFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: displayTimeZone,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Formats an integer amount of cents as French euros, e.g. 123456 → "1 234,56 €". */
export function formatMoney(cents: number): string {
  if (!Number.isFinite(cents)) return '';
  // Split into whole euros and cents with integer arithmetic so no float rounding leaks in.
  const sign = cents < 0 ? -1 : 1;
  const abs = Math.abs(Math.trunc(cents));
  const euros = Math.floor(abs / 100);
  const rest = abs % 100;
  return money.format(sign * (euros + rest / 100));
}

type DateInput = string | number | Date | null | undefined;

function toDate(value: DateInput): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function parts(format: Intl.DateTimeFormat, d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of format.formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** Formats an instant as a Paris calendar date "dd/mm/yyyy"; "" for a missing or invalid value. */
export function formatDate(value: DateInput): string {
  const d = toDate(value);
  if (!d) return '';
  const p = parts(dateFormat, d);
  return `${p.day}/${p.month}/${p.year}`;
}

/** Formats an instant as a Paris wall-clock time "HH:mm"; "" for a missing or invalid value. */
export function formatTime(value: DateInput): string {
  const d = toDate(value);
  if (!d) return '';
  const p = parts(timeFormat, d);
  return `${p.hour}:${p.minute}`;
}

const dateTimeJoiners = { fr: 'à', en: 'at' } as const;

/**
 * Formats an instant as "dd/mm/yyyy à HH:mm" in Paris time ("at" in English);
 * "" for a missing or invalid value.
 */
export function formatDateTime(value: DateInput, lang: keyof typeof dateTimeJoiners = 'fr'): string {
  const d = toDate(value);
  if (!d) return '';
  return `${formatDate(d)} ${dateTimeJoiners[lang]} ${formatTime(d)}`;
}
