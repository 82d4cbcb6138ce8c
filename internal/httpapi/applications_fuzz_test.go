package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tremplin/tremplin/internal/domain"
)

// FuzzDecodeAutosave: any body either decodes into a draft that encodes back
// to JSON, or is refused with a coded French error; never a panic.
func FuzzDecodeAutosave(f *testing.F) {
	for _, seed := range []string{
		`{"answers":{"titre":"Vélo","montant":1500,"actions":[{"payante":true,"tarif":500}]}}`,
		`{"title":"x","budget":{"lines":[{"account":"74","funder":"departement_93","amount_cents":100}]}}`,
		`{"answers":[]}`, `{"budget":{"lines":[{"amount_cents":1.5}]}}`, `{"other":1}`, `{} {}`, ``, `{"answers":{"n":1e400}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		in, err := decodeAutosave(strings.NewReader(body))
		if err != nil {
			e := domain.AsError(err)
			if e.Code == domain.CodeInternal || e.Message == "" {
				t.Fatalf("uncoded error for %q: %v", body, err)
			}
			return
		}
		if _, err := json.Marshal(in); err != nil {
			t.Fatalf("decoded draft does not encode: %v", err)
		}
	})
}
