package domain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

// formRichSchemaJSON uses every field type and every kind of condition; the
// fuzz target shares it.
const formRichSchemaJSON = `{"fields":[
	{"key":"intro","type":"section","label":"Le projet"},
	{"key":"title","type":"short_text","label":"Titre","required":true,"min":5,"max":20},
	{"key":"summary","type":"long_text","label":"Résumé","max":50},
	{"key":"count","type":"integer","label":"Personnes","min":1,"max":100},
	{"key":"amount","type":"money","label":"Montant","required":true,"max":3000000},
	{"key":"start","type":"date","label":"Début","min_date":"2025-01-01","max_date":"2025-12-31"},
	{"key":"publics","type":"multiple_choice","label":"Publics","required":true,"min":1,"max":2,"options":[
		{"value":"elderly","label":"Personnes âgées"},{"value":"disabled","label":"Handicap"},{"value":"young","label":"Jeunes"}]},
	{"key":"kind","type":"single_choice","label":"Nature","options":[{"value":"a","label":"A"},{"value":"b","label":"B"}]},
	{"key":"cofunded","type":"yes_no","label":"Cofinancé ?","required":true},
	{"key":"cofunding","type":"money","label":"Montant cofinancé","required":true,"show_if":{"field":"cofunded","equals":true}},
	{"key":"contact","type":"email","label":"E-mail"},
	{"key":"phone","type":"phone","label":"Téléphone"},
	{"key":"siret","type":"siret","label":"SIRET"},
	{"key":"commune","type":"commune","label":"Commune"},
	{"key":"address","type":"address","label":"Adresse"},
	{"key":"docs","type":"file","label":"Pièces","max":2},
	{"key":"actions","type":"repeatable","label":"Actions","required":true,"min":1,"max":3,"fields":[
		{"key":"label","type":"short_text","label":"Intitulé","required":true},
		{"key":"paid","type":"yes_no","label":"Payant ?"},
		{"key":"price","type":"money","label":"Prix","required":true,"show_if":{"field":"paid","equals":true}},
		{"key":"for_young","type":"long_text","label":"Pour les jeunes","required":true,"show_if":{"field":"publics","equals":"young"}}
	]}
]}`

// formRichAnswersJSON is a complete, valid set of answers to formRichSchemaJSON.
const formRichAnswersJSON = `{
	"title":"Garage solidaire","summary":"Réparer les voitures","count":40,"amount":2500000,
	"start":"2025-03-01","publics":["elderly"],"kind":"a","cofunded":false,
	"contact":"contact@garage.fr","phone":"01 23 45 67 89","siret":"732 829 320 00074",
	"commune":"93066","address":"1 rue de la Paix, 93200 Saint-Denis","docs":[12],
	"actions":[{"label":"Atelier","paid":false},{"label":"Prêt","paid":true,"price":1500}]
}`

func formRichSchema(t *testing.T) domain.FormSchema {
	t.Helper()
	var s domain.FormSchema
	require.NoError(t, json.Unmarshal([]byte(formRichSchemaJSON), &s))
	require.NoError(t, s.Validate())
	return s
}

// formAnswers decodes answers as the API does, with or without UseNumber.
func formAnswers(t *testing.T, js string, useNumber bool) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	if useNumber {
		dec.UseNumber()
	}
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	return m
}

func TestFormValidateAnswersAcceptsCompleteAnswers(t *testing.T) {
	t.Parallel()
	s := formRichSchema(t)
	for _, useNumber := range []bool{false, true} {
		a := formAnswers(t, formRichAnswersJSON, useNumber)
		require.NoError(t, s.ValidateAnswers(a, domain.ModeSubmit), "UseNumber=%v", useNumber)
		require.NoError(t, s.ValidateAnswers(a, domain.ModeDraft), "UseNumber=%v", useNumber)
	}
	require.NoError(t, s.ValidateAnswers(nil, domain.ModeDraft), "an empty draft autosaves")
	require.NoError(t, s.ValidateAnswers(map[string]any{"title": "", "publics": []any{}, "actions": []any{}}, domain.ModeDraft))
}

