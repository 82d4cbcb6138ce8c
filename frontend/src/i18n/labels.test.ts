import { humaniseCode } from './labels';

describe('humaniseCode', () => {
  it('turns an untranslated code into readable text', () => {
    expect(humaniseCode('transport_a_la_demande')).toBe('Transport a la demande');
    expect(humaniseCode('garage-solidaire')).toBe('Garage solidaire');
    expect(humaniseCode('')).toBe('');
  });
});
