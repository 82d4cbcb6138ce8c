import fr from './fr.json';
import en from './en.json';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).sort();
}

function lookup(obj: object, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

describe('translation catalogues', () => {
  it('have the same keys in French and English', () => {
    expect(keys(en).sort()).toEqual(keys(fr).sort());
  });

  it('use the same placeholders in both languages, and no empty string', () => {
    for (const k of keys(fr)) {
      const f = lookup(fr, k) as string;
      const e = lookup(en, k) as string;
      expect(f, k).not.toBe('');
      expect(e, k).not.toBe('');
      expect(placeholders(e), k).toEqual(placeholders(f));
    }
  });
});
