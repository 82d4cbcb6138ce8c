package domain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

// formFieldErrors returns the field errors of an invalid *domain.Error.
func formFieldErrors(t *testing.T, err error) []domain.FieldError {
	t.Helper()
	require.Error(t, err)
	var de *domain.Error
	require.True(t, errors.As(err, &de), "want *domain.Error, got %T", err)
	require.Equal(t, domain.CodeInvalid, de.Code)
	return de.Fields
}

// requireFormError asserts that err holds a field error at path with code
// and a message containing fragment.
func requireFormError(t *testing.T, err error, path, code, fragment string) {
	t.Helper()
	fields := formFieldErrors(t, err)
	for _, f := range fields {
		if f.Field == path && f.Code == code {
			require.Contains(t, f.Message, fragment, "message of %s/%s", path, code)
			return
		}
	}
	require.Failf(t, "field error not found", "want %s/%s among %+v", path, code, fields)
}

func formSchemaFromJSON(t *testing.T, fields string) domain.FormSchema {
	t.Helper()
	var s domain.FormSchema
	require.NoError(t, json.Unmarshal([]byte(`{"fields":`+fields+`}`), &s))
	return s
}

func TestFormSchemaValidateAcceptsAConsistentForm(t *testing.T) {
	t.Parallel()
	s := formSchemaFromJSON(t, `[
		{"key":"intro","type":"section","label":"Le projet"},
		{"key":"title","type":"short_text","label":"Titre","required":true,"min":5,"max":120},
		{"key":"kind","type":"single_choice","label":"Nature","options":[{"value":"a","label":"A"},{"value":"b","label":"B"}]},
		{"key":"detail","type":"long_text","label":"Précisez","show_if":{"field":"kind","in":["a","b"]}},
		{"key":"start","type":"date","label":"Début","min_date":"2025-01-01","max_date":"2025-12-31"},
		{"key":"cofunded","type":"yes_no","label":"Cofinancé ?"},
		{"key":"amount","type":"money","label":"Montant","min":0,"max":3000000,"show_if":{"field":"cofunded","equals":true}},
		{"key":"rows","type":"repeatable","label":"Actions","min":1,"max":10,"fields":[
			{"key":"title","type":"short_text","label":"Intitulé"},
			{"key":"paid","type":"yes_no","label":"Payant ?"},
			{"key":"price","type":"money","label":"Prix","show_if":{"field":"paid","equals":true}},
			{"key":"why","type":"long_text","label":"Pourquoi","show_if":{"field":"kind","equals":"a"}}
		]},
		{"key":"docs","type":"file","label":"Pièces","max":3}
	]`)
	require.NoError(t, s.Validate())
	require.NoError(t, domain.FormSchema{}.Validate(), "an empty form is consistent; publishing rules live elsewhere")
}

