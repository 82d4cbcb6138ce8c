import { blockerPath, centsToInput, inputToCents, visibleRow, visibleTop } from './formLogic';
import type { FormSchema } from '../../api/forms';

const schema: FormSchema = {
  fields: [
    { key: 'cofinancement', type: 'yes_no', label: 'Cofinancé ?' },
    { key: 'montant', type: 'money', label: 'Montant', show_if: { field: 'cofinancement', equals: true } },
    { key: 'detail', type: 'short_text', label: 'Détail', show_if: { field: 'montant', equals: 100 } },
    { key: 'publics', type: 'multiple_choice', label: 'Publics', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
    {
      key: 'actions',
      type: 'repeatable',
      label: 'Actions',
      fields: [
        { key: 'payante', type: 'yes_no', label: 'Payante' },
        { key: 'tarif', type: 'money', label: 'Tarif', show_if: { field: 'payante', equals: true } },
        { key: 'jeunes', type: 'short_text', label: 'Jeunes', show_if: { field: 'publics', in: ['b'] } },
      ],
    },
  ],
};

describe('form visibility', () => {
  it('shows a conditional field live and cascades hiding', () => {
    expect(visibleTop(schema, {}).fields.map((f) => f.key)).toEqual(['cofinancement', 'publics', 'actions']);
    expect(visibleTop(schema, { cofinancement: true, montant: 100 }).fields.map((f) => f.key)).toEqual([
      'cofinancement',
      'montant',
      'detail',
      'publics',
      'actions',
    ]);
    // "No" hides the amount, and so the question that depends on it.
    expect(visibleTop(schema, { cofinancement: false, montant: 100 }).fields.map((f) => f.key)).not.toContain('detail');
  });

  it('decides row columns from the row and from earlier top-level answers', () => {
    const block = schema.fields[4]!;
    const answers = { publics: ['a', 'b'] };
    const { shown } = visibleTop(schema, answers);
    expect(visibleRow(block, shown, answers, { payante: true }).map((f) => f.key)).toEqual(['payante', 'tarif', 'jeunes']);
    expect(visibleRow(block, shown, { publics: ['a'] }, { payante: false }).map((f) => f.key)).toEqual(['payante']);
  });
});

describe('amounts', () => {
  it('types euros and stores integer cents', () => {
    expect(inputToCents('1 234,56')).toBe(123456);
    expect(inputToCents('1234.5')).toBe(123450);
    expect(inputToCents('12 €')).toBe(1200);
    expect(inputToCents('12,345')).toBeNull();
    expect(inputToCents('douze')).toBeNull();
    expect(centsToInput(123456)).toBe('1234,56');
    expect(centsToInput(120000)).toBe('1200');
    expect(centsToInput(5)).toBe('0,05');
  });

  it('reads the field a submit blocker names', () => {
    expect(blockerPath('Ce champ est obligatoire. (answers.actions[0].tarif)')).toEqual({
      text: 'Ce champ est obligatoire.',
      path: 'answers.actions[0].tarif',
    });
    expect(blockerPath('Le dossier doit contenir : RIB.')).toBeNull();
  });
});
