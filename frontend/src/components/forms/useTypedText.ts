import { useState } from 'react';
import { sameAnswer } from './formLogic';

/**
 * The text of an input whose value is stored in another form (cents typed as euros, numbers as
 * text). The text follows the value when it changes from outside (a merge, a conflict choice), and
 * is left alone while it already says the same thing (so typing "12," is not reformatted).
 */
export function useTypedText(value: unknown, format: (v: unknown) => string, matches: (text: string, v: unknown) => boolean) {
  const [text, setText] = useState(() => format(value));
  const [seen, setSeen] = useState<unknown>(value);
  if (!sameAnswer(seen, value)) {
    setSeen(value);
    if (!matches(text, value)) setText(format(value));
  }
  return [text, setText] as const;
}