func TestFormValidateAnswersRejects(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return `"` + strings.Repeat("a", n) + `"` }
	rows := func(n int) string { return "[" + strings.Repeat(`{"label":"x"},`, n-1) + `{"label":"x"}]` }
	cases := []struct {
		name                 string
		mode                 domain.AnswerMode
		set                  string   // JSON object whose keys replace the complete answers'
		del                  []string // keys removed from the complete answers
		path, code, fragment string
	}{
		// Types and formats: checked in both modes, so shown while drafting.
		{"unknown key", domain.ModeDraft, `{"nope":1}`, nil, "answers.nope", "unknown_field", "ne fait pas partie du formulaire"},
		{"answer to a section", domain.ModeDraft, `{"intro":"x"}`, nil, "answers.intro", "unknown_field", "ne fait pas partie"},
		{"unknown key in a row", domain.ModeDraft, `{"actions":[{"label":"x","nope":1}]}`, nil, "answers.actions[0].nope", "unknown_field", "ne fait pas partie"},
		{"number for a text", domain.ModeDraft, `{"title":42}`, nil, "answers.title", "invalid_type", "Texte attendu."},
		{"string for an integer", domain.ModeDraft, `{"count":"3"}`, nil, "answers.count", "invalid_type", "Nombre entier attendu."},
		{"fraction for an integer", domain.ModeDraft, `{"count":1.5}`, nil, "answers.count", "invalid_type", "Nombre entier attendu."},
		{"fraction of a cent", domain.ModeDraft, `{"amount":12.5}`, nil, "answers.amount", "invalid_type", "Montant invalide"},
		{"French date sent as is", domain.ModeDraft, `{"start":"31/12/2025"}`, nil, "answers.start", "date_format", "Date au format JJ/MM/AAAA attendue."},
		{"impossible date", domain.ModeDraft, `{"start":"2025-02-29"}`, nil, "answers.start", "date_format", "JJ/MM/AAAA"},
		{"stranger to a single choice", domain.ModeDraft, `{"kind":"c"}`, nil, "answers.kind", "choice_invalid", "Choisissez une des options proposées."},
		{"string for a multiple choice", domain.ModeDraft, `{"publics":"elderly"}`, nil, "answers.publics", "invalid_type", "Cochez une ou plusieurs"},
		{"stranger to a multiple choice", domain.ModeDraft, `{"publics":["elderly","zzz"]}`, nil, "answers.publics[1]", "choice_invalid", "Choisissez une des options proposées."},
		{"option ticked twice", domain.ModeDraft, `{"publics":["young","young"]}`, nil, "answers.publics[1]", "choice_duplicate", "cochée deux fois"},
		{"more ticks than options", domain.ModeDraft, `{"publics":["a","b","c","d"]}`, nil, "answers.publics", "too_many", "Au plus 3 options."},
		{"oui for a yes/no", domain.ModeDraft, `{"cofunded":"oui"}`, nil, "answers.cofunded", "invalid_type", "Répondez par oui ou par non."},
		{"half an e-mail", domain.ModeDraft, `{"contact":"jean@"}`, nil, "answers.contact", "email_format", "Adresse e-mail invalide"},
		{"foreign phone", domain.ModeDraft, `{"phone":"+44 20 7946 0958"}`, nil, "answers.phone", "phone_format", "Numéro de téléphone français attendu"},
		{"short phone", domain.ModeDraft, `{"phone":"01 23 45"}`, nil, "answers.phone", "phone_format", "01 23 45 67 89"},
		{"wrong SIRET key", domain.ModeDraft, `{"siret":"73282932000075"}`, nil, "answers.siret", "siret_checksum", "clé de contrôle"},
		{"Paris as a commune", domain.ModeDraft, `{"commune":"75056"}`, nil, "answers.commune", "commune_unknown", "Seine-Saint-Denis"},
		{"text for a document", domain.ModeDraft, `{"docs":"statuts.pdf"}`, nil, "answers.docs", "invalid_type", "Référence de document invalide"},
		{"document id zero", domain.ModeDraft, `{"docs":[0]}`, nil, "answers.docs[0]", "invalid_type", "Référence de document invalide"},
		{"document twice", domain.ModeDraft, `{"docs":[5,5]}`, nil, "answers.docs[1]", "file_duplicate", "joint deux fois"},
		{"object for rows", domain.ModeDraft, `{"actions":{"label":"x"}}`, nil, "answers.actions", "invalid_type", "Liste de lignes attendue."},
		{"number for a row", domain.ModeDraft, `{"actions":[1]}`, nil, "answers.actions[0]", "invalid_type", "Ligne invalide."},
		{"wrong type in a row", domain.ModeDraft, `{"actions":[{"label":"x","paid":"non"}]}`, nil, "answers.actions[0].paid", "invalid_type", "oui ou par non"},
		{"501 rows even in a draft", domain.ModeDraft, `{"actions":` + rows(501) + `}`, nil, "answers.actions", "too_many", "Au plus 500 lignes."},
		{"absurd amount even in a draft", domain.ModeDraft, `{"amount":1000000000001}`, nil, "answers.amount", "amount_too_large", "dix milliards"},
		{"100 001 characters even in a draft", domain.ModeDraft, `{"summary":` + long(100_001) + `}`, nil, "answers.summary", "too_long", "Au plus 100\u202f000 caractères."},

		// Required answers, lengths, bounds and counts: only on submission.
		{"missing required text", domain.ModeSubmit, `{}`, []string{"title"}, "answers.title", "required", "Ce champ est obligatoire."},
		{"blank required text", domain.ModeSubmit, `{"title":"   "}`, nil, "answers.title", "required", "Ce champ est obligatoire."},
		{"text too short", domain.ModeSubmit, `{"title":"abc"}`, nil, "answers.title", "too_short", "Au moins 5 caractères (3 actuellement)."},
		{"text too long", domain.ModeSubmit, `{"summary":` + long(60) + `}`, nil, "answers.summary", "too_long", "Au plus 50 caractères (60 actuellement)."},
		{"default maximum of an address", domain.ModeSubmit, `{"address":` + long(501) + `}`, nil, "answers.address", "too_long", "Au plus 500 caractères"},
		{"integer under the minimum", domain.ModeSubmit, `{"count":0}`, nil, "answers.count", "below_min", "La valeur doit être au moins 1."},
		{"integer over the maximum", domain.ModeSubmit, `{"count":1000}`, nil, "answers.count", "above_max", "La valeur doit être au plus 100."},
		{"amount over the maximum", domain.ModeSubmit, `{"amount":3000001}`, nil, "answers.amount", "above_max", "Le montant doit être au plus 30\u202f000,00\u00a0€."},
		{"negative amount", domain.ModeSubmit, `{"amount":-100}`, nil, "answers.amount", "below_min", "Le montant doit être au moins 0,00\u00a0€."},
		{"missing amount", domain.ModeSubmit, `{"amount":null}`, nil, "answers.amount", "required", "obligatoire"},
		{"date too late", domain.ModeSubmit, `{"start":"2026-01-01"}`, nil, "answers.start", "date_too_late", "La date doit être au plus tard le 31/12/2025."},
		{"date too early", domain.ModeSubmit, `{"start":"2024-12-31"}`, nil, "answers.start", "date_too_early", "au plus tôt le 01/01/2025"},
		{"no option ticked", domain.ModeSubmit, `{"publics":[]}`, nil, "answers.publics", "required", "Ce champ est obligatoire."},
		{"too many options ticked", domain.ModeSubmit, `{"publics":["elderly","disabled","young"]}`, nil, "answers.publics", "too_many", "Cochez au plus 2 options."},
		{"missing yes/no", domain.ModeSubmit, `{}`, []string{"cofunded"}, "answers.cofunded", "required", "obligatoire"},
		{"shown field required", domain.ModeSubmit, `{"cofunded":true}`, nil, "answers.cofunding", "required", "Ce champ est obligatoire."},
		{"too many documents", domain.ModeSubmit, `{"docs":[1,2,3]}`, nil, "answers.docs", "too_many", "Au plus 2 documents."},
		{"no row", domain.ModeSubmit, `{"actions":[]}`, nil, "answers.actions", "required", "obligatoire"},
		{"too many rows", domain.ModeSubmit, `{"actions":` + rows(4) + `}`, nil, "answers.actions", "too_many", "Au plus 3 lignes."},
		{"required column", domain.ModeSubmit, `{"actions":[{"paid":false}]}`, nil, "answers.actions[0].label", "required", "obligatoire"},
		{"column shown by its sibling", domain.ModeSubmit, `{"actions":[{"label":"a"},{"label":"b","paid":true}]}`, nil, "answers.actions[1].price", "required", "obligatoire"},
		{"column shown by a top-level field", domain.ModeSubmit, `{"publics":["young"],"actions":[{"label":"a"}]}`, nil, "answers.actions[0].for_young", "required", "obligatoire"},
	}
	s := formRichSchema(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := formAnswers(t, formRichAnswersJSON, false)
			for k, v := range formAnswers(t, c.set, false) {
				a[k] = v
			}
			for _, k := range c.del {
				delete(a, k)
			}
			err := s.ValidateAnswers(a, c.mode)
			requireFormError(t, err, c.path, c.code, c.fragment)
			if c.mode == domain.ModeSubmit {
				require.NoError(t, s.ValidateAnswers(a, domain.ModeDraft), "a draft may be incomplete or out of bounds")
			}
		})
	}
}

