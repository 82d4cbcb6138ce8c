package opendata_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/opendata"
)

func mustSchema(t *testing.T, js string) *opendata.Schema {
	t.Helper()
	s, err := opendata.LoadSchema(strings.NewReader(js))
	require.NoError(t, err)
	return s
}

// check validates a CSV whose header is the schema's own field list.
func check(t *testing.T, s *opendata.Schema, rows ...string) []found {
	t.Helper()
	csv := strings.Join(s.FieldNames(), ",") + "\n" + strings.Join(rows, "\n") + "\n"
	return summarise(t, s.ValidateCSV(strings.NewReader(csv)))
}

func TestTableSchemaNumbers(t *testing.T) {
	t.Parallel()
	s := mustSchema(t, `{"fields":[
		{"name":"n","type":"number"},
		{"name":"fr","type":"number","decimalChar":",","groupChar":" "},
		{"name":"eur","type":"number","bareNumber":false,"constraints":{"minimum":0,"exclusiveMaximum":100}},
		{"name":"i","type":"integer","constraints":{"minimum":"-2","maximum":10}}]}`)
	require.Empty(t, check(t, s,
		`47800.20,"1 234,5",12 €,-2`,
		"-1e3,0,99.99 %,10",
		".5,\"12 345 678,90\",€0,+3",
		"NaN,,,",
	))
	require.Equal(t, []found{
		{2, "n", "type"}, {2, "fr", "type"}, {2, "eur", "exclusiveMaximum"}, {2, "i", "maximum"},
		{3, "n", "type"}, {3, "eur", "minimum"}, {3, "i", "type"},
		{4, "i", "minimum"},
	}, check(t, s,
		"1 000,1.5,100,11",
		"\"1,5\",2,-1,1.0",
		",,,-3",
	))
}

func TestTableSchemaBooleansAndEnums(t *testing.T) {
	t.Parallel()
	s := mustSchema(t, `{"fields":[
		{"name":"b","type":"boolean"},
		{"name":"ouinon","type":"boolean","trueValues":["oui"],"falseValues":["non"]},
		{"name":"code","type":"integer","constraints":{"enum":[1,2,"3"]}},
		{"name":"mot","constraints":{"enum":["a","b"]}}]}`)
	require.Empty(t, check(t, s, "true,oui,1,a", "0,non,3,b", "FALSE,,+2,"))
	require.Equal(t, []found{{2, "b", "type"}, {2, "ouinon", "type"}, {2, "code", "enum"}, {2, "mot", "enum"}},
		check(t, s, "yes,Oui,4,A"))
}

func TestTableSchemaDatesAndTimes(t *testing.T) {
	t.Parallel()
	s := mustSchema(t, `{"fields":[
		{"name":"d","type":"date","constraints":{"minimum":"2017-01-01"}},
		{"name":"fr","type":"date","format":"%d/%m/%Y"},
		{"name":"any","type":"date","format":"any"},
		{"name":"dt","type":"datetime"},
		{"name":"t","type":"time"},
		{"name":"y","type":"year","constraints":{"maximum":2030}},
		{"name":"ym","type":"yearmonth"},
		{"name":"dur","type":"duration"}]}`)
	require.Empty(t, check(t, s,
		"2017-06-27,27/06/2017,2017-06-27,2017-06-27T10:00:00Z,10:30:00,2017,2017-06,P1Y2M10DT2H30M",
		"2024-02-29,29/02/2024,29/02/2024,2017-06-27T10:00:00+02:00,23:59:59,2030,2024-12,PT36H",
	))
	require.Equal(t, []found{
		{2, "d", "minimum"}, {2, "fr", "type"}, {2, "any", "type"}, {2, "dt", "type"},
		{2, "t", "type"}, {2, "y", "maximum"}, {2, "ym", "type"}, {2, "dur", "type"},
		{3, "d", "type"}, {3, "fr", "type"}, {3, "y", "type"}, {3, "dur", "type"},
	}, check(t, s,
		"2016-12-31,2017-06-27,demain,27/06/2017,25:00:00,2031,2017-13,P",
		"2017-30-05,31/02/2017,,,,17,,PT",
	))
}

