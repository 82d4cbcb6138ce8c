import { formatDay, formatScore, parseEuros } from './api';

describe('review and committee formats', () => {
  it('reads euros the way people type them', () => {
    expect(parseEuros('12000')).toBe(1_200_000);
    expect(parseEuros('12 000,50 €')).toBe(1_200_050);
    expect(parseEuros('12\u202f000')).toBe(1_200_000);
    expect(parseEuros('')).toBeNull();
    expect(parseEuros('-5')).toBeNull();
    expect(parseEuros('1,234')).toBeNull();
    expect(parseEuros('douze')).toBeNull();
  });

  it('shows scores with two decimals and days the French way', () => {
    expect(formatScore(4.2)).toBe('4,20');
    expect(formatScore(null)).toBe('—');
    expect(formatScore(Number.NaN)).toBe('—');
    expect(formatDay('2027-03-12')).toBe('12/03/2027');
    expect(formatDay('bientôt')).toBe('bientôt');
  });
});
