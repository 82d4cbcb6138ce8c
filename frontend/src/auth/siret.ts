// The identifier rules of the server (internal/domain/identifiers.go), repeated here so the form
// can say at once that a SIRET is mistyped. The server checks again; its message wins.

/** Removes the spaces, dots and dashes people type in identifiers, upper-cased. */
export function normalizeId(s: string): string {
  return s.replace(/[\s.\u00a0-]/g, '').toUpperCase();
}

function luhn(s: string): boolean {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = s.charCodeAt(s.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const laPosteSiren = '356000000';

/** The problem with a SIRET as a message key, or null when it is valid. */
export function siretProblem(raw: string): 'format' | 'checksum' | null {
  const s = normalizeId(raw);
  if (!/^\d{14}$/.test(s)) return 'format';
  if (s.startsWith(laPosteSiren)) {
    const sum = [...s].reduce((a, c) => a + Number(c), 0);
    return sum % 5 === 0 ? null : 'checksum';
  }
  return luhn(s) && luhn(s.slice(0, 9)) ? null : 'checksum';
}

/** The problem with an RNA number as a message key, or null when it is valid. */
export function rnaProblem(raw: string): 'format' | null {
  return /^W[0-9A-Z]{9}$/.test(normalizeId(raw)) ? null : 'format';
}