func TestTableSchemaStringsAndStructures(t *testing.T) {
	t.Parallel()
	s := mustSchema(t, `{"missingValues":["","NA"],"fields":[
		{"name":"id","type":"string","format":"uuid","constraints":{"required":true,"unique":true}},
		{"name":"mail","format":"email"},
		{"name":"site","format":"uri"},
		{"name":"code","constraints":{"pattern":"[A-Z]{2}[0-9]{3}","minLength":5,"maxLength":5}},
		{"name":"nom","constraints":{"minLength":2,"maxLength":4}},
		{"name":"pt","type":"geopoint"},
		{"name":"obj","type":"object"},
		{"name":"arr","type":"array","constraints":{"maxLength":2}},
		{"name":"x","type":"any"}]}`)
	require.Empty(t, check(t, s,
		`6f9619ff-8b86-d011-b42d-00cf4fc964ff,a@b.fr,https://seinesaintdenis.fr,AB123,Éléa,"2.35, 48.85","{""a"":1}","[1,2]",¤`,
		`6f9619ff-8b86-d011-b42d-00cf4fc964fe,NA,NA,NA,NA,NA,NA,NA,NA`,
	))
	require.Equal(t, []found{{4, "id", "unique"}}, check(t, s,
		`6f9619ff-8b86-d011-b42d-00cf4fc964ff,,,,,,,,`,
		`6F9619FF-8B86-D011-B42D-00CF4FC964FF,,,,,,,,`,
		`6f9619ff-8b86-d011-b42d-00cf4fc964ff,,,,,,,,`,
	), "unique compares the canonical value; a different spelling is another value")
	require.Equal(t, []found{
		{2, "mail", "type"}, {2, "site", "type"}, {2, "code", "pattern"}, {2, "code", "maxLength"},
		{2, "nom", "maxLength"}, {2, "pt", "type"}, {2, "obj", "type"}, {2, "arr", "maxLength"},
		{3, "id", "required"}, {3, "code", "pattern"}, {3, "code", "minLength"}, {3, "nom", "minLength"}, {3, "arr", "type"},
	}, check(t, s,
		`6f9619ff-8b86-d011-b42d-00cf4fc964ff,pas-un-mail,seinesaintdenis.fr,xAB123,Éléas,"200, 48","[1]","[1,2,3]",`,
		`NA,,,AB12,É,,,"{}",`,
	), "patterns are anchored; lengths count characters, not bytes")
}

func TestTableSchemaPrimaryKey(t *testing.T) {
	t.Parallel()
	s := mustSchema(t, `{"primaryKey":["a","b"],"fields":[{"name":"a"},{"name":"b","type":"integer"}]}`)
	require.Equal(t, []found{{4, "a", "primary-key"}, {5, "a", "primary-key"}}, check(t, s, "x,1", "x,2", "x,1", ",3"))
}