func TestFormSchemaValidateRejects(t *testing.T) {
	t.Parallel()
	opts := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`{"value":"v%d","label":"V%d"}`, i, i)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	cases := []struct {
		name, fields, path, code, fragment string
	}{
		{"unknown type", `[{"key":"a","type":"blob","label":"A"}]`, "fields[0].type", "type_unknown", "inconnu"},
		{"key with capitals", `[{"key":"Titre","type":"short_text","label":"A"}]`, "fields[0].key", "key_invalid", "Identifiant invalide"},
		{"empty key", `[{"key":"","type":"short_text","label":"A"}]`, "fields[0].key", "key_invalid", "lettre minuscule"},
		{"key of 64 characters", `[{"key":"a` + strings.Repeat("b", 63) + `","type":"short_text","label":"A"}]`, "fields[0].key", "key_invalid", "63"},
		{"duplicate key", `[{"key":"a","type":"short_text","label":"A"},{"key":"a","type":"integer","label":"B"}]`, "fields[1].key", "key_duplicate", "champ n°\u00a01"},
		{"blank label", `[{"key":"a","type":"short_text","label":"  "}]`, "fields[0].label", "label_required", "obligatoire"},
		{"label too long", `[{"key":"a","type":"short_text","label":"` + strings.Repeat("é", 301) + `"}]`, "fields[0].label", "label_too_long", "300 caractères"},
		{"help too long", `[{"key":"a","type":"short_text","label":"A","help":"` + strings.Repeat("x", 2001) + `"}]`, "fields[0].help", "help_too_long", "2\u202f000 caractères"},
		{"choice without options", `[{"key":"a","type":"single_choice","label":"A"}]`, "fields[0].options", "options_required", "au moins une option"},
		{"duplicate option values", `[{"key":"a","type":"multiple_choice","label":"A","options":[{"value":"x","label":"X"},{"value":"x","label":"Y"}]}]`, "fields[0].options[1].value", "option_value_duplicate", "option n°\u00a01"},
		{"empty option value", `[{"key":"a","type":"single_choice","label":"A","options":[{"value":"","label":"X"}]}]`, "fields[0].options[0].value", "option_value_required", "obligatoire"},
		{"empty option label", `[{"key":"a","type":"single_choice","label":"A","options":[{"value":"x","label":""}]}]`, "fields[0].options[0].label", "label_required", "obligatoire"},
		{"101 options", `[{"key":"a","type":"single_choice","label":"A","options":` + opts(101) + `}]`, "fields[0].options", "options_too_many", "100 options"},
		{"options on a text", `[{"key":"a","type":"short_text","label":"A","options":[{"value":"x","label":"X"}]}]`, "fields[0].options", "options_not_allowed", "choix"},
		{"min above max", `[{"key":"a","type":"long_text","label":"A","min":10,"max":5}]`, "fields[0].min", "min_greater_than_max", "Le minimum (10) est supérieur au maximum (5)"},
		{"money min above max in euros", `[{"key":"a","type":"money","label":"A","min":500000,"max":100}]`, "fields[0].min", "min_greater_than_max", "5\u202f000,00\u00a0€"},
		{"negative length", `[{"key":"a","type":"short_text","label":"A","min":-1}]`, "fields[0].min", "min_negative", "négatif"},
		{"negative row count", `[{"key":"a","type":"repeatable","label":"A","max":-1,"fields":[{"key":"b","type":"integer","label":"B"}]}]`, "fields[0].max", "max_negative", "négatif"},
		{"bounds on a yes/no", `[{"key":"a","type":"yes_no","label":"A","max":1}]`, "fields[0].max", "bounds_not_allowed", "ni minimum ni maximum"},
		{"more ticks required than options", `[{"key":"a","type":"multiple_choice","label":"A","min":3,"options":` + opts(2) + `}]`, "fields[0].min", "min_exceeds_options", "nombre d'options (2)"},
		{"date bounds on a text", `[{"key":"a","type":"short_text","label":"A","max_date":"2025-01-01"}]`, "fields[0].max_date", "date_bounds_not_allowed", "date"},
		{"date bound not ISO", `[{"key":"a","type":"date","label":"A","min_date":"01/02/2025"}]`, "fields[0].min_date", "date_format", "JJ/MM/AAAA"},
		{"impossible date bound", `[{"key":"a","type":"date","label":"A","max_date":"2025-02-30"}]`, "fields[0].max_date", "date_format", "JJ/MM/AAAA"},
		{"first date after last", `[{"key":"a","type":"date","label":"A","min_date":"2025-06-01","max_date":"2025-05-31"}]`, "fields[0].min_date", "date_min_after_max", "(01/06/2025) est après la date la plus tard (31/05/2025)"},
		{"children on a text", `[{"key":"a","type":"short_text","label":"A","fields":[{"key":"b","type":"integer","label":"B"}]}]`, "fields[0].fields", "children_not_allowed", "bloc répétable"},
		{"empty block", `[{"key":"a","type":"repeatable","label":"A"}]`, "fields[0].fields", "children_required", "au moins un champ"},
		{"nested block", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"b","type":"repeatable","label":"B","fields":[{"key":"c","type":"integer","label":"C"}]}]}]`, "fields[0].fields[0].type", "nested_repeatable", "autre bloc répétable"},
		{"section in a block", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"b","type":"section","label":"B"}]}]`, "fields[0].fields[0].type", "section_in_block", "section"},
		{"duplicate column key", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"b","type":"integer","label":"B"},{"key":"b","type":"money","label":"C"}]}]`, "fields[0].fields[1].key", "key_duplicate", "déjà utilisé"},
		{"required section", `[{"key":"a","type":"section","label":"A","required":true}]`, "fields[0].required", "required_not_allowed", "section"},
		{"condition without field", `[{"key":"a","type":"yes_no","label":"A"},{"key":"b","type":"integer","label":"B","show_if":{"equals":true}}]`, "fields[1].show_if.field", "show_if_field_required", "Indiquez le champ"},
		{"condition on unknown field", `[{"key":"a","type":"yes_no","label":"A"},{"key":"b","type":"integer","label":"B","show_if":{"field":"zz","equals":true}}]`, "fields[1].show_if.field", "show_if_unknown", "«\u00a0zz\u00a0» n'existe pas"},
		{"condition on itself", `[{"key":"a","type":"yes_no","label":"A","show_if":{"field":"a","equals":true}}]`, "fields[0].show_if.field", "show_if_self", "lui-même"},
		{"condition on a later field", `[{"key":"b","type":"integer","label":"B","show_if":{"field":"a","equals":true}},{"key":"a","type":"yes_no","label":"A"}]`, "fields[0].show_if.field", "show_if_forward", "placé avant"},
		{"condition on a file", `[{"key":"a","type":"file","label":"A"},{"key":"b","type":"integer","label":"B","show_if":{"field":"a","equals":1}}]`, "fields[1].show_if.field", "show_if_type", "Document joint"},
		{"condition on a section", `[{"key":"a","type":"section","label":"A"},{"key":"b","type":"integer","label":"B","show_if":{"field":"a","equals":"x"}}]`, "fields[1].show_if.field", "show_if_type", "section"},
		{"condition on a block", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"c","type":"integer","label":"C"}]},{"key":"b","type":"integer","label":"B","show_if":{"field":"a","equals":1}}]`, "fields[1].show_if.field", "show_if_type", "Bloc répétable"},
		{"yes/no compared to a string", `[{"key":"a","type":"yes_no","label":"Cofinancé ?"},{"key":"b","type":"integer","label":"B","show_if":{"field":"a","equals":"oui"}}]`, "fields[1].show_if.equals", "show_if_value", "«\u00a0oui\u00a0» ne correspond à aucune réponse possible du champ «\u00a0Cofinancé ?\u00a0»"},
		{"choice compared to a stranger", `[{"key":"a","type":"single_choice","label":"A","options":[{"value":"x","label":"X"}]},{"key":"b","type":"integer","label":"B","show_if":{"field":"a","in":["x","y"]}}]`, "fields[1].show_if.in[1]", "show_if_value", "«\u00a0y\u00a0»"},
		{"integer compared to a fraction", `[{"key":"a","type":"integer","label":"A"},{"key":"b","type":"integer","label":"B","show_if":{"field":"a","equals":1.5}}]`, "fields[1].show_if.equals", "show_if_value", "1.5"},
		{"both equals and in", `[{"key":"a","type":"yes_no","label":"A"},{"key":"b","type":"integer","label":"B","show_if":{"field":"a","equals":true,"in":[false]}}]`, "fields[1].show_if", "show_if_ambiguous", "pas les deux"},
		{"no value to compare", `[{"key":"a","type":"yes_no","label":"A"},{"key":"b","type":"integer","label":"B","show_if":{"field":"a"}}]`, "fields[1].show_if", "show_if_value_required", "valeurs"},
		{"column on a later top-level field", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"c","type":"integer","label":"C","show_if":{"field":"z","equals":true}}]},{"key":"z","type":"yes_no","label":"Z"}]`, "fields[0].fields[0].show_if.field", "show_if_forward", "avant ce bloc"},
		{"column on its own block", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"c","type":"integer","label":"C","show_if":{"field":"a","equals":1}}]}]`, "fields[0].fields[0].show_if.field", "show_if_self", "bloc qui le contient"},
		{"column on a later sibling", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"c","type":"integer","label":"C","show_if":{"field":"d","equals":true}},{"key":"d","type":"yes_no","label":"D"}]}]`, "fields[0].fields[0].show_if.field", "show_if_forward", "«\u00a0d\u00a0»"},
		{"column on another block's column", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"x","type":"yes_no","label":"X"}]},{"key":"b","type":"repeatable","label":"B","fields":[{"key":"c","type":"integer","label":"C","show_if":{"field":"x","equals":true}}]}]`, "fields[1].fields[0].show_if.field", "show_if_unknown", "ni dans ce bloc ni avant lui"},
		{"top-level field on a column", `[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"x","type":"yes_no","label":"X"}]},{"key":"b","type":"integer","label":"B","show_if":{"field":"x","equals":true}}]`, "fields[1].show_if.field", "show_if_unknown", "«\u00a0x\u00a0»"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := formSchemaFromJSON(t, c.fields).Validate()
			requireFormError(t, err, c.path, c.code, c.fragment)
			var de *domain.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, "Le formulaire est incohérent.", de.Message)
		})
	}
}

