import { normalizeId, rnaProblem, siretProblem } from './siret';

describe('identifier checks', () => {
  it('accepts real-looking SIRETs typed with spaces and refuses typos', () => {
    expect(siretProblem('732 829 320 00074')).toBeNull();
    expect(siretProblem('51234567900025')).toBeNull();
    expect(siretProblem('73282932000075')).toBe('checksum');
    expect(siretProblem('7328293200007')).toBe('format');
    expect(siretProblem('7328293200007A')).toBe('format');
  });

  it('applies the La Poste exception (sum of digits divisible by 5)', () => {
    expect(siretProblem('35600000000010')).toBeNull();
    expect(siretProblem('35600000000011')).toBe('checksum');
  });

  it('checks RNA numbers: W and nine characters', () => {
    expect(rnaProblem('w931004512')).toBeNull();
    expect(rnaProblem('W93100451')).toBe('format');
    expect(normalizeId(' w93.100-4512 ')).toBe('W931004512');
  });
});
