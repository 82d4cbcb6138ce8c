package domain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

// budgetBalanced is a small balanced project budget: 12 000 € of charges,
// 12 000 € of products of which 8 000 € asked of the Département, and
// 1 500 € of volunteering on both sides.
func budgetBalanced() domain.Budget {
	return domain.Budget{Lines: []domain.BudgetLine{
		{Account: "60", Label: "Petit matériel", Amount: domain.Euros(2000)},
		{Account: "64", Label: "Moniteur (0,5 ETP)", Amount: domain.Euros(10000)},
		{Account: "70", Label: "Participation des bénéficiaires", Amount: domain.Euros(1000)},
		{Account: "74", Funder: domain.FunderDepartement, Amount: domain.Euros(8000)},
		{Account: "74", Funder: "france_travail", Amount: domain.Euros(2000)},
		{Account: "74", Funder: "commune:93066", Label: "Saint-Denis", Amount: domain.Euros(1000)},
		{Account: "86", Label: "Personnel bénévole", Amount: domain.Euros(1500)},
		{Account: "87", Label: "Bénévolat", Amount: domain.Euros(1500)},
	}}
}

func TestBudgetTotals(t *testing.T) {
	t.Parallel()
	b := budgetBalanced()
	b.Lines = append(b.Lines, domain.BudgetLine{Account: "99", Amount: domain.Euros(5)})
	require.Equal(t, domain.BudgetTotals{
		Charges:             domain.Euros(12000),
		Products:            domain.Euros(12000),
		InKindUses:          domain.Euros(1500),
		InKindContributions: domain.Euros(1500),
		Requested:           domain.Euros(8000),
	}, b.Totals(), "an unknown account counts nowhere")
	require.True(t, b.Balanced())
	require.Zero(t, b.Gap())
	require.Zero(t, b.InKindGap())

	b.Lines[0].Amount += 50 // charges now exceed products by 0,50 €
	require.False(t, b.Balanced())
	require.Equal(t, domain.Money(50), b.Gap())

	require.False(t, domain.Budget{}.Balanced(), "an empty budget balances nothing")
	b = budgetBalanced()
	b.Lines[6].Amount = 0
	require.False(t, b.Balanced(), "contributions in kind must balance too")
	require.Equal(t, domain.Euros(-1500), b.InKindGap())
}

func TestBudgetValidateAcceptsABalancedBudget(t *testing.T) {
	t.Parallel()
	b := budgetBalanced()
	require.NoError(t, b.Validate(domain.ModeSubmit, domain.BudgetRules{MaxRequested: domain.Euros(30000), MaxShareBP: 8000}))
	require.NoError(t, b.Validate(domain.ModeDraft, domain.BudgetRules{}))
	require.NoError(t, domain.Budget{}.Validate(domain.ModeDraft, domain.BudgetRules{}), "an empty draft budget autosaves")

	b.Lines = append(b.Lines,
		domain.BudgetLine{Account: "74", Funder: "autre:Fondation de France", Amount: 0},
		domain.BudgetLine{Account: "74", Funder: "commune:93008", Amount: 0},
	)
	require.NoError(t, b.Validate(domain.ModeSubmit, domain.BudgetRules{}), "one line per commune, per other funder")
}

func TestBudgetValidateRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                 string
		mode                 domain.AnswerMode
		rules                domain.BudgetRules
		change               func(b *domain.Budget)
		path, code, fragment string
	}{
		// Line rules: checked in both modes.
		{"unknown account", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[0].Account = "69" },
			"budget.lines[0].account", "account_unknown", "Compte inconnu : «\u00a069\u00a0»"},
		{"negative amount", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[1].Amount = -1 },
			"budget.lines[1].amount", "amount_negative", "ne peut pas être négatif"},
		{"absurd amount", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[1].Amount = 1 << 62 },
			"budget.lines[1].amount", "amount_too_large", "limite de 10\u202f000\u202f000\u202f000,00\u00a0€"},
		{"subsidy without funder", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[4].Funder = " " },
			"budget.lines[4].funder", "funder_required", "une ligne par financeur"},
		{"funder on a charge", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[0].Funder = "caf" },
			"budget.lines[0].funder", "funder_not_allowed", "compte 74"},
		{"unknown funder", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[4].Funder = "pole_emploi" },
			"budget.lines[4].funder", "funder_unknown", "Financeur inconnu : «\u00a0pole_emploi\u00a0»"},
		{"commune without INSEE code", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[5].Funder = "commune:Saint-Denis" },
			"budget.lines[5].funder", "funder_unknown", "code INSEE"},
		{"other funder without a name", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[5].Funder = "autre: " },
			"budget.lines[5].funder", "funder_unknown", "Nommez le financeur"},
		{"same funder twice", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[5].Funder = "france_travail" },
			"budget.lines[5].funder", "funder_duplicate", "France Travail figure déjà à la ligne n°\u00a05"},
		{"same other funder with other spacing", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) {
			b.Lines = append(b.Lines, domain.BudgetLine{Account: "74", Funder: "autre:Fondation X"}, domain.BudgetLine{Account: "74", Funder: "autre: fondation  x"})
		}, "budget.lines[9].funder", "funder_duplicate", "ligne n°\u00a09"},
		{"label too long", domain.ModeDraft, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[0].Label = strings.Repeat("é", 201) },
			"budget.lines[0].label", "label_too_long", "200 caractères"},

		// Totals: only on submission.
		{"charges exceed products", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[1].Amount += domain.Euros(500) },
			"budget", "unbalanced", "Le budget n'est pas équilibré : les charges (12\u202f500,00\u00a0€) dépassent les produits (12\u202f000,00\u00a0€) de 500,00\u00a0€."},
		{"products exceed charges", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[2].Amount += 1 },
			"budget", "unbalanced", "les produits (12\u202f000,01\u00a0€) dépassent les charges (12\u202f000,00\u00a0€) de 0,01\u00a0€."},
		{"in-kind uses exceed contributions", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[6].Amount += domain.Euros(100) },
			"budget", "in_kind_unbalanced", "leurs emplois (compte 86, 1\u202f600,00\u00a0€) dépassent les contributions (compte 87, 1\u202f500,00\u00a0€) de 100,00\u00a0€"},
		{"in-kind contributions exceed uses", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[6].Amount = 0 },
			"budget", "in_kind_unbalanced", "les contributions (compte 87, 1\u202f500,00\u00a0€) dépassent leurs emplois (compte 86, 0,00\u00a0€)"},
		{"no charge", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines = b.Lines[2:] },
			"budget.lines", "no_charges", "au moins une charge"},
		{"no product", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines = b.Lines[:2] },
			"budget.lines", "no_products", "au moins un produit"},
		{"no request to the Département", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[3].Funder = "region_idf" },
			"budget.lines", "request_missing", "Département de la Seine-Saint-Denis"},
		{"request of zero", domain.ModeSubmit, domain.BudgetRules{}, func(b *domain.Budget) { b.Lines[3].Amount = 0; b.Lines[2].Amount += domain.Euros(8000) },
			"budget.lines[3].amount", "request_missing", "supérieur à 0,00\u00a0€"},
		{"request over the call's maximum", domain.ModeSubmit, domain.BudgetRules{MaxRequested: domain.Euros(7500)}, func(*domain.Budget) {},
			"budget.lines[3].amount", "request_over_max", "Le montant demandé au Département (8\u202f000,00\u00a0€) dépasse le plafond de l'appel à projets (7\u202f500,00\u00a0€) de 500,00\u00a0€."},
		{"request over the share of charges", domain.ModeSubmit, domain.BudgetRules{MaxShareBP: 6550}, func(*domain.Budget) {},
			"budget.lines[3].amount", "request_over_share", "dépasse 65,5\u202f% du total des charges (12\u202f000,00\u00a0€) : au plus 7\u202f860,00\u00a0€."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := budgetBalanced()
			c.change(&b)
			err := b.Validate(c.mode, c.rules)
			requireFormError(t, err, c.path, c.code, c.fragment)
			if c.mode == domain.ModeSubmit {
				require.NoError(t, b.Validate(domain.ModeDraft, c.rules), "a draft budget need not balance yet")
			}
		})
	}
}

func TestBudgetValidateSkipsTotalsWhenAnAmountIsOutOfRange(t *testing.T) {
	t.Parallel()
	b := budgetBalanced()
	b.Lines[0].Amount = -domain.Euros(2000)
	// The totals would say "unbalanced by 4 000 €", which only misleads:
	// the line's own message says what to fix.
	err := b.Validate(domain.ModeSubmit, domain.BudgetRules{})
	require.Equal(t, []domain.FieldError{{Field: "budget.lines[0].amount", Code: "amount_negative", Message: "Le montant ne peut pas être négatif."}},
		formFieldErrors(t, err))
}

func TestBudgetValidateShareAtTheLimitPasses(t *testing.T) {
	t.Parallel()
	b := budgetBalanced()
	// 8 000 € of 12 000 € is 66,66… %: 6667 bp allows 8 000,40 €, 6666 bp only 7 999,20 €.
	require.NoError(t, b.Validate(domain.ModeSubmit, domain.BudgetRules{MaxShareBP: 6667, MaxRequested: domain.Euros(8000)}))
	requireFormError(t, b.Validate(domain.ModeSubmit, domain.BudgetRules{MaxShareBP: 6666}), "budget.lines[3].amount", "request_over_share", "au plus 7\u202f999,20\u00a0€")
	require.NoError(t, b.Validate(domain.ModeSubmit, domain.BudgetRules{MaxShareBP: 20000}), "a share above 100 % can never bind")
}

func TestBudgetReferenceLists(t *testing.T) {
	t.Parallel()
	a, ok := domain.AccountByCode("74")
	require.True(t, ok)
	require.Equal(t, domain.Account{Code: "74", Label: "Subventions d'exploitation", Kind: domain.AccountProduct}, a)
	kinds := map[domain.AccountKind]int{}
	for _, a := range domain.ChartOfAccounts {
		kinds[a.Kind]++
	}
	require.Equal(t, map[domain.AccountKind]int{domain.AccountCharge: 9, domain.AccountProduct: 7, domain.AccountInKindUse: 1, domain.AccountInKindContribution: 1}, kinds)

	require.Equal(t, "Département de la Seine-Saint-Denis", domain.FunderLabel(domain.FunderDepartement))
	require.Equal(t, "Commune (93066)", domain.FunderLabel("commune:93066"))
	require.Equal(t, "Autre\u00a0: Fondation X", domain.FunderLabel("autre: Fondation X"))
	require.Equal(t, "inconnu", domain.FunderLabel("inconnu"))
}

func TestBudgetJSONShape(t *testing.T) {
	t.Parallel()
	var b domain.Budget
	require.NoError(t, json.Unmarshal([]byte(`{"lines":[{"account":"74","label":"","amount_cents":800000,"funder":"departement_93"}]}`), &b))
	require.Equal(t, domain.Euros(8000), b.Totals().Requested)
	out, err := json.Marshal(b.Totals())
	require.NoError(t, err)
	require.JSONEq(t, `{"charges_cents":0,"products_cents":800000,"in_kind_uses_cents":0,"in_kind_contributions_cents":0,"requested_cents":800000}`, string(out))
}
