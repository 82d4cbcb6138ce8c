// The rules of the form shared with the server (internal/domain/form.go): which fields show for
// given answers, and how amounts are typed in euros but stored in cents.
import type { Answers, Condition, FormField, FormSchema } from '../../api/forms';

/** Deep equality over decoded JSON, numbers by value. */
export function sameAnswer(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' && typeof b === 'number' && a === b;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameAnswer(x, b[i]));
  }
  if (typeof a === 'object') {
    if (typeof b !== 'object' || Array.isArray(b)) return false;
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => sameAnswer((a as Answers)[k], (b as Answers)[k]));
  }
  return a === b;
}

/** Whether a condition holds for an answer (any ticked option of a multiple choice counts). */
export function conditionMatches(c: Condition, answer: unknown): boolean {
  if (answer === null || answer === undefined) return false;
  const candidates = c.in && c.in.length > 0 ? c.in : [c.equals];
  const values = Array.isArray(answer) ? answer : [answer];
  return values.some((v) => candidates.some((w) => sameAnswer(v, w)));
}

/** The top-level fields shown for these answers, and which keys are shown (hiding cascades). */
export function visibleTop(schema: FormSchema, answers: Answers): { fields: FormField[]; shown: Record<string, boolean> } {
  const shown: Record<string, boolean> = {};
  const fields: FormField[] = [];
  for (const f of schema.fields) {
    if (f.key in shown) continue;
    const ok = !f.show_if || (!!shown[f.show_if.field] && conditionMatches(f.show_if, answers[f.show_if.field]));
    shown[f.key] = ok;
    if (ok) fields.push(f);
  }
  return { fields, shown };
}

/** The columns of a repeatable block shown for one of its rows. */
export function visibleRow(block: FormField, topShown: Record<string, boolean>, answers: Answers, row: Answers): FormField[] {
  const siblings = new Set((block.fields ?? []).map((f) => f.key));
  const shown: Record<string, boolean> = {};
  const out: FormField[] = [];
  for (const f of block.fields ?? []) {
    if (f.key in shown) continue;
    let ok = true;
    const c = f.show_if;
    if (c) {
      ok = siblings.has(c.field)
        ? !!shown[c.field] && conditionMatches(c, row[c.field])
        : !!topShown[c.field] && conditionMatches(c, answers[c.field]);
    }
    shown[f.key] = ok;
    if (ok) out.push(f);
  }
  return out;
}

/** Formats cents for an input the French way, without the euro sign: 123456 → "1234,56". */
export function centsToInput(cents: unknown): string {
  if (typeof cents !== 'number' || !Number.isFinite(cents)) return typeof cents === 'string' ? cents : '';
  const neg = cents < 0;
  const abs = Math.abs(Math.trunc(cents));
  const euros = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${neg ? '-' : ''}${euros}${rest ? `,${String(rest).padStart(2, '0')}` : ''}`;
}

/** Reads "1 234,5", "1234.50" or "1234 €" into cents; null when it is not an amount. */
export function inputToCents(text: string): number | null {
  const clean = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d{0,2})?$/.test(clean)) return null;
  const [whole, frac = ''] = clean.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  if (!Number.isSafeInteger(cents)) return null;
  return clean.startsWith('-') ? -cents : cents;
}

/** Turns a server path ("answers.actions[2].tarif") into the id of the input showing it. */
export function pathId(path: string): string {
  return `f-${path.replace(/[^a-zA-Z0-9_]+/g, '-')}`;
}

/** Indexes field errors by path: the first message wins. */
export function errorsByPath(errors: { field: string; detail: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) if (!(e.field in out)) out[e.field] = e.detail;
  return out;
}

/** Reads the field path a submit blocker names at its end: "Ce champ est obligatoire. (answers.titre)". */
export function blockerPath(message: string): { path: string; text: string } | null {
  const m = /^(.*) \(((?:answers|budget)[^()]*)\)$/.exec(message);
  return m ? { text: m[1]!, path: m[2]! } : null;
}
