import { eurosToCents, exportUrl, filtersQuery, type InstructionFilters } from './api';

const none: InstructionFilters = { q: '', call: '', state: '', commune: '', public: '', direction: '', min_cents: '', max_cents: '', sort: '' };

describe('instruction filters', () => {
  it('reads euros typed the French way', () => {
    expect(eurosToCents('12 500')).toBe(1250000);
    expect(eurosToCents('12500,5')).toBe(1250050);
    expect(eurosToCents('1\u202f000 €')).toBe(100000);
    expect(eurosToCents('')).toBeNull();
    expect(eurosToCents('douze')).toBeNaN();
    expect(eurosToCents('-3')).toBeNaN();
    expect(eurosToCents('1,234')).toBeNaN();
  });
  it('sends only the filters that are set, the same to the list and the export', () => {
    const f = { ...none, q: 'vélo solidaire', state: 'submitted', min_cents: '100000' };
    expect(filtersQuery(f).toString()).toBe('q=v%C3%A9lo+solidaire&state=submitted&min_cents=100000');
    expect(exportUrl(f)).toBe('/api/v1/instruction/applications/export?q=v%C3%A9lo+solidaire&state=submitted&min_cents=100000');
    expect(exportUrl(none)).toBe('/api/v1/instruction/applications/export');
  });
});