func TestFormValidateAnswersIgnoresHiddenFields(t *testing.T) {
	t.Parallel()
	s := formRichSchema(t)
	a := formAnswers(t, formRichAnswersJSON, false)
	// Left over from when the applicant had ticked "yes": kept, never checked.
	a["cofunding"] = "n'importe quoi"
	a["actions"] = []any{map[string]any{"label": "a", "paid": false, "price": "gratuit", "for_young": 3}}
	require.NoError(t, s.ValidateAnswers(a, domain.ModeSubmit))

	a["cofunded"] = true
	requireFormError(t, s.ValidateAnswers(a, domain.ModeSubmit), "answers.cofunding", "invalid_type", "Montant invalide")
}

func TestFormValidateAnswersUsesReferenceData(t *testing.T) {
	t.Parallel()
	s := formRichSchema(t)
	a := formAnswers(t, formRichAnswersJSON, true)
	opts := domain.AnswerOptions{
		IsCommune:     func(code string) bool { return code == "93066" },
		KnownDocument: func(id int64) bool { return id == 12 },
	}
	require.NoError(t, s.ValidateAnswers(a, domain.ModeSubmit, opts))

	a["commune"] = "93999" // shaped like a 93 code, but no such commune
	a["docs"] = []any{json.Number("12"), json.Number("13")}
	err := s.ValidateAnswers(a, domain.ModeDraft, opts)
	requireFormError(t, err, "answers.commune", "commune_unknown", "Choisissez une commune de la Seine-Saint-Denis")
	requireFormError(t, err, "answers.docs[1]", "file_unknown", "n'est pas joint au dossier")
}

