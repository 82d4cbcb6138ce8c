package domain

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The project budget of a CERFA 12156*06 subsidy request, in the associative
// chart of accounts (règlement ANC 2018-06): charges 60–68, products 70–78,
// voluntary contributions in kind 86/87 kept apart because they are valued,
// not paid, and must balance among themselves.

// AccountKind is the side of the budget an account sits on.
type AccountKind string

// The account kinds.
const (
	AccountCharge             AccountKind = "charge"
	AccountProduct            AccountKind = "product"
	AccountInKindUse          AccountKind = "in_kind_use"          // 86
	AccountInKindContribution AccountKind = "in_kind_contribution" // 87
)

// AccountSubsidies is account 74, the one split by funder.
const AccountSubsidies = "74"

// Account is a heading of the CERFA budget table.
type Account struct {
	Code  string      `json:"code"`
	Label string      `json:"label"`
	Kind  AccountKind `json:"kind"`
}

// ChartOfAccounts lists the budget headings of CERFA 12156*06 in form order.
// 71 (production stockée) and 72 (production immobilisée) exist in the
// general chart but not on the CERFA: an association's project has neither,
// and 79 (transferts de charges) was removed by the 2018 regulation.
var ChartOfAccounts = []Account{
	{"60", "Achats", AccountCharge},
	{"61", "Services extérieurs", AccountCharge},
	{"62", "Autres services extérieurs", AccountCharge},
	{"63", "Impôts et taxes", AccountCharge},
	{"64", "Charges de personnel", AccountCharge},
	{"65", "Autres charges de gestion courante", AccountCharge},
	{"66", "Charges financières", AccountCharge},
	{"67", "Charges exceptionnelles", AccountCharge},
	{"68", "Dotation aux amortissements", AccountCharge},
	{"70", "Vente de produits finis, de marchandises, prestations de services", AccountProduct},
	{"73", "Dotations et produits de tarification", AccountProduct},
	{"74", "Subventions d'exploitation", AccountProduct},
	{"75", "Autres produits de gestion courante (dont cotisations, dons manuels ou legs)", AccountProduct},
	{"76", "Produits financiers", AccountProduct},
	{"77", "Produits exceptionnels", AccountProduct},
	{"78", "Reprises sur amortissements et provisions", AccountProduct},
	{"86", "Emplois des contributions volontaires en nature", AccountInKindUse},
	{"87", "Contributions volontaires en nature", AccountInKindContribution},
}

var budgetAccounts = func() map[string]Account {
	m := make(map[string]Account, len(ChartOfAccounts))
	for _, a := range ChartOfAccounts {
		m[a.Code] = a
	}
	return m
}()

// AccountByCode returns the heading with this code.
func AccountByCode(code string) (Account, bool) {
	a, ok := budgetAccounts[code]
	return a, ok
}

// FunderDepartement is the funder code of the Département itself: its 74 line is the amount requested.
const FunderDepartement = "departement_93"

// FunderKind is a co-funder an applicant may name on a subsidy line. Detail
// says what follows the code after a colon: "insee" for a commune
// ("commune:93066"), "text" for another funder ("autre:Fondation X").
type FunderKind struct {
	Code   string `json:"code"`
	Label  string `json:"label"`
	Detail string `json:"detail,omitempty"`
}

// Funders lists the co-funders of the plan de mobilité solidaire.
var Funders = []FunderKind{
	{FunderDepartement, "Département de la Seine-Saint-Denis", ""},
	{"france_travail", "France Travail", ""},
	{"caf", "Caisse d'allocations familiales (CAF)", ""},
	{"idfm", "Île-de-France Mobilités", ""},
	{"region_idf", "Région Île-de-France", ""},
	{"ept", "Établissement public territorial (EPT)", ""},
	{"commune", "Commune", "insee"},
	{"etat", "État", ""},
	{"europe", "Union européenne", ""},
	{"autre", "Autre", "text"},
}

const (
	budgetMaxLines = 200
	budgetMaxLabel = 200
)

