package httpapi_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

var insSeq atomic.Int64

// insApplication inserts an application of the demo call for the demo
// organisation orgIndex (0: A, 1: B) in state, submitted at.
func insApplication(t *testing.T, s *servertest.Server, orgIndex int, state, title string, answers map[string]any, cents int64, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	var callID int64
	var orgs []int64
	require.NoError(t, s.DB.NewSelect().TableExpr("calls").Column("id").Order("id").Limit(1).Scan(ctx, &callID))
	require.NoError(t, s.DB.NewSelect().TableExpr("organisations").Column("id").Order("id").Scan(ctx, &orgs))
	now := s.DB.Clock()
	ap := &domain.Application{Reference: fmt.Sprintf("AAP-TEST-%05d", insSeq.Add(1)), CallID: callID, OrgID: orgs[orgIndex], Title: title,
		State: state, WorkflowVersion: 1, Answers: answers, RequestedCents: domain.Money(cents), CreatedAt: now, UpdatedAt: now, Version: 1}
	if state != "draft" {
		ap.SubmittedAt = &at
	}
	require.NoError(t, s.DB.InsertApplication(ctx, s.DB.DB, ap))
	return ap.ID
}

type insList struct {
	Items []struct {
		ID             int64    `json:"id"`
		Reference      string   `json:"reference"`
		Title          string   `json:"title"`
		StateLabel     string   `json:"state_label"`
		OrgName        string   `json:"org_name"`
		RequestedCents int64    `json:"requested_cents"`
		Communes       []string `json:"communes"`
		Publics        []string `json:"publics"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func (l insList) ids() []int64 {
	out := []int64{}
	for _, it := range l.Items {
		out = append(out, it.ID)
	}
	return out
}

func TestInstructionListSearchFiltersPagesAndExports(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{})
	lead := s.Login(t, docLead)
	base := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	velo := insApplication(t, s, 0, "submitted", "Zébulon : réparation de vélos", map[string]any{
		"resume": "Des ateliers zébulon pour les seniors de Bobigny", "lieux": []any{map[string]any{"commune": "93008"}},
		"publics": []any{"personnes_agees"}}, 1_234_567, base)
	permis := insApplication(t, s, 1, "in_instruction", "=Zébulon permis solidaire", map[string]any{
		"resume": "Auto-école zébulon", "publics": []any{"publics_insertion"}}, 500_000, base.Add(time.Hour))
	insApplication(t, s, 0, "draft", "Brouillon zébulon", map[string]any{}, 0, base)

	list := func(q url.Values) insList {
		t.Helper()
		r := lead.Get("/api/v1/instruction/applications?" + q.Encode())
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var l insList
		r.JSON(t, &l)
		return l
	}
	// Accents and plurals do not matter; drafts are never listed.
	require.ElementsMatch(t, []int64{velo, permis}, list(url.Values{"q": {"zebulons"}}).ids())
	require.Equal(t, []int64{velo}, list(url.Values{"q": {"zébulon vélo"}, "call": {"1"}}).ids())
	require.Equal(t, []int64{velo}, list(url.Values{"q": {"zébulon"}, "commune": {"93008"}}).ids())
	require.Equal(t, []int64{permis}, list(url.Values{"q": {"zébulon"}, "public": {"publics_insertion"}}).ids())
	require.Equal(t, []int64{permis}, list(url.Values{"q": {"zébulon"}, "state": {"in_instruction"}}).ids())
	require.Equal(t, []int64{velo}, list(url.Values{"q": {"zébulon"}, "min_cents": {"1000000"}}).ids())
	require.Equal(t, []int64{permis}, list(url.Values{"q": {"zébulon"}, "max_cents": {"999999"}}).ids())
	l := list(url.Values{"q": {"zébulon"}, "sort": {"recent"}})
	require.Equal(t, []int64{velo, permis}, l.ids())
	require.Equal(t, []string{"93008"}, l.Items[0].Communes)
	require.Equal(t, "Déposé", l.Items[0].StateLabel)

	// Pages of one row, then the end.
	page1 := list(url.Values{"q": {"zébulon"}, "sort": {"recent"}, "limit": {"1"}})
	require.Equal(t, []int64{velo}, page1.ids())
	require.NotNil(t, page1.NextCursor)
	page2 := list(url.Values{"q": {"zébulon"}, "sort": {"recent"}, "limit": {"1"}, "cursor": {*page1.NextCursor}})
	require.Equal(t, []int64{permis}, page2.ids())
	require.Nil(t, page2.NextCursor)

	// Bad filters: field errors, in French.
	for q, field := range map[string]string{"state=inconnu": "state", "commune=75056": "commune", "public=chats": "public",
		"direction=XYZ": "direction", "min_cents=abc": "min_cents", "min_cents=10&max_cents=5": "max_cents", "sort=alpha": "sort",
		"limit=1000": "limit", "cursor=%25%25": "cursor"} {
		r := lead.Get("/api/v1/instruction/applications?" + q)
		requireProblem(t, r, http.StatusBadRequest, "validation_failed")
		require.Contains(t, fieldCodes(t, r), field, q)
	}

	// The export: BOM, ";", French headers, euros with a decimal comma, formulas defused.
	r := lead.Get("/api/v1/instruction/applications/export?q=z%C3%A9bulon&sort=recent")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "text/csv; charset=utf-8", r.Header.Get("Content-Type"))
	require.Contains(t, r.Header.Get("Content-Disposition"), "attachment; filename=\"dossiers-")
	require.True(t, strings.HasPrefix(string(r.Body), "\ufeff"), "BOM for Excel")
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	require.NoError(t, err)
	require.Equal(t, app.InstructionCSVHeader, rows[0])
	require.Len(t, rows, 3)
	require.Equal(t, "Zébulon : réparation de vélos", rows[1][1])
	require.Equal(t, "Roues Solidaires 93", rows[1][2])
	require.Equal(t, "12345,67", rows[1][6])
	require.Equal(t, "10/01/2027 à 10:00", rows[1][7], "Paris time")
	require.Equal(t, "Bobigny", rows[1][8])
	require.Equal(t, "Personnes âgées", rows[1][9])
	require.Equal(t, "'=Zébulon permis solidaire", rows[2][1], "a formula is defused")
	require.Equal(t, "5000,00", rows[2][6])
	requireProblem(t, lead.Get("/api/v1/instruction/applications/export?state=inconnu"), http.StatusBadRequest, "validation_failed")

	// Applicants and reviewers do not list applications.
	for _, email := range []string{docOwner, "evaluateur.diess@demo.tremplin.fr", "finances@demo.tremplin.fr"} {
		c := s.Login(t, email)
		requireProblem(t, c.Get("/api/v1/instruction/applications"), http.StatusForbidden, "forbidden")
		requireProblem(t, c.Get("/api/v1/instruction/applications/export"), http.StatusForbidden, "forbidden")
	}
	require.Equal(t, http.StatusOK, s.Login(t, "comite@demo.tremplin.fr").Get("/api/v1/instruction/applications").Status)
}