func TestFormSchemaValidateCapsTheNumberOfFields(t *testing.T) {
	t.Parallel()
	s := domain.FormSchema{Fields: []domain.FormField{{Key: "block", Type: domain.FieldRepeatable, Label: "Bloc"}}}
	for i := range 200 {
		s.Fields[0].Fields = append(s.Fields[0].Fields, domain.FormField{Key: fmt.Sprintf("f%d", i), Type: domain.FieldInteger, Label: "F"})
	}
	err := s.Validate()
	requireFormError(t, err, "fields", "too_many_fields", "au plus 200 champs (il en a 201)")
	require.Len(t, formFieldErrors(t, err), 1, "a too-large form is reported once, not field by field")

	s.Fields[0].Fields = s.Fields[0].Fields[:199]
	require.NoError(t, s.Validate())
}

func TestFormSchemaValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	err := formSchemaFromJSON(t, `[
		{"key":"a","type":"blob","label":""},
		{"key":"a","type":"single_choice","label":"B"}
	]`).Validate()
	fields := formFieldErrors(t, err)
	var paths []string
	for _, f := range fields {
		paths = append(paths, f.Field)
	}
	require.ElementsMatch(t, []string{"fields[0].label", "fields[0].type", "fields[1].key", "fields[1].options"}, paths)
}

func TestFormSchemaJSONShape(t *testing.T) {
	t.Parallel()
	max := int64(3)
	s := domain.FormSchema{Fields: []domain.FormField{
		{Key: "a", Type: domain.FieldYesNo, Label: "A"},
		{Key: "b", Type: domain.FieldFile, Label: "B", Max: &max, ShowIf: &domain.Condition{Field: "a", Equals: true}},
	}}
	out, err := json.Marshal(s)
	require.NoError(t, err)
	require.JSONEq(t, `{"fields":[
		{"key":"a","type":"yes_no","label":"A"},
		{"key":"b","type":"file","label":"B","max":3,"show_if":{"field":"a","equals":true}}
	]}`, string(out))
}
