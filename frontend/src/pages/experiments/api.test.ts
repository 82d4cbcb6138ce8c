import { centsToInput, parseEuros } from './api';

describe('amounts typed in French', () => {
  it('parse into cents without floats', () => {
    expect(parseEuros('1 234,56')).toBe(123456);
    expect(parseEuros('1234.5')).toBe(123450);
    expect(parseEuros('12 000 €')).toBe(1200000);
    expect(parseEuros('-5')).toBe(-500);
    expect(parseEuros('')).toBeNull();
    expect(parseEuros('douze')).toBeNaN();
    expect(parseEuros('1,234')).toBeNaN();
  });

  it('round-trip through the input format', () => {
    for (const c of [0, 1, 99, 100, 123456, 1800000]) expect(parseEuros(centsToInput(c))).toBe(c);
    expect(centsToInput(null)).toBe('');
  });
});