var budgetINSEERE = regexp.MustCompile(`^(?:[0-9]{5}|2[AB][0-9]{3})$`)

// parseFunder checks a funder code and returns the key that makes two lines
// the same funder, or a French message.
func parseFunder(funder string) (key, message string) {
	code, detail, hasDetail := strings.Cut(funder, ":")
	for _, k := range Funders {
		if k.Code != code {
			continue
		}
		switch {
		case k.Detail == "" && !hasDetail:
			return code, ""
		case k.Detail == "insee" && hasDetail && budgetINSEERE.MatchString(detail):
			return funder, ""
		case k.Detail == "insee":
			return "", "Indiquez le code INSEE de la commune (ex. commune:93066)."
		case k.Detail == "text" && hasDetail && strings.TrimSpace(detail) != "" && utf8.RuneCountInString(detail) <= budgetMaxLabel:
			return code + ":" + strings.ToLower(strings.Join(strings.Fields(detail), " ")), ""
		case k.Detail == "text":
			return "", fmt.Sprintf("Nommez le financeur (ex. autre:Fondation de France), en %s au plus.", formPlural(budgetMaxLabel, "caractère", "caractères"))
		}
	}
	return "", "Financeur inconnu : " + formQuote(funder) + "."
}

// FunderLabel names a funder code in French: "Commune (93066)", "Autre : Fondation X".
func FunderLabel(funder string) string {
	code, detail, hasDetail := strings.Cut(funder, ":")
	for _, k := range Funders {
		if k.Code == code {
			switch {
			case k.Detail == "insee" && hasDetail:
				return k.Label + " (" + detail + ")"
			case k.Detail == "text" && hasDetail:
				return k.Label + "\u00a0: " + strings.TrimSpace(detail)
			}
			return k.Label
		}
	}
	return funder
}

// Budget is a project budget.
type Budget struct {
	Lines []BudgetLine `json:"lines"`
}

// BudgetLine is one amount under a heading; subsidies (74) have one line per funder.
type BudgetLine struct {
	Account string `json:"account"`
	Label   string `json:"label"`
	Amount  Money  `json:"amount_cents"`
	Funder  string `json:"funder,omitempty"`
}

// BudgetTotals are the sums a budget is judged on.
type BudgetTotals struct {
	Charges             Money `json:"charges_cents"`
	Products            Money `json:"products_cents"`
	InKindUses          Money `json:"in_kind_uses_cents"`          // 86
	InKindContributions Money `json:"in_kind_contributions_cents"` // 87
	Requested           Money `json:"requested_cents"`             // 74 from the Département
	// Overflow says a sum did not fit in an int64: the totals are then
	// meaningless and the budget is not balanced, whatever they say.
	Overflow bool `json:"overflow,omitempty"`
}

// Totals sums the lines per side; lines with an unknown account count nowhere.
// Every sum is overflow-checked: lines are bounded on input (MaxAmount), but a
// budget saved before the bound existed must not wrap round and look balanced.
func (b Budget) Totals() BudgetTotals {
	var t BudgetTotals
	var sums Totals
	for _, l := range b.Lines {
		a, ok := budgetAccounts[l.Account]
		if !ok {
			continue
		}
		switch a.Kind {
		case AccountCharge:
			sums.Add(&t.Charges, l.Amount)
		case AccountProduct:
			sums.Add(&t.Products, l.Amount)
			if l.Account == AccountSubsidies && l.Funder == FunderDepartement {
				sums.Add(&t.Requested, l.Amount)
			}
		case AccountInKindUse:
			sums.Add(&t.InKindUses, l.Amount)
		case AccountInKindContribution:
			sums.Add(&t.InKindContributions, l.Amount)
		}
	}
	t.Overflow = sums.Overflow()
	return t
}

// Gap is charges minus products: positive when charges exceed products.
func (b Budget) Gap() Money {
	t := b.Totals()
	return t.Charges - t.Products
}

