import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { vi } from 'vitest';
import type { Answers, Budget, FormSchema } from '../../api/forms';
import { jsonResponse } from '../../test/render';
import { BudgetTable } from './BudgetTable';
import { FormRenderer } from './FormRenderer';

const schema: FormSchema = {
  fields: [
    { key: 'payant', type: 'yes_no', label: 'Projet payant ?' },
    { key: 'montant', type: 'money', label: 'Montant de la participation', show_if: { field: 'payant', equals: true } },
    {
      key: 'actions',
      type: 'repeatable',
      label: 'Actions',
      fields: [{ key: 'intitule', type: 'short_text', label: 'Action', required: true }],
    },
  ],
};

function wrap(ui: React.ReactNode) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={qc}>{ui}</QueryClientProvider>);
}

function Harness({ onAnswers }: { onAnswers: (a: Answers) => void }) {
  const [answers, setAnswers] = useState<Answers>({});
  return (
    <FormRenderer
      schema={schema}
      answers={answers}
      onChange={(a) => {
        setAnswers(a);
        onAnswers(a);
      }}
      errors={{ 'answers.actions[0].intitule': 'Ce champ est obligatoire.' }}
    />
  );
}

describe('FormRenderer', () => {
  it('shows a conditional field live, stores euros as cents, and adds rows with their errors', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse({ items: [] })));
    let last: Answers = {};
    wrap(<Harness onAnswers={(a) => (last = a)} />);
    expect(screen.queryByLabelText(/Montant de la participation/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Oui'));
    await userEvent.type(screen.getByLabelText(/Montant de la participation/), '12,5');
    expect(last.montant).toBe(1250);
    await userEvent.click(screen.getByRole('button', { name: 'Ajouter une ligne : Actions' }));
    const action = screen.getByLabelText(/^Action/);
    expect(action).toHaveAccessibleDescription('Ce champ est obligatoire.');
    await userEvent.type(action, 'Atelier');
    expect(last.actions).toEqual([{ intitule: 'Atelier' }]);
    await userEvent.click(screen.getByLabelText('Non'));
    expect(screen.queryByLabelText(/Montant de la participation/)).not.toBeInTheDocument();
  });
});

describe('BudgetTable', () => {
  it('computes the totals and names the gap in euros', async () => {
    const chart = {
      accounts: [
        { code: '60', label: 'Achats', kind: 'charge' },
        { code: '74', label: "Subventions d'exploitation", kind: 'product' },
        { code: '75', label: 'Autres produits', kind: 'product' },
      ],
      funders: [{ code: 'departement_93', label: 'Département de la Seine-Saint-Denis' }],
      field_types: [],
      document_types: [],
    };
    vi.stubGlobal('fetch', vi.fn(async (url: string) => jsonResponse(url.includes('chart') ? chart : { items: [] })));
    const budget: Budget = {
      lines: [
        { account: '60', label: 'Vélos', amount_cents: 100000 },
        { account: '74', label: 'Subvention', funder: 'departement_93', amount_cents: 70000 },
      ],
    };
    wrap(<BudgetTable budget={budget} maxRequestedCents={50000} maxShareBP={0} />);
    expect(await screen.findByText(/les charges dépassent les produits de 300,00/)).toBeInTheDocument();
    expect(screen.getByText(/dépasse le plafond de l'appel/)).toBeInTheDocument();
  });
});
