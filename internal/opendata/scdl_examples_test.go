package opendata_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/opendata"
)

type found struct {
	Row    int
	Column string
	Rule   string
}

func summarise(t *testing.T, errs []opendata.CellError) []found {
	t.Helper()
	out := make([]found, len(errs))
	for i, e := range errs {
		out[i] = found{e.Row, e.Column, e.Rule}
		require.NotEmpty(t, e.Message, "%d %s %s", e.Row, e.Column, e.Rule)
	}
	return out
}

func TestOfficialValidExample(t *testing.T) {
	t.Parallel()
	require.Empty(t, opendata.ValidateSCDL(openOfficial(t, "exemple_valide.csv")))

	// The official "valid" example is valid for the schema, but four payment
	// periods cannot be real: a 30th month and three periods that end before
	// they start. The schema's pattern cannot see it, so ValidateSCDL (which
	// must agree with the reference validator) accepts the file, while the
	// strict rules Tremplin's own export obeys flag exactly these rows.
	strict := opendata.ValidateSCDLStrict(openOfficial(t, "exemple_valide.csv"))
	require.Equal(t, []found{
		{24, "datesPeriodeVersement", "date-period"}, // 2017-04-12/2017-03-09
		{25, "datesPeriodeVersement", "date-period"}, // 2017-12-20/2017-03-09
		{27, "datesPeriodeVersement", "date-period"}, // 2017-03-02/2017-30-05
		{29, "datesPeriodeVersement", "date-period"}, // 2017-03-02/2017-01-10
	}, summarise(t, strict))
	require.Equal(t, "2017-03-02/2017-30-05", strict[2].Value)
}

// cellErrorsOfInvalidExamples are the data-row problems of both invalid
// examples (the "columns" file repeats the rows of the "cells" file with
// columns swapped and renamed). The issuer's SIRET, 21860194600000, fails the
// key on every row, so every row has at least that error.
func cellErrorsOfInvalidExamples() []found {
	var out []found
	siret := func(row int) { out = append(out, found{row, "idAttribuant", "french-siret-value"}) }
	add := func(row int, column, rule string) { out = append(out, found{row, column, rule}) }
	benefSiret := func(row int) { add(row, "idBeneficiaire", "french-siret-value") }
	for row := 2; row <= 30; row++ {
		switch row {
		case 2, 3, 4: // pourcentageSubvention written as 100 or 80 (percent instead of a share)
			siret(row)
			add(row, "pourcentageSubvention", "maximum")
		case 5:
			siret(row)
			add(row, "dateConvention", "type") // 05/12/2016
			benefSiret(row)
			add(row, "rnaBeneficiaire", "pattern") // W3222
		case 6:
			siret(row)
			benefSiret(row)                    // 32402138500000.0
			add(row, "montant", "type")        // comma decimal
			add(row, "notificationUE", "type") // "no"
		case 7: // a SIREN where a SIRET is expected
			add(row, "idAttribuant", "pattern")
			siret(row)
		case 8:
			siret(row)
			benefSiret(row)
			add(row, "datesPeriodeVersement", "pattern") // "_" instead of "/"
			add(row, "notificationUE", "type")           // "yes"
		case 9:
			siret(row)
			add(row, "idBeneficiaire", "one-of-required")
			add(row, "pourcentageSubvention", "type") // "0,5"
		case 10:
			siret(row)
			benefSiret(row)
			add(row, "montant", "required")
		case 12:
			siret(row)
			add(row, "rnaBeneficiaire", "pattern") // W12455
		case 16:
			siret(row)
			benefSiret(row)
			add(row, "nature", "enum") // values joined by "," instead of ";"
		case 19, 23, 29: // RNA only or a valid beneficiary SIRET
			siret(row)
		case 30:
			siret(row)
			benefSiret(row)
			add(row, "rnaBeneficiaire", "pattern") // W1234567
		default: // fictitious beneficiary SIRETs ending in 00000
			siret(row)
			benefSiret(row)
		}
	}
	return out
}

func TestOfficialInvalidCellsExample(t *testing.T) {
	t.Parallel()
	errs := opendata.ValidateSCDL(openOfficial(t, "exemple_invalide_erreurs_cellules.csv"))
	want := append([]found{
		// The invalid examples predate 2.1.0 and lack the dispositifAide column.
		{1, "dispositifAide", "missing-label"},
	}, cellErrorsOfInvalidExamples()...)
	require.Equal(t, want, summarise(t, errs))
	require.Len(t, errs, 66)
	require.Equal(t, "100000,1", errs[findRow(errs, 6, "montant")].Value)
	require.Equal(t, summarise(t, errs), summarise(t, opendata.ValidateSCDLStrict(openOfficial(t, "exemple_invalide_erreurs_cellules.csv"))))
}

func TestOfficialInvalidColumnsExample(t *testing.T) {
	t.Parallel()
	errs := opendata.ValidateSCDL(openOfficial(t, "exemple_invalide_erreurs_colonnes.csv"))
	want := append([]found{
		{1, "NOM_Beneficiaire", "extra-label"},
		{1, "idAttribuant", "label-order"},
		{1, "nomAttribuant", "label-order"},
		{1, "nomBeneficiaire", "missing-label"},
		{1, "dispositifAide", "missing-label"},
	}, cellErrorsOfInvalidExamples()...)
	require.Equal(t, want, summarise(t, errs))
	require.Contains(t, errs[0].Message, "Vouliez-vous dire « nomBeneficiaire » ?")
	require.Contains(t, errs[1].Message, "le schéma attend « nomAttribuant »")
	require.Equal(t, "100000,10", errs[findRow(errs, 6, "montant")].Value)
}

func findRow(errs []opendata.CellError, row int, column string) int {
	for i, e := range errs {
		if e.Row == row && e.Column == column {
			return i
		}
	}
	return -1
}