func TestTableSchemaFileShape(t *testing.T) {
	t.Parallel()
	s := mustSchema(t, `{"fields":[{"name":"a","constraints":{"required":true}},{"name":"b"},{"name":"c"}]}`)
	validate := func(csv string) []found { return summarise(t, s.ValidateCSV(strings.NewReader(csv))) }

	require.Empty(t, validate("\uFEFFa,b,c\n1,2,3\r\n"), "a BOM and CRLF are tolerated")
	require.Equal(t, []found{{0, "", "empty-file"}}, validate(""))
	require.Equal(t, []found{
		{1, "a;b;c", "extra-label"}, {1, "a", "missing-label"}, {1, "b", "missing-label"}, {1, "c", "missing-label"},
	}, validate("a;b;c\n1;2;3\n"))
	errs := s.ValidateCSV(strings.NewReader("a;b;c\n"))
	require.Contains(t, errs[0].Message, "virgule")
	require.Equal(t, []found{{1, "", "blank-label"}, {1, "a", "duplicate-label"}}, validate("a,b,,c,a\n1,2,,3,4\n"))
	require.Equal(t, []found{
		{3, "", "blank-row"},
		{4, "", "extra-cell"},
		{5, "c", "missing-cell"},
		{6, "", "blank-row"},
		{7, "a", "required"}, {7, "c", "missing-cell"},
	}, validate("a,b,c\n1,2,3\n,,\n1,2,3,4\n1,2\n\n\"\"\n,2\n"), "an empty line is skipped, a row of empty cells is blank")
	require.Equal(t, []found{{2, "b", "encoding"}}, validate("a,b,c\n1,\xff,3\n"))
	require.Equal(t, []found{{3, "", "source-error"}}, validate("a,b,c\n1,2,3\n1,\"2,3\n"))

	// Columns are matched by name: a misplaced column keeps its own rules.
	require.Equal(t, []found{{1, "c", "label-order"}, {1, "a", "label-order"}, {2, "a", "required"}},
		validate("c,b,a\n3,2,\n"))
	require.Equal(t, "ligne 2, colonne a : La valeur de « a » est obligatoire.", s.ValidateCSV(strings.NewReader("a,b,c\n,2,3\n"))[0].String())
	require.Equal(t, "ligne 3 : Ligne vide.", s.ValidateCSV(strings.NewReader("a,b,c\n1,2,3\n,,\n"))[0].String())
	require.Equal(t, "Le fichier est vide : la ligne d'en-tête manque.", s.ValidateCSV(strings.NewReader(""))[0].String())
	f, ok := s.Field("a")
	require.True(t, ok)
	require.True(t, f.Constraints.Required)
	_, ok = s.Field("z")
	require.False(t, ok)
}

func TestTableSchemaCustomChecks(t *testing.T) {
	t.Parallel()
	s := mustSchema(t, `{"fields":[{"name":"siret"},{"name":"siren"},{"name":"rna"}],"custom_checks":[
		{"name":"french-siret-value","params":{"column":"siret"}},
		{"name":"french-siren-value","params":{"column":"siren"}},
		{"name":"one-of-required","params":{"column1":"siret","column2":"rna"}}]}`)
	require.Empty(t, check(t, s, "73282932000074,732829320,", ",,W931234567", "35600000000048,356000000,"))
	require.Equal(t, []found{
		{2, "siret", "french-siret-value"}, {2, "siren", "french-siren-value"},
		{3, "siret", "one-of-required"},
	}, check(t, s, "73282932000075,732829321,W1", ",732829320,"))
}

func TestLoadSchemaRefusesWhatItCannotEnforce(t *testing.T) {
	t.Parallel()
	for js, want := range map[string]string{
		`not json`:      "illisible",
		`{"fields":[]}`: "aucun champ",
		`{"fields":[{"name":"a","type":"color"}]}`:                                                          "type",
		`{"fields":[{"name":"a","type":"date","format":"%d/%m/%Y %j"}]}`:                                    "%j",
		`{"fields":[{"name":"a","type":"number","format":"currency"}]}`:                                     "format",
		`{"fields":[{"name":"a","constraints":{"pattern":"(?=x)"}}]}`:                                       "motif",
		`{"fields":[{"name":"a","constraints":{"minimum":1}}]}`:                                             "minimum",
		`{"fields":[{"name":"a","type":"integer","constraints":{"maxLength":1}}]}`:                          "maxLength",
		`{"fields":[{"name":"a","type":"integer","constraints":{"enum":["x"]}}]}`:                           "enum",
		`{"fields":[{"name":"a"},{"name":"a"}]}`:                                                            "deux fois",
		`{"fields":[{"name":"a"}],"primaryKey":"b"}`:                                                        "clé primaire",
		`{"fields":[{"name":"a"}],"foreignKeys":[{"fields":"a"}]}`:                                          "foreignKeys",
		`{"fields":[{"name":"a"}],"custom_checks":[{"name":"sum-columns-value"}]}`:                          "non pris en charge",
		`{"fields":[{"name":"a"}],"custom_checks":[{"name":"french-siret-value","params":{"column":"b"}}]}`: "inconnu",
	} {
		_, err := opendata.LoadSchema(strings.NewReader(js))
		require.ErrorContains(t, err, want, js)
	}
}