// InKindGap is uses (86) minus contributions (87) in kind.
func (b Budget) InKindGap() Money {
	t := b.Totals()
	return t.InKindUses - t.InKindContributions
}

// Balanced is the submit guard's test: some charges, charges equal to
// products, and contributions in kind equal to their uses. An empty budget
// is not balanced: it balances nothing.
func (b Budget) Balanced() bool {
	t := b.Totals()
	return !t.Overflow && t.Charges > 0 && t.Charges == t.Products && t.InKindUses == t.InKindContributions
}

// CheckAmounts is the hard bound of a budget, applied even to a draft whose
// other mistakes are only warnings: an amount beyond MaxAmount (either way) is
// refused before it is saved, so no stored budget has lines whose totals
// could overflow. Each line at fault is named.
func (b Budget) CheckAmounts() error {
	var errs Fields
	for i, l := range b.Lines {
		errs.CheckMax(fmt.Sprintf("budget.lines[%d].amount", i), l.Amount)
	}
	if len(errs) == 0 {
		return nil
	}
	return Invalid(fmt.Sprintf("Le budget n'a pas été enregistré : un montant ne peut pas dépasser %s (%s en cause).",
		MaxAmount, formPlural(int64(len(errs)), "ligne", "lignes")), errs...)
}

// BudgetRules are the call's limits on the request to the Département.
type BudgetRules struct {
	// MaxRequested caps the Département's 74 line; 0 means no cap.
	MaxRequested Money
	// MaxShareBP caps that line as a share of total charges, in basis points
	// (8000 = 80 %); 0 means no cap.
	MaxShareBP int
}

// Validate checks the budget. Each line is always checked (account, amount,
// funder, label); ModeSubmit also demands a balanced budget with a request
// to the Département within the call's rules. Messages name amounts in euros.
func (b Budget) Validate(mode AnswerMode, rules BudgetRules) error {
	var errs Fields
	if len(b.Lines) > budgetMaxLines {
		errs.Add("budget.lines", "too_many_lines", fmt.Sprintf("Au plus %s.", formPlural(budgetMaxLines, "ligne", "lignes")))
		return Invalid("Le budget est à corriger.", errs...)
	}
	amountsOK := true
	funders := make(map[string]int, len(b.Lines))
	deptLine := -1
	for i, l := range b.Lines {
		p := fmt.Sprintf("budget.lines[%d]", i)
		_, known := budgetAccounts[l.Account]
		if !known {
			errs.Add(p+".account", "account_unknown", "Compte inconnu : "+formQuote(l.Account)+
				". Choisissez un compte du budget (60 à 68, 70, 73 à 78, 86 ou 87).")
		}
		switch {
		case l.Amount < 0:
			errs.Add(p+".amount", "amount_negative", "Le montant ne peut pas être négatif.")
			amountsOK = false
		case l.Amount > MaxAmount:
			errs.Add(p+".amount", "amount_too_large", TooLargeMessage())
			amountsOK = false
		}
		if utf8.RuneCountInString(l.Label) > budgetMaxLabel {
			errs.Add(p+".label", "label_too_long", fmt.Sprintf("Le libellé fait au plus %s.", formPlural(budgetMaxLabel, "caractère", "caractères")))
		}
		switch {
		case l.Account == AccountSubsidies && strings.TrimSpace(l.Funder) == "":
			errs.Add(p+".funder", "funder_required", "Indiquez le financeur de cette subvention (une ligne par financeur).")
		case l.Account == AccountSubsidies:
			key, msg := parseFunder(l.Funder)
			if msg != "" {
				errs.Add(p+".funder", "funder_unknown", msg)
				break
			}
			if first, dup := funders[key]; dup {
				errs.Add(p+".funder", "funder_duplicate", fmt.Sprintf("%s figure déjà à la ligne n°\u00a0%d : une seule ligne par financeur.",
					FunderLabel(l.Funder), first+1))
				break
			}
			funders[key] = i
			if key == FunderDepartement {
				deptLine = i
			}
		case l.Funder != "" && known:
			errs.Add(p+".funder", "funder_not_allowed", "Seules les subventions d'exploitation (compte 74) indiquent un financeur.")
		}
	}
	// The totals mean nothing when a line's amount is out of range; its own
	// message says what to fix first.
	if mode.strict() && amountsOK {
		b.validateTotals(&errs, rules, deptLine)
	}
	if len(errs) == 0 {
		return nil
	}
	return Invalid("Le budget est à corriger.", errs...)
}

