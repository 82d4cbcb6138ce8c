package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/tremplin/tremplin/internal/domain"
)

func FuzzBudgetValidate(f *testing.F) {
	seed, err := json.Marshal(budgetBalanced())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed), int64(30000_00), 8000)
	f.Add(`{"lines":[]}`, int64(0), 0)
	f.Add(`{"lines":[{"account":"74","amount_cents":9223372036854775807,"funder":"departement_93"},{"account":"60","amount_cents":-9223372036854775808}]}`, int64(-1), -5)
	f.Add(`{"lines":[{"account":"74","amount_cents":1,"funder":"commune:"},{"account":"74","amount_cents":1,"funder":"autre:"},{"account":"74","funder":"autre:x:y"},{"account":"87","funder":"caf"}]}`, int64(1), 10000)
	f.Fuzz(func(t *testing.T, data string, maxRequested int64, maxShareBP int) {
		var b domain.Budget
		if json.Unmarshal([]byte(data), &b) != nil {
			return
		}
		rules := domain.BudgetRules{MaxRequested: domain.Money(maxRequested), MaxShareBP: maxShareBP}
		formRequireInvalid(t, b.Validate(domain.ModeDraft, rules))
		err := b.Validate(domain.ModeSubmit, rules)
		formRequireInvalid(t, err)
		// The submit guard and the validator must agree: a budget the
		// validator accepts is one the workflow guard lets through.
		if err == nil && !b.Balanced() {
			t.Fatalf("valid on submission but not balanced: %+v", b.Totals())
		}
		// Lines within the bound, as every saved budget has, never overflow.
		if b.CheckAmounts() == nil && len(b.Lines) <= 200 && b.Totals().Overflow {
			t.Fatalf("bounded lines overflowed: %+v", b.Lines)
		}
		_ = domain.FunderLabel(data)
	})
}
