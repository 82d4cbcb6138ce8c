import { mergeLocal, type Draft } from './useAutosave';

const d = (answers: Record<string, unknown>, title = 'T'): Draft => ({ title, answers, budget: { lines: [] } });

describe('mergeLocal', () => {
  it('keeps what was typed during the save and takes the server for the rest', () => {
    const sent = d({ titre: 'a', resume: 'x' });
    const local = d({ titre: 'ab', resume: 'x' }); // typed while saving
    const server = d({ titre: 'a', resume: 'x (co-éditeur)', publics: ['jeunes'] }, 'T2');
    expect(mergeLocal(sent, local, server)).toEqual({
      title: 'T2',
      answers: { titre: 'ab', resume: 'x (co-éditeur)', publics: ['jeunes'] },
      budget: { lines: [] },
    });
  });

  it('drops a key the server removed when the user did not touch it', () => {
    expect(mergeLocal(d({ a: 1 }), d({ a: 1 }), d({})).answers).toEqual({});
  });
});