func TestFormValidateAnswersAcceptsFrenchPhoneNumbers(t *testing.T) {
	t.Parallel()
	s := domain.FormSchema{Fields: []domain.FormField{{Key: "p", Type: domain.FieldPhone, Label: "Téléphone"}}}
	for _, ok := range []string{"0123456789", "01 23 45 67 89", "06.12.34.56.78", "+33 6 12 34 56 78", "+33 (0)1 23 45 67 89", "0033123456789"} {
		require.NoError(t, s.ValidateAnswers(map[string]any{"p": ok}, domain.ModeSubmit), ok)
	}
	for _, bad := range []string{"1234567890", "00 23 45 67 89", "+33 0 12 34 56 78", "01 23 45 67 8", "téléphone"} {
		requireFormError(t, s.ValidateAnswers(map[string]any{"p": bad}, domain.ModeSubmit), "answers.p", "phone_format", "français")
	}
}

func TestFormValidateAnswersZeroModeIsStrict(t *testing.T) {
	t.Parallel()
	s := formRichSchema(t)
	var mode domain.AnswerMode // forgotten: must not silently accept an incomplete application
	requireFormError(t, s.ValidateAnswers(map[string]any{}, mode), "answers.title", "required", "obligatoire")
}

func TestFormValidateAnswersCapsTheErrorList(t *testing.T) {
	t.Parallel()
	s := formRichSchema(t)
	a := map[string]any{}
	for i := range 1000 {
		a[strings.Repeat("k", i+1)] = i
	}
	require.Len(t, formFieldErrors(t, s.ValidateAnswers(a, domain.ModeDraft)), 200)
}

func TestVisibleFieldsCascade(t *testing.T) {
	t.Parallel()
	s := formSchemaFromJSON(t, `[
		{"key":"a","type":"yes_no","label":"A"},
		{"key":"b","type":"single_choice","label":"B","show_if":{"field":"a","equals":true},"options":[{"value":"x","label":"X"}]},
		{"key":"c","type":"integer","label":"C","show_if":{"field":"b","equals":"x"}},
		{"key":"d","type":"repeatable","label":"D","fields":[
			{"key":"e","type":"integer","label":"E"},
			{"key":"f","type":"short_text","label":"F","show_if":{"field":"e","in":[1,2]}}]}
	]`)
	require.NoError(t, s.Validate())
	keys := func(fs []domain.FormField) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Key)
		}
		return out
	}
	answers := map[string]any{"a": true, "b": "x"}
	require.Equal(t, []string{"a", "b", "c", "d"}, keys(domain.VisibleFields(s, answers)))
	// Hiding b hides c, even though c's own condition still reads "x" in b's stale answer.
	answers["a"] = false
	require.Equal(t, []string{"a", "d"}, keys(domain.VisibleFields(s, answers)))

	block, ok := s.Field("d")
	require.True(t, ok)
	require.Equal(t, []string{"e", "f"}, keys(domain.VisibleRowFields(s, block, answers, map[string]any{"e": json.Number("2")})))
	require.Equal(t, []string{"e"}, keys(domain.VisibleRowFields(s, block, answers, map[string]any{"e": 3.0})))
}

func TestFormValidateAnswersErrorIsDomainInvalid(t *testing.T) {
	t.Parallel()
	s := formRichSchema(t)
	err := s.ValidateAnswers(formAnswers(t, `{"title":1}`, false), domain.ModeDraft)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Equal(t, domain.CodeInvalid, de.Code)
	require.Equal(t, "Certaines réponses du formulaire sont à corriger.", de.Message)
}