func (b Budget) validateTotals(errs *Fields, rules BudgetRules, deptLine int) {
	t := b.Totals()
	if t.Overflow { // unreachable with bounded lines; kept so a future bound cannot make totals lie
		errs.Add("budget", "amount_overflow", OverflowError().Message)
		return
	}
	if t.Charges == 0 {
		errs.Add("budget.lines", "no_charges", "Indiquez au moins une charge (comptes 60 à 68).")
	}
	if t.Products == 0 {
		errs.Add("budget.lines", "no_products", "Indiquez au moins un produit (comptes 70 à 78), dont la subvention demandée au Département.")
	}
	switch gap := t.Charges - t.Products; {
	case gap > 0:
		errs.Add("budget", "unbalanced", fmt.Sprintf("Le budget n'est pas équilibré : les charges (%s) dépassent les produits (%s) de %s.", t.Charges, t.Products, gap))
	case gap < 0:
		errs.Add("budget", "unbalanced", fmt.Sprintf("Le budget n'est pas équilibré : les produits (%s) dépassent les charges (%s) de %s.", t.Products, t.Charges, -gap))
	}
	switch gap := t.InKindUses - t.InKindContributions; {
	case gap > 0:
		errs.Add("budget", "in_kind_unbalanced", fmt.Sprintf("Les contributions volontaires en nature ne sont pas équilibrées : leurs emplois (compte 86, %s) dépassent les contributions (compte 87, %s) de %s.", t.InKindUses, t.InKindContributions, gap))
	case gap < 0:
		errs.Add("budget", "in_kind_unbalanced", fmt.Sprintf("Les contributions volontaires en nature ne sont pas équilibrées : les contributions (compte 87, %s) dépassent leurs emplois (compte 86, %s) de %s.", t.InKindContributions, t.InKindUses, -gap))
	}
	if deptLine < 0 {
		errs.Add("budget.lines", "request_missing", "Indiquez le montant demandé au Département de la Seine-Saint-Denis : une ligne au compte 74 avec ce financeur.")
		return
	}
	p := fmt.Sprintf("budget.lines[%d].amount", deptLine)
	req := t.Requested
	if req <= 0 {
		errs.Add(p, "request_missing", "Le montant demandé au Département doit être supérieur à 0,00\u00a0€.")
		return
	}
	if rules.MaxRequested > 0 && req > rules.MaxRequested {
		errs.Add(p, "request_over_max", fmt.Sprintf("Le montant demandé au Département (%s) dépasse le plafond de l'appel à projets (%s) de %s.",
			req, rules.MaxRequested, req-rules.MaxRequested))
	}
	// Above 100 % the rule could never bind; a misconfigured call must not block everyone.
	if bp := rules.MaxShareBP; bp > 0 && bp <= 100_00 && t.Charges > 0 {
		limit := t.Charges * Money(bp) / 100_00
		if req > limit {
			errs.Add(p, "request_over_share", fmt.Sprintf("Le montant demandé au Département (%s) dépasse %s du total des charges (%s) : au plus %s.",
				req, budgetPercent(bp), t.Charges, limit))
		}
	}
}

// budgetPercent shows basis points as a French percentage: 8000 → "80 %", 8050 → "80,5 %".
func budgetPercent(bp int) string {
	s := fmt.Sprintf("%d,%02d", bp/100, bp%100)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), ",0")
	s = strings.TrimSuffix(s, ",")
	return s + "\u202f%"
}
