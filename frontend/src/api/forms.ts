// Types of a call's application form, its answers and the CERFA budget, as the Go domain defines them.

/** The field types of the form builder (domain.FieldTypes). */
export const fieldTypes = [
  'short_text',
  'long_text',
  'integer',
  'money',
  'date',
  'single_choice',
  'multiple_choice',
  'yes_no',
  'email',
  'phone',
  'siret',
  'commune',
  'address',
  'file',
  'section',
  'repeatable',
] as const;

/** One field type. */
export type FieldType = (typeof fieldTypes)[number];

/** One choice of a single or multiple choice field. */
export interface FieldOption {
  value: string;
  label: string;
}

/** Shows a field only when an earlier field's answer equals a value (or one of several). */
export interface Condition {
  field: string;
  equals?: unknown;
  in?: unknown[];
}

/** One question, section header or repeatable block. */
export interface FormField {
  key: string;
  type: FieldType | string;
  label: string;
  help?: string;
  required?: boolean;
  /** Bounds: text length, integer or money value (cents), count of choices, rows or files. */
  min?: number | null;
  max?: number | null;
  min_date?: string;
  max_date?: string;
  options?: FieldOption[];
  fields?: FormField[];
  show_if?: Condition | null;
}

/** A call's application form. */
export interface FormSchema {
  fields: FormField[];
}

/** Answers as stored: keys of top-level fields; repeatable blocks hold lists of rows. */
export type Answers = Record<string, unknown>;

/** One line of the budget. */
export interface BudgetLine {
  account: string;
  label: string;
  amount_cents: number;
  funder?: string;
}

/** A CERFA 12156 budget. */
export interface Budget {
  lines: BudgetLine[];
}

/** A heading of the chart of accounts. */
export interface Account {
  code: string;
  label: string;
  kind: 'charge' | 'product' | 'in_kind_use' | 'in_kind_contribution';
}

/** A co-funder of account 74. */
export interface FunderKind {
  code: string;
  label: string;
  detail?: 'insee' | 'text';
}

/** A document the applicant must or may attach. */
export interface DocumentSlot {
  key: string;
  label: string;
  types: string[];
  max_bytes: number;
  mandatory: boolean;
}

/** A commune of the 93. */
export interface Commune {
  insee: string;
  name: string;
  ept_code: string;
  ept_name: string;
}

/** A field error from the server (JSON path such as "answers.actions[2].amount"). */
export interface PathError {
  field: string;
  code: string;
  detail: string;
}
