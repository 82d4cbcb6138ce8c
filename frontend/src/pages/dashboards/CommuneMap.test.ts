import { colorClass } from './CommuneMap';

describe('map colour classes', () => {
  it('keep the lightest colour for communes without money and rank the others', () => {
    const thresholds = [250, 500, 750];
    expect(colorClass(0, thresholds)).toBe(0);
    expect(colorClass(1, thresholds)).toBe(1);
    expect(colorClass(251, thresholds)).toBe(2);
    expect(colorClass(600, thresholds)).toBe(3);
    expect(colorClass(1000, thresholds)).toBe(4);
  });
});
